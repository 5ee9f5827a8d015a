/**
 * Which Redis a test uses. `REDIS_URL` overrides the shared one on 6379 (`npm run test:cluster` sets it to a local
 * Redis Cluster). A cluster has no numbered databases: tests isolate themselves there by unique key prefixes,
 * and `testRedisUrl(db)` gives the cluster URL unchanged.
 */
import type { Redis } from 'ioredis';
import { isClusterUrl, masters } from '../../src/store/redis-client.ts';

export const TEST_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const onCluster = isClusterUrl(TEST_REDIS);

/** The test Redis, in database `db` when it is a single instance. */
export function testRedisUrl(db?: number): string {
  if (onCluster || db === undefined) return TEST_REDIS;
  return `${TEST_REDIS.replace(/\/\d*$/, '')}/${db}`;
}

/**
 * Empties the test Redis: FLUSHDB on a single instance (its own db or server), every master on a cluster (the
 * cluster suite runs its files one at a time on a cluster of its own, so a file may take the whole of it).
 */
export async function flushTestRedis(redis: Redis): Promise<void> {
  await redis.ping(); // a cluster knows its masters once connected
  await Promise.all(masters(redis).map((node) => node.flushdb()));
}
