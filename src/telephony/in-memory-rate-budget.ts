/**
 * A per-process RateBudget: sliding windows per (credential, group) with RingCentral's default limits, and the
 * same priority headroom as the shared Redis budget. For a single instance without Redis, and for tests.
 */
import type { RateBudget } from './rate-budget.ts';
import { DEFAULT_PENALTY_MS, DEFAULT_PRIORITY_SHARES, shareOfLimit } from './rate-budget-policy.ts';
import type { RequestPriority, ThrottleGroup } from './telephony-port.ts';

export interface GroupBudget {
  limit: number;
  windowMs: number;
}

export const RINGCENTRAL_LIMITS: Record<ThrottleGroup, GroupBudget> = {
  Light: { limit: 50, windowMs: 60_000 },
  Medium: { limit: 40, windowMs: 60_000 },
  Heavy: { limit: 10, windowMs: 60_000 },
  Auth: { limit: 5, windowMs: 60_000 },
};

/** Requests of `priority` allowed per window of a group with `limit`: the same shares as the shared budget. */
export function priorityAllowance(limit: number, priority: RequestPriority): number {
  return shareOfLimit(limit, DEFAULT_PRIORITY_SHARES[priority]);
}

export interface InMemoryRateBudgetOptions {
  limits?: Partial<Record<ThrottleGroup, GroupBudget>>;
  now?: () => number;
}

export class InMemoryRateBudget implements RateBudget {
  private readonly limits: Record<ThrottleGroup, GroupBudget>;
  private readonly now: () => number;
  private readonly hits = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(options: InMemoryRateBudgetOptions = {}) {
    this.limits = { ...RINGCENTRAL_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  async acquire(credential: string, group: ThrottleGroup, priority: RequestPriority, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('rate budget wait aborted');
      const result = await this.tryAcquire(credential, group, priority);
      if (result.ok) return;
      await sleep(result.retryInMs, signal);
    }
  }

  tryAcquire(credential: string, group: ThrottleGroup, priority: RequestPriority): Promise<{ ok: true } | { ok: false; retryInMs: number }> {
    const now = this.now();
    const blocked = (this.blockedUntil.get(credential) ?? 0) - now;
    if (blocked > 0) return Promise.resolve({ ok: false, retryInMs: blocked });

    const { limit, windowMs } = this.limits[group];
    const key = `${credential}\u0000${group}`;
    const hits = (this.hits.get(key) ?? []).filter((at) => at > now - windowMs);
    this.hits.set(key, hits);
    const allowed = priorityAllowance(limit, priority);
    if (hits.length < allowed) {
      hits.push(now);
      return Promise.resolve({ ok: true });
    }
    // Wait until enough of the oldest hits have left the window to bring the count under this priority's share.
    const freeing = hits[hits.length - allowed] ?? now;
    return Promise.resolve({ ok: false, retryInMs: Math.max(1, freeing + windowMs - now) });
  }

  penalize(credential: string, retryAfterMs = DEFAULT_PENALTY_MS): Promise<void> {
    const until = this.now() + retryAfterMs;
    this.blockedUntil.set(credential, Math.max(this.blockedUntil.get(credential) ?? 0, until));
    return Promise.resolve();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('rate budget wait aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    // The signal may have fired while tryAcquire was pending: no 'abort' event will come any more.
    if (signal?.aborted) aborted();
    else signal?.addEventListener('abort', aborted, { once: true });
  });
}
