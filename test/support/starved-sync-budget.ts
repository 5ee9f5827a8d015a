/**
 * A rate budget whose lowest priority (`sync`), once `starve()` was called, never gets a Light slot until `close()`: what a busy credential
 * looks like to session look-ups under load (bench:load, 20 × 70 lines on one user: device syncs and every hunt's
 * sweep share 60 % of 50 Light requests a minute, so a look-up can wait for minutes). Everything else goes through
 * RingCentral's usual limits.
 */
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import type { RateBudget } from '../../src/telephony/rate-budget.ts';
import type { RequestPriority, ThrottleGroup } from '../../src/telephony/telephony-port.ts';

export class StarvedSyncBudget implements RateBudget {
  private readonly inner = new InMemoryRateBudget();
  private readonly released: Promise<void>;
  private release!: () => void;
  private starving = false;
  /** Light sync requests that asked for a slot while starved (and waited, or were refused). */
  starved = 0;

  constructor() {
    this.released = new Promise((resolve) => (this.release = resolve));
  }

  async acquire(credential: string, group: ThrottleGroup, priority: RequestPriority, signal?: AbortSignal): Promise<void> {
    if (this.starving && group === 'Light' && priority === 'sync') {
      this.starved += 1;
      await Promise.race([
        this.released,
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
      ]);
      throw new Error('rate budget closed');
    }
    return this.inner.acquire(credential, group, priority, signal);
  }

  tryAcquire(credential: string, group: ThrottleGroup, priority: RequestPriority): Promise<{ ok: true } | { ok: false; retryInMs: number }> {
    if (this.starving && group === 'Light' && priority === 'sync') {
      this.starved += 1;
      return Promise.resolve({ ok: false, retryInMs: 60_000 });
    }
    return this.inner.tryAcquire(credential, group, priority);
  }

  penalize(credential: string, retryAfterMs?: number): Promise<void> {
    return this.inner.penalize(credential, retryAfterMs);
  }

  /** From now on Light sync requests wait. */
  starve(): void {
    this.starving = true;
  }

  /** Lets the waiting requests go (they fail), so nothing is left pending at the end of a test. */
  close(): void {
    this.release();
  }
}
