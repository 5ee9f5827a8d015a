/**
 * A redis-server of the test's own (no persistence) with a client on it: for tests that need the product's global
 * keys (`hh:extensions`, `hh:ext:reservations`, …) to themselves without flushing a shared database.
 */
import { Redis } from 'ioredis';
import { closeRedis, createRedis } from '../../src/store/redis-client.ts';
import { startPrivateRedis } from './private-redis.ts';
import { flushTestRedis, onCluster, TEST_REDIS } from './redis-url.ts';

export interface OwnRedis {
  url: string;
  redis: Redis;
  stop(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  if (onCluster) {
    // `npm run test:cluster`: one file at a time has the cluster to itself.
    const redis = createRedis(TEST_REDIS);
    await flushTestRedis(redis);
    return { url: TEST_REDIS, redis, stop: () => closeRedis(redis) };
  }
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  return {
    url: server.url,
    redis,
    async stop() {
      redis.disconnect();
      await server.close();
    },
  };
}
