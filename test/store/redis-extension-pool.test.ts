import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reservation } from '../../src/store/extension-pool.ts';
import { RedisExtensionPool, holderValue, parseHolder } from '../../src/store/redis-extension-pool.ts';
import { redisFixture, uniqueId } from './redis-fixture.ts';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/store/redis-client.ts';
import { startPrivateRedis } from '../support/private-redis.ts';

const fx = redisFixture(4);

async function commandCounts(client: Redis): Promise<Record<string, number>> {
  const info = await client.info('commandstats');
  return Object.fromEntries([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1] ?? '', Number(m[2])]));
}
afterAll(() => fx.close());

/** A pool over its own hash key, so tests never see each other's (or the product's) reservations. */
function newPool(client = fx.redis) {
  const key = `hh:test:${uniqueId('ext')}:reservations`;
  fx.track(key);
  return { key, pool: new RedisExtensionPool(client, key) };
}

const call = (jobId: string, callId: string): Reservation => ({ jobId, callId });

describe('RedisExtensionPool', () => {
  it('reserves the first free candidate, in order, and nothing when all are taken', async () => {
    const { pool, key } = newPool();
    expect(await pool.reserve(call('j1', 'c1'), ['e1', 'e2', 'e3'])).toBe('e1');
    expect(await pool.reserve(call('j1', 'c2'), ['e1', 'e2', 'e3'])).toBe('e2');
    expect(await pool.reserve(call('j2', 'c1'), ['e2', 'e1'])).toBeUndefined();
    expect(await pool.reserve(call('j2', 'c1'), [])).toBeUndefined();
    expect(await fx.redis.hgetall(key)).toEqual({ e1: 'j1 c1', e2: 'j1 c2' });
  });

  it('is idempotent: the same call gets back the candidate it already holds', async () => {
    const { pool } = newPool();
    expect(await pool.reserve(call('j1', 'c1'), ['e1', 'e2'])).toBe('e1');
    expect(await pool.reserve(call('j1', 'c1'), ['e1', 'e2'])).toBe('e1');
    // Held candidate further down the list still wins over a free one earlier in it.
    expect(await pool.reserve(call('j1', 'c1'), ['e0', 'e1'])).toBe('e1');
    expect(await pool.heldBy('j1')).toEqual({ e1: 'c1' });
  });

  it('releases only for the holder (compare-and-delete)', async () => {
    const { pool } = newPool();
    await pool.reserve(call('j1', 'c1'), ['e1']);
    expect(await pool.release('e1', call('j1', 'c2'))).toBe(false);
    expect(await pool.release('e1', call('j2', 'c1'))).toBe(false);
    expect(await pool.holder('e1')).toEqual(call('j1', 'c1'));
    expect(await pool.release('e1', call('j1', 'c1'))).toBe(true);
    expect(await pool.release('e1', call('j1', 'c1'))).toBe(false);
    expect(await pool.holder('e1')).toBeUndefined();
    expect(await pool.reserve(call('j2', 'c1'), ['e1'])).toBe('e1');
  });

  it('a late release of an earlier attempt never frees what a later attempt of the same line holds', async () => {
    const { pool } = newPool();
    expect(await pool.reserve({ jobId: 'j1', callId: 'c1', attempt: 1 }, ['e1'])).toBe('e1');
    expect(await pool.release('e1', { jobId: 'j1', callId: 'c1', attempt: 1 })).toBe(true);
    expect(await pool.reserve({ jobId: 'j1', callId: 'c1', attempt: 2 }, ['e1'])).toBe('e1');
    // BullMQ redelivers attempt 1's release, or a restored owner re-runs it:
    expect(await pool.release('e1', { jobId: 'j1', callId: 'c1', attempt: 1 })).toBe(false);
    expect(await pool.holder('e1')).toEqual({ jobId: 'j1', callId: 'c1', attempt: 2 });
    expect(await pool.heldBy('j1')).toEqual({ e1: 'c1' });
    expect(await pool.releaseJob('j1')).toEqual(['e1']);
    expect(parseHolder('j1 call#7#3')).toEqual({ jobId: 'j1', callId: 'call#7', attempt: 3 });
  });

  it('releaseJob frees exactly that job: job "4" never matches job "42"', async () => {
    const { pool, key } = newPool();
    await pool.reserve(call('4', 'a'), ['e1']);
    await pool.reserve(call('4', 'b'), ['e2']);
    await pool.reserve(call('42', 'a'), ['e3']);
    await pool.reserve(call('x4', 'a'), ['e4']);
    expect((await pool.releaseJob('4')).sort()).toEqual(['e1', 'e2']);
    expect(await pool.releaseJob('4')).toEqual([]);
    expect(await fx.redis.hgetall(key)).toEqual({ e3: '42 a', e4: 'x4 a' });
    expect(await pool.heldBy('42')).toEqual({ e3: 'a' });
    expect(await pool.heldBy('4')).toEqual({});
  });

  it('keeps call ids with spaces intact and refuses job ids that would break the format', async () => {
    const { pool } = newPool();
    expect(await pool.reserve(call('j1', 'leg 3 retry'), ['e1'])).toBe('e1');
    expect(await pool.holder('e1')).toEqual(call('j1', 'leg 3 retry'));
    expect(await pool.heldBy('j1')).toEqual({ e1: 'leg 3 retry' });
    await expect(pool.reserve(call('j 1', 'c'), ['e2'])).rejects.toThrow(/invalid job id/);
    await expect(pool.reserve(call('', 'c'), ['e2'])).rejects.toThrow(/invalid job id/);
    await expect(pool.reserve(call('j1', ''), ['e2'])).rejects.toThrow(/empty call id/);
    await expect(pool.releaseJob('')).rejects.toThrow(/invalid job id/);
    expect(holderValue(call('j', 'c'))).toBe('j c');
    expect(parseHolder('garbage')).toBeUndefined();
  });

  it('reserves in a constant number of Redis commands however many candidates a job has (bench:load: 1,500)', async () => {
    // A Redis of its own: INFO commandstats counts every client's commands (Lua's included).
    const own = await startPrivateRedis();
    const client = createRedis(own.url);
    try {
      const pool = new RedisExtensionPool(client, 'hh:ext:reservations');
      const candidates = Array.from({ length: 1_500 }, (_, i) => `e${i + 1}`);
      for (let i = 0; i < 700; i++) await pool.reserve(call('busy', `c${i}`), candidates);
      const before = await commandCounts(client);
      expect(await pool.reserve(call('j1', 'c1'), candidates)).toBe('e701');
      expect(await pool.reserve(call('j1', 'c1'), candidates)).toBe('e701');
      const after = await commandCounts(client);
      const spent = Object.entries(after).map(([command, n]) => [command, n - (before[command] ?? 0)] as const).filter(([command, n]) => n > 0 && command !== 'info');
      // Two reservations: each one script call and, inside it, a handful of commands — not one per candidate.
      expect(spent.reduce((sum, [, n]) => sum + n, 0)).toBeLessThanOrEqual(10);
    } finally {
      await client.quit();
      await own.close();
    }
  });

  it('defaults to the product key', () => {
    expect((new RedisExtensionPool(fx.redis) as unknown as { key: string }).key).toBe('hh:ext:reservations');
  });

  it('never gives one extension to two calls under concurrent reserve/release/releaseJob, and empties on release', async () => {
    const EXTENSIONS = ['e0', 'e1', 'e2', 'e3', 'e4', 'e5'];
    const JOBS = ['ja', 'jb', 'jc'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('reserve' as const), candidates: fc.subarray(EXTENSIONS, { minLength: 1 }) }),
      fc.record({ kind: fc.constant('release' as const), own: fc.boolean(), ext: fc.constantFrom(...EXTENSIONS) }),
      fc.record({ kind: fc.constant('releaseJob' as const) }),
    );
    // An actor is one call of one job, running its steps in order; all actors run at once over 4 connections.
    const actor = fc.record({ job: fc.constantFrom(...JOBS), call: fc.constantFrom('c0', 'c1', 'c2'), steps: fc.array(step, { maxLength: 6 }) });

    await fc.assert(
      fc.asyncProperty(fc.array(actor, { minLength: 2, maxLength: 10 }), async (actors) => {
        const { key } = newPool();
        const pools = fx.clients.map((client) => new RedisExtensionPool(client, key));
        // Who we know holds what. A holder is dropped from it *before* its release is sent, and a grant counts as
        // known only when no releaseJob of its job overlapped it (epoch moves at a releaseJob's start and end), so
        // a double grant is the only way to fail.
        const owner = new Map<string, string>();
        const version = new Map<string, number>();
        const setOwner = (ext: string, value: string | undefined) => {
          if (value === undefined) owner.delete(ext);
          else owner.set(ext, value);
          version.set(ext, (version.get(ext) ?? 0) + 1);
        };
        const epoch = new Map<string, number>(JOBS.map((job) => [job, 0]));
        const inFlight = new Map<string, number>(JOBS.map((job) => [job, 0]));
        const quiet = (job: string) => (inFlight.get(job) === 0 ? epoch.get(job) : undefined);
        const violations: string[] = [];

        // Actors with the same (job, call) would be one call acting twice at once: give each its own call id.
        await Promise.all(
          actors.map(async ({ job, call: callId, steps }, index) => {
            const me = call(job, `${callId}-${index}`);
            const myValue = holderValue(me);
            const pool = pools[index % pools.length]!;
            const held = new Map<string, number>(); // extension → epoch of its job when granted
            for (const s of steps) {
              if (s.kind === 'reserve') {
                const before = quiet(job);
                const got = await pool.reserve(me, s.candidates);
                if (got === undefined) continue;
                if (!s.candidates.includes(got)) violations.push(`${myValue} got non-candidate ${got}`);
                if (before === undefined || quiet(job) !== before) continue; // raced a releaseJob: unknown
                const current = owner.get(got);
                if (current !== undefined && current !== myValue) violations.push(`${got} given to ${myValue} while ${current} holds it`);
                setOwner(got, myValue);
                held.set(got, before);
              } else if (s.kind === 'release') {
                const ext = s.own ? [...held.keys()][0] : s.ext;
                if (ext === undefined) continue;
                const before = quiet(job);
                const mine = before !== undefined && held.get(ext) === before;
                if (held.delete(ext) && owner.get(ext) === myValue) setOwner(ext, undefined);
                const other = owner.get(ext);
                const otherVersion = version.get(ext);
                const freed = await pool.release(ext, me);
                if (mine && !freed && quiet(job) === before) violations.push(`${myValue} could not release its ${ext}`);
                // Someone else held it, known, for the whole release: our compare-and-delete must not free it.
                if (freed && other !== undefined && version.get(ext) === otherVersion) violations.push(`${myValue} freed ${ext} of ${other}`);
              } else {
                epoch.set(job, epoch.get(job)! + 1);
                inFlight.set(job, inFlight.get(job)! + 1);
                for (const [ext, value] of owner) if (value.startsWith(`${job} `)) setOwner(ext, undefined);
                const others = new Map([...owner].map(([ext, value]) => [ext, { value, version: version.get(ext) }]));
                const freed = await pool.releaseJob(job);
                inFlight.set(job, inFlight.get(job)! - 1);
                epoch.set(job, epoch.get(job)! + 1);
                for (const ext of freed) {
                  const other = others.get(ext);
                  if (other && version.get(ext) === other.version) violations.push(`releaseJob ${job} freed ${ext} of ${other.value}`);
                }
              }
            }
          }),
        );

        // Whatever we are sure of must match Redis.
        const stored = await fx.redis.hgetall(key);
        for (const [ext, value] of owner) if (stored[ext] !== value) violations.push(`${ext}: expected ${value}, Redis has ${stored[ext]}`);

        await Promise.all(JOBS.map((job, i) => pools[i % pools.length]!.releaseJob(job)));
        expect(await fx.redis.exists(key)).toBe(0);
        expect(violations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
