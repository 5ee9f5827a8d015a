/**
 * A redis-server of the test's own (no persistence) with a client on it: for tests that need the product's global
 * keys (`hh:extensions`, `hh:ext:reservations`, …) to themselves without flushing a shared database.
 */
import { Redis } from 'ioredis';
import { startPrivateRedis } from './private-redis.ts';

export interface OwnRedis {
  url: string;
  redis: Redis;
  stop(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
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
