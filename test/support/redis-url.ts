/**
 * Which Redis a test uses. `REDIS_URL` overrides the shared one on 6379 (`npm run test:cluster` sets it to a local
 * Redis Cluster). A cluster has no numbered databases: tests isolate themselves there by unique key prefixes,
 * and `testRedisUrl(db)` gives the cluster URL unchanged.
 */
import { isClusterUrl } from '../../src/store/redis-client.ts';

export const TEST_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const onCluster = isClusterUrl(TEST_REDIS);

/** The test Redis, in database `db` when it is a single instance. */
export function testRedisUrl(db?: number): string {
  if (onCluster || db === undefined) return TEST_REDIS;
  return `${TEST_REDIS.replace(/\/\d*$/, '')}/${db}`;
}
