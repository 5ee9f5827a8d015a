import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { advanceWinner, claimWinner, readWinner } from '../../src/store/winner-record.ts';
import { jobKeys } from '../../src/store/redis-keys.ts';

const redis = new Redis('redis://127.0.0.1:6379');
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
  it('gives the claim to exactly one of many concurrent calls, on separate connections', async () => {
    const jobId = newJob();
    const clients = Array.from({ length: 5 }, () => new Redis('redis://127.0.0.1:6379'));
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => claimWinner(clients[i % clients.length]!, jobId, `call-${i}`)));
      const winners = results.filter((r) => r.won);
      expect(winners).toHaveLength(1);
      const record = await readWinner(redis, jobId);
      expect(record?.state).toBe('claimed');
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });

  it('authorises claimed → transferring once, and never with a stale token', async () => {
    const jobId = newJob();
    const claim = await claimWinner(redis, jobId, 'call-1');
    expect(claim.won).toBe(true);
    const token = claim.token;
    expect(await advanceWinner(redis, jobId, token + 1, 'claimed', 'transferring')).toBe(false);
    expect(await advanceWinner(redis, jobId, token, 'claimed', 'transferring')).toBe(true);
    expect(await advanceWinner(redis, jobId, token, 'claimed', 'transferring')).toBe(false);
    // A re-executed claim by the winner returns its own token; another call loses.
    expect(await claimWinner(redis, jobId, 'call-1')).toEqual({ won: true, token });
    expect(await claimWinner(redis, jobId, 'call-2')).toMatchObject({ won: false, winnerCallId: 'call-1', state: 'transferring' });
  });

  it('lets the next candidate claim after a failed transfer, with a higher fencing token', async () => {
    const jobId = newJob();
    const first = await claimWinner(redis, jobId, 'call-1');
    await advanceWinner(redis, jobId, first.token, 'claimed', 'transferring');
    await advanceWinner(redis, jobId, first.token, 'transferring', 'failed');
    const second = await claimWinner(redis, jobId, 'call-2');
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
          const authorised = new Map<number, number>();
          for (const { op, call } of ops) {
            if (op === 'claim') {
              const result = await claimWinner(redis, jobId, `call-${call}`);
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
