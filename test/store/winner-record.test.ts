import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { advanceWinner, claimWinner, readWinner } from '../../src/store/winner-record.ts';
import { jobKeys } from '../../src/store/redis-keys.ts';
import { createRedis } from '../../src/store/redis-client.ts';
import { TEST_REDIS } from '../support/redis-url.ts';

const redis: Redis = createRedis(TEST_REDIS);
const jobs: string[] = [];

function newJob(): string {
  const id = `test-${randomUUID()}`;
  jobs.push(id);
  return id;
}

afterAll(async () => {
  for (const id of jobs) await redis.del(jobKeys(id).winner, jobKeys(id).fence);
  await redis.quit();
});

describe('winner record', () => {
  it('authorises exactly one hand-off among many concurrent claims, on separate connections', async () => {
    const jobId = newJob();
    const clients = Array.from({ length: 5 }, () => createRedis(TEST_REDIS));
    try {
      const claims = await Promise.all(Array.from({ length: 40 }, (_, i) => claimWinner(clients[i % clients.length]!, jobId, `call-${i}`, i + 1)));
      const granted = claims.filter((r) => r.won);
      const advanced = await Promise.all(granted.map((r, i) => advanceWinner(clients[i % clients.length]!, jobId, r.token, 'claimed', 'transferring')));
      expect(advanced.filter(Boolean)).toHaveLength(1);
      expect((await readWinner(redis, jobId))?.state).toBe('transferring');
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });

  it('authorises claimed → transferring once, and never with a stale token', async () => {
    const jobId = newJob();
    const claim = await claimWinner(redis, jobId, 'call-1', 1);
    expect(claim.won).toBe(true);
    const token = claim.token;
    expect(await advanceWinner(redis, jobId, token + 1, 'claimed', 'transferring')).toBe(false);
    expect(await advanceWinner(redis, jobId, token, 'claimed', 'transferring')).toBe(true);
    expect(await advanceWinner(redis, jobId, token, 'claimed', 'transferring')).toBe(false);
    // A re-executed claim by the winner returns its own token; another call loses.
    expect(await claimWinner(redis, jobId, 'call-1', 1)).toEqual({ won: true, token });
    expect(await claimWinner(redis, jobId, 'call-2', 2)).toMatchObject({ won: false, winnerCallId: 'call-1', state: 'transferring' });
  });

  it('lets a later claim supersede one that never reached its hand-off; a stale token then authorises nothing', async () => {
    const jobId = newJob();
    const abandoned = await claimWinner(redis, jobId, 'call-1', 3);
    const next = await claimWinner(redis, jobId, 'call-2', 5);
    expect(next.won).toBe(true);
    expect(next.token).toBeGreaterThan(abandoned.token);
    expect(await advanceWinner(redis, jobId, abandoned.token, 'claimed', 'transferring')).toBe(false);
    // An older intent re-run after a crash does not take it back.
    expect(await claimWinner(redis, jobId, 'call-1', 3)).toMatchObject({ won: false, winnerCallId: 'call-2' });
  });

  it('lets the next candidate claim after a failed transfer, with a higher fencing token', async () => {
    const jobId = newJob();
    const first = await claimWinner(redis, jobId, 'call-1', 1);
    await advanceWinner(redis, jobId, first.token, 'claimed', 'transferring');
    await advanceWinner(redis, jobId, first.token, 'transferring', 'failed');
    const second = await claimWinner(redis, jobId, 'call-2', 2);
    expect(second.won).toBe(true);
    expect(second.token).toBeGreaterThan(first.token);
    expect(await advanceWinner(redis, jobId, first.token, 'claimed', 'transferring')).toBe(false);
  });

  it('property: any interleaving of claims and advances authorises at most one transfer per token', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.record({ op: fc.constant('claim' as const), call: fc.integer({ min: 1, max: 5 }) }), fc.record({ op: fc.constant('advance' as const), call: fc.integer({ min: 1, max: 5 }) }), fc.record({ op: fc.constant('fail' as const), call: fc.integer({ min: 1, max: 5 }) })), { maxLength: 30 }),
        async (ops) => {
          const jobId = newJob();
          const tokens = new Map<number, number>();
          let intent = 0;
          const authorised = new Map<number, number>();
          for (const { op, call } of ops) {
            if (op === 'claim') {
              intent += 1;
              const result = await claimWinner(redis, jobId, `call-${call}`, intent);
              if (result.won) tokens.set(call, result.token);
            } else if (op === 'advance') {
              const token = tokens.get(call);
              if (token !== undefined && (await advanceWinner(redis, jobId, token, 'claimed', 'transferring'))) {
                authorised.set(token, (authorised.get(token) ?? 0) + 1);
              }
            } else {
              const token = tokens.get(call);
              if (token !== undefined) await advanceWinner(redis, jobId, token, 'transferring', 'failed');
            }
          }
          for (const count of authorised.values()) expect(count).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
