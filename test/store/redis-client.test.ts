import { describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { closeRedis, createRedis, isCluster, redisOptions } from '../../src/store/redis-client.ts';
import { REDIS_URL, uniqueId } from './redis-fixture.ts';

describe('createRedis', () => {
  it('fails fast on command clients and waits forever on blocking ones', () => {
    expect(redisOptions('command')).toMatchObject({ maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 5_000, lazyConnect: false });
    expect(redisOptions('blocking')).toMatchObject({ maxRetriesPerRequest: null, lazyConnect: false });
    expect(redisOptions('command', 'web')).toMatchObject({ connectionName: 'web' });
  });

  it('connects at once and names the connection', async () => {
    const name = uniqueId('hh-client');
    const redis = createRedis(REDIS_URL, { name });
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.client('GETNAME')).toBe(name);
    } finally {
      await closeRedis(redis);
    }
    expect(redis.status).toBe('end');
  });

  it('gives a blocking client no retry limit', async () => {
    const redis = createRedis(REDIS_URL, { role: 'blocking' });
    try {
      const options = isCluster(redis) ? (redis as unknown as Cluster).options.redisOptions : redis.options;
      expect(options?.maxRetriesPerRequest).toBeNull();
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await closeRedis(redis);
    }
  });

  it('rejects commands quickly when Redis is unreachable, logs the errors, and still closes', async () => {
    const warnings: unknown[] = [];
    // Port 1 refuses connections at once.
    const redis = createRedis('redis://127.0.0.1:1', { logger: { warn: (obj: unknown) => warnings.push(obj) } });
    const started = Date.now();
    await expect(redis.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(warnings.length).toBeGreaterThan(0);
    let reconnects = 0;
    redis.on('reconnecting', () => reconnects++);
    const closing = Date.now();
    await closeRedis(redis, 200);
    expect(Date.now() - closing).toBeLessThan(1_000);
    // ioredis leaves the status at 'reconnecting' here; what matters is that it never tries again.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(reconnects).toBe(0);
  });

  it('closeRedis is safe to call twice', async () => {
    const redis = createRedis(REDIS_URL);
    await redis.ping();
    await closeRedis(redis);
    await closeRedis(redis);
    expect(redis.status).toBe('end');
  });
});
