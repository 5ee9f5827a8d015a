/** Real Redis for store tests: unique keys per test, only our own keys deleted (never FLUSHALL). */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { closeRedis, createRedis } from '../../src/store/redis-client.ts';
import { TEST_REDIS } from '../support/redis-url.ts';

/** The shared test Redis (or the cluster of `npm run test:cluster`). */
export const REDIS_URL = TEST_REDIS;

export function uniqueId(label = 'test'): string {
  return `${label}-${randomUUID()}`;
}

/** Opens `count` connections; `close()` quits them and deletes the keys handed to `track`. */
export function redisFixture(count = 1) {
  const clients: Redis[] = Array.from({ length: count }, (_, i) => createRedis(REDIS_URL, { name: `hh-test-${i}` }));
  const keys = new Set<string>();
  return {
    clients,
    redis: clients[0]!,
    track(...added: string[]) {
      for (const key of added) keys.add(key);
    },
    async close() {
      if (keys.size > 0) await clients[0]!.del(...keys);
      await Promise.all(clients.map((client) => closeRedis(client)));
    },
  };
}
