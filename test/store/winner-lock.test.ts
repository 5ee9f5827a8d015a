import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { WinnerLock } from '../../src/store/winner-lock.ts';

const redis = new Redis('redis://127.0.0.1:6379');
const log = pino({ level: 'silent' });

afterAll(async () => {
  await redis.quit();
});

describe('winner lock (Redlock, efficiency only)', () => {
  it('keeps two holders from being inside one job section at the same time', async () => {
    const jobId = `lock-${randomUUID()}`;
    const a = new WinnerLock(redis, log);
    const b = new WinnerLock(redis, log);
    let inside = 0;
    let overlap = false;
    const section = async (): Promise<void> => {
      inside += 1;
      if (inside > 1) overlap = true;
      await new Promise((resolve) => setTimeout(resolve, 40));
      inside -= 1;
    };
    await Promise.all([a.around(jobId, section), b.around(jobId, section)]);
    expect(overlap).toBe(false);
  });

  it('lets a holder nest sections of the same job (claim, then hand-off) without waiting on itself', async () => {
    const jobId = `lock-${randomUUID()}`;
    const lock = new WinnerLock(redis, log);
    const started = Date.now();
    const result = await lock.around(jobId, () => lock.around(jobId, () => Promise.resolve('done')));
    expect(result).toBe('done');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('still runs the section when the lock cannot be had: correctness rests on the compare-and-set', async () => {
    const jobId = `lock-${randomUUID()}`;
    const holder = new WinnerLock(redis, log);
    const other = new WinnerLock(redis, log);
    let ran = false;
    await holder.around(jobId, async () => {
      await other.around(jobId, async () => {
        ran = true;
      });
    });
    expect(ran).toBe(true);
  });
});
