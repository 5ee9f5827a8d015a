/**
 * RingCentral's per-(user, app) request budgets: a sliding 60 s window per group, and a penalty window after the
 * limit is hit during which every further request restarts the penalty (basics/rate-limits.md).
 */
export type ThrottlingGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth';

export interface GroupLimit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  penaltySeconds: number;
}

export type RateLimitTable = Record<ThrottlingGroup, GroupLimit>;

export const RINGCENTRAL_DEFAULT_LIMITS: RateLimitTable = {
  Light: { limit: 50, windowSeconds: 60, penaltySeconds: 60 },
  Medium: { limit: 40, windowSeconds: 60, penaltySeconds: 60 },
  Heavy: { limit: 10, windowSeconds: 60, penaltySeconds: 60 },
  Auth: { limit: 5, windowSeconds: 60, penaltySeconds: 60 },
};

export interface RateDecision {
  allowed: boolean;
  group: ThrottlingGroup;
  limit: number;
  remaining: number;
  windowSeconds: number;
  /** Seconds to wait before retrying, when refused. */
  retryAfterSeconds?: number;
}

interface Bucket {
  hits: number[];
  penaltyUntil: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private table: RateLimitTable,
    private readonly now: () => number = Date.now,
  ) {}

  setLimits(table: RateLimitTable): void {
    this.table = table;
    this.buckets.clear();
  }

  limits(): RateLimitTable {
    return this.table;
  }

  /** Counts one request by `subject` (user and app) in `group` and says whether it may proceed. */
  take(subject: string, group: ThrottlingGroup): RateDecision {
    const { limit, windowSeconds, penaltySeconds } = this.table[group];
    const key = `${subject}\u0000${group}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { hits: [], penaltyUntil: 0 };
    this.buckets.set(key, bucket);
    const windowStart = now - windowSeconds * 1000;
    while (bucket.hits.length > 0 && (bucket.hits[0] as number) <= windowStart) bucket.hits.shift();

    if (now < bucket.penaltyUntil || bucket.hits.length >= limit) {
      // Any request during the penalty restarts it.
      bucket.penaltyUntil = now + penaltySeconds * 1000;
      return { allowed: false, group, limit, remaining: 0, windowSeconds, retryAfterSeconds: penaltySeconds };
    }
    bucket.hits.push(now);
    return { allowed: true, group, limit, remaining: limit - bucket.hits.length, windowSeconds };
  }
}
