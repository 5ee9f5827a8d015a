/**
 * When a failing webhook gets blacklisted. RingCentral publishes no rule; an RC engineer said (2018) that about
 * 10 minutes of failed deliveries does it. Here a subscription is blacklisted after consecutive failures that span
 * `failureWindowMs` (default 10 min wall time) or number `failuresBeforeBlacklist` (default 20), whichever comes
 * first. Any successful delivery resets the streak.
 */
export interface BlacklistPolicy {
  failuresBeforeBlacklist: number;
  failureWindowMs: number;
}

export const DEFAULT_BLACKLIST_POLICY: BlacklistPolicy = {
  failuresBeforeBlacklist: 20,
  failureWindowMs: 10 * 60_000,
};

/** A subscription's run of consecutive failed deliveries, in the order their outcomes arrive. */
export class FailureStreak {
  private count = 0;
  private firstAt = 0;

  constructor(private readonly policy: BlacklistPolicy) {}

  succeeded(): void {
    this.count = 0;
  }

  /** Records a failure at wall time `at`; true when the subscription must now be blacklisted. */
  failed(at: number): boolean {
    if (this.count === 0) this.firstAt = at;
    this.count += 1;
    return this.count >= this.policy.failuresBeforeBlacklist || at - this.firstAt >= this.policy.failureWindowMs;
  }

  get failures(): number {
    return this.count;
  }
}
