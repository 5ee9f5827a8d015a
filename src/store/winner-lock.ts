/**
 * Redlock around a job's winner section (claim and hand-off), as the design asks: it keeps two instances that
 * both believe they own a hunt (a paused owner and its successor) from racing through the section at once.
 * It is an efficiency measure only — the Lua compare-and-set with its fencing token decides correctness
 * (stack-notes §2.3), so a lock that cannot be had is logged and the section runs anyway.
 */
import Redlock from 'redlock';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { jobKeys } from './redis-keys.ts';

const LOCK_MS = 10_000;


export class WinnerLock {
  private readonly redlock: Redlock;
  /** Jobs whose section this holder is inside: a nested section (claim → hand-off) reuses the lock. */
  private readonly held = new Set<string>();

  constructor(
    redis: Redis,
    private readonly log: Logger,
  ) {
    // Few quick retries: the section is short, and correctness never waits on the lock.
    this.redlock = new Redlock([redis], { retryCount: 3, retryDelay: 50, retryJitter: 25 });
    this.redlock.on('error', () => undefined);
  }

  async around<T>(jobId: string, section: () => Promise<T>): Promise<T> {
    if (this.held.has(jobId)) return section();
    let lock: Awaited<ReturnType<Redlock['acquire']>> | undefined;
    try {
      lock = await this.redlock.acquire([`${jobKeys(jobId).winner}:lock`], LOCK_MS);
    } catch (error) {
      this.log.warn({ err: error, jobId }, 'winner lock not acquired; the compare-and-set still guards the hand-off');
    }
    this.held.add(jobId);
    try {
      return await section();
    } finally {
      this.held.delete(jobId);
      await lock?.release().catch(() => undefined);
    }
  }
}
