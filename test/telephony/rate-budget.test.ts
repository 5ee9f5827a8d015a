import { afterAll, describe, expect, it } from 'vitest';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { RedisRateBudget } from '../../src/telephony/redis-rate-budget.ts';
import { RINGCENTRAL_DEFAULT_POLICY, THROTTLE_GROUPS, mergePolicy } from '../../src/telephony/rate-budget-policy.ts';
import type { RateBudgetPolicyTable } from '../../src/telephony/rate-budget-policy.ts';
import { redisFixture, uniqueId } from '../store/redis-fixture.ts';

const fx = redisFixture(2);
afterAll(() => fx.close());

const WINDOW_MS = 1_000;
/** Limit 5 per second in every group: allowances transfer 5, hangup 4, dial 4, sync 3. */
const FAST: RateBudgetPolicyTable = {
  defaults: mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { windowMs: WINDOW_MS, limits: { Light: 5, Medium: 5, Heavy: 5, Auth: 5 } }),
};

function credential(): string {
  const id = uniqueId('cred');
  fx.track(globalKeys.budgetBlock(id), ...THROTTLE_GROUPS.map((group) => globalKeys.budget(id, group)));
  return id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisRateBudget', () => {
  it('counts requests per group and says how long to wait', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST });
    const cred = credential();
    for (let i = 0; i < 4; i++) expect(await budget.tryAcquire(cred, 'Heavy', 'dial')).toEqual({ ok: true });
    const refused = await budget.tryAcquire(cred, 'Heavy', 'dial');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryInMs).toBeGreaterThan(0);
      expect(refused.retryInMs).toBeLessThanOrEqual(WINDOW_MS);
    }
    // Another group of the same credential is untouched.
    expect(await budget.tryAcquire(cred, 'Light', 'sync')).toEqual({ ok: true });
    expect(await fx.redis.zcard(globalKeys.budget(cred, 'Heavy'))).toBe(4);
    expect(await fx.redis.pttl(globalKeys.budget(cred, 'Heavy'))).toBeLessThanOrEqual(WINDOW_MS);
  });

  it('keeps headroom for higher priorities: dials refused while transfers still pass', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST });
    const cred = credential();
    for (let i = 0; i < 3; i++) expect((await budget.tryAcquire(cred, 'Light', 'sync')).ok).toBe(true);
    expect((await budget.tryAcquire(cred, 'Light', 'sync')).ok).toBe(false);
    expect((await budget.tryAcquire(cred, 'Light', 'dial')).ok).toBe(true);
    expect((await budget.tryAcquire(cred, 'Light', 'dial')).ok).toBe(false);
    expect((await budget.tryAcquire(cred, 'Light', 'hangup')).ok).toBe(false);
    expect((await budget.tryAcquire(cred, 'Light', 'transfer')).ok).toBe(true);
    expect((await budget.tryAcquire(cred, 'Light', 'transfer')).ok).toBe(false);
  });

  it('with the RingCentral defaults, subscription upkeep still passes when dials and look-ups have filled their share', async () => {
    const budget = new RedisRateBudget(fx.redis);
    const cred = credential();
    for (let i = 0; i < 30; i++) expect((await budget.tryAcquire(cred, 'Light', 'sync')).ok).toBe(true);
    for (let i = 0; i < 10; i++) expect((await budget.tryAcquire(cred, 'Light', 'dial')).ok).toBe(true);
    expect((await budget.tryAcquire(cred, 'Light', 'sync')).ok).toBe(false);
    expect((await budget.tryAcquire(cred, 'Light', 'dial')).ok).toBe(false);
    // 40 of 50 taken: upkeep may fill 42, hang-ups 45, transfers all 50.
    expect((await budget.tryAcquire(cred, 'Light', 'upkeep')).ok).toBe(true);
    expect((await budget.tryAcquire(cred, 'Light', 'upkeep')).ok).toBe(true);
    expect((await budget.tryAcquire(cred, 'Light', 'upkeep')).ok).toBe(false);
    expect((await budget.tryAcquire(cred, 'Light', 'hangup')).ok).toBe(true);
  });

  it('with the RingCentral defaults, 69 concurrent hang-ups leave 5 Light slots to transfers', async () => {
    const budget = new RedisRateBudget(fx.redis);
    const cred = credential();
    const hangups = await Promise.all(Array.from({ length: 69 }, (_, i) => (i % 2 ? budget : new RedisRateBudget(fx.clients[1]!)).tryAcquire(cred, 'Light', 'hangup')));
    expect(hangups.filter((r) => r.ok)).toHaveLength(45);
    const transfers = await Promise.all(Array.from({ length: 6 }, () => budget.tryAcquire(cred, 'Light', 'transfer')));
    expect(transfers.filter((r) => r.ok)).toHaveLength(5);
    // The refused hang-ups wait for the window to slide (about a minute), not for the transfers.
    for (const r of hangups) if (!r.ok) expect(r.retryInMs).toBeGreaterThan(50_000);
  });

  it('slides the window: the wait is set by the entry that must leave for this priority', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST });
    const cred = credential();
    await budget.tryAcquire(cred, 'Light', 'transfer');
    await sleep(300);
    await budget.tryAcquire(cred, 'Light', 'transfer');
    await budget.tryAcquire(cred, 'Light', 'transfer');
    await sleep(300);
    await budget.tryAcquire(cred, 'Light', 'transfer');
    await budget.tryAcquire(cred, 'Light', 'transfer');
    const transfer = await budget.tryAcquire(cred, 'Light', 'transfer');
    const sync = await budget.tryAcquire(cred, 'Light', 'sync');
    if (transfer.ok || sync.ok) throw new Error('window should be full');
    // transfer waits for the first entry (t≈0 → ~400 ms left); sync (allowance 3) for the third (t≈300 → ~700 ms).
    expect(transfer.retryInMs).toBeLessThanOrEqual(420);
    expect(sync.retryInMs).toBeLessThanOrEqual(720);
    expect(sync.retryInMs - transfer.retryInMs).toBeGreaterThan(250);
    await sleep(transfer.retryInMs + 10);
    expect((await budget.tryAcquire(cred, 'Light', 'transfer')).ok).toBe(true);
    expect((await budget.tryAcquire(cred, 'Light', 'transfer')).ok).toBe(false);
  });

  it('penalize blocks every group and priority until it expires, and never shortens a longer block', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST });
    const cred = credential();
    await budget.penalize(cred, 300);
    for (const group of THROTTLE_GROUPS) {
      const result = await budget.tryAcquire(cred, group, 'transfer');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.retryInMs).toBeLessThanOrEqual(300);
    }
    await budget.penalize(cred, 50);
    expect(await fx.redis.pttl(globalKeys.budgetBlock(cred))).toBeGreaterThan(150);
    await sleep(320);
    expect((await budget.tryAcquire(cred, 'Light', 'sync')).ok).toBe(true);
    // Refused attempts while blocked were not counted.
    expect(await fx.redis.zcard(globalKeys.budget(cred, 'Light'))).toBe(1);
  });

  it('penalizes for 30 s when no (or a nonsense) Retry-After is given', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST });
    for (const retryAfter of [undefined, Number.NaN, -5]) {
      const cred = credential();
      await budget.penalize(cred, retryAfter);
      const pttl = await fx.redis.pttl(globalKeys.budgetBlock(cred));
      expect(pttl).toBeGreaterThan(29_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
    }
  });

  it('is one budget for two instances on two connections', async () => {
    const a = new RedisRateBudget(fx.clients[0]!, { policies: FAST });
    const b = new RedisRateBudget(fx.clients[1]!, { policies: FAST });
    const cred = credential();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).tryAcquire(cred, 'Medium', 'transfer')));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    await a.penalize(cred, 1_000);
    expect((await b.tryAcquire(cred, 'Auth', 'transfer')).ok).toBe(false);
  });

  it('stamps entries with the Redis server clock', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST });
    const cred = credential();
    await budget.tryAcquire(cred, 'Auth', 'sync');
    const [seconds, micros] = await fx.redis.time();
    const serverNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const [, score] = await fx.redis.zrange(globalKeys.budget(cred, 'Auth'), '0', '0', 'WITHSCORES');
    expect(serverNow - Number(score)).toBeGreaterThanOrEqual(0);
    expect(serverNow - Number(score)).toBeLessThan(500);
  });

  it('acquire waits for a slot, then counts it', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST, jitterMs: 10 });
    const cred = credential();
    const filled = Date.now();
    for (let i = 0; i < 5; i++) await budget.acquire(cred, 'Light', 'transfer');
    await budget.acquire(cred, 'Light', 'transfer');
    // The sixth can only be counted once the first has left the window (same host, so the clocks agree).
    expect(Date.now() - filled).toBeGreaterThanOrEqual(WINDOW_MS - 5);
    const count = await fx.redis.zcard(globalKeys.budget(cred, 'Light'));
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(5);
  });

  it('acquire waits out a penalty, re-checking at least every maxSleepMs', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST, maxSleepMs: 50, jitterMs: 0 });
    const cred = credential();
    await budget.penalize(cred, 5_000);
    setTimeout(() => void fx.redis.del(globalKeys.budgetBlock(cred)), 150);
    const started = Date.now();
    await budget.acquire(cred, 'Heavy', 'transfer');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('acquire rejects with the reason when the signal aborts, and counts nothing', async () => {
    const budget = new RedisRateBudget(fx.redis, { policies: FAST });
    const cred = credential();
    for (let i = 0; i < 4; i++) await budget.acquire(cred, 'Light', 'dial');
    const controller = new AbortController();
    const reason = new Error('job cancelled');
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    await expect(budget.acquire(cred, 'Light', 'dial', controller.signal)).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(500);
    await expect(budget.acquire(cred, 'Light', 'transfer', AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(await fx.redis.zcard(globalKeys.budget(cred, 'Light'))).toBe(4);
  });
});
