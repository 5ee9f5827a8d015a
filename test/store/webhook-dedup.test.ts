import { afterAll, describe, expect, it } from 'vitest';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { firstSighting } from '../../src/store/webhook-dedup.ts';
import { redisFixture, uniqueId } from './redis-fixture.ts';

const fx = redisFixture(2);
afterAll(() => fx.close());

describe('firstSighting', () => {
  it('is true once per uuid, then false, with the TTL set', async () => {
    const uuid = uniqueId('webhook');
    fx.track(globalKeys.webhookSeen(uuid));
    expect(await firstSighting(fx.redis, uuid, 600)).toBe(true);
    expect(await firstSighting(fx.redis, uuid, 600)).toBe(false);
    const ttl = await fx.redis.ttl(globalKeys.webhookSeen(uuid));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('lets exactly one of many concurrent deliveries through, across connections', async () => {
    const uuid = uniqueId('webhook');
    fx.track(globalKeys.webhookSeen(uuid));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => firstSighting(fx.clients[i % 2]!, uuid)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await fx.redis.ttl(globalKeys.webhookSeen(uuid))).toBeGreaterThan(86_000);
  });

  it('sees the uuid again once the TTL has passed', async () => {
    const uuid = uniqueId('webhook');
    fx.track(globalKeys.webhookSeen(uuid));
    expect(await firstSighting(fx.redis, uuid, 1)).toBe(true);
    await fx.redis.pexpire(globalKeys.webhookSeen(uuid), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await firstSighting(fx.redis, uuid, 1)).toBe(true);
  });

  it('rejects an empty uuid', async () => {
    await expect(firstSighting(fx.redis, '')).rejects.toThrow(/empty/);
  });
});
