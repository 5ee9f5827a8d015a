/**
 * How many requests each priority may send per throttle group and window (research/ringcentral.md §6).
 *
 * Shares of the limit a priority may fill, counting every request already in the window (round down, min 1):
 *   transfer 100% · hangup 90% · upkeep 85% · dial 80% · sync 60%
 * Why these:
 * - Light 50: hang-ups stop at 45, so a burst of 69 loser hang-ups always leaves 5 Light slots that only the
 *   transfer path may use (transfer, bridge, a fallback transfer to the next line, the reconcile GET). The
 *   remaining 24 hang-ups go out as the window slides; the losers just hold a little longer.
 * - Heavy 10: dials (call-out) stop at 8, keeping 2 Heavy slots for the standby bridge's call to the firm's
 *   target (a call-out at transfer priority) and RingOut cancels (hangup) — a dial burst never blocks hand-off.
 * - upkeep 85%: the webhook subscription's check, renewal and repair (a few requests a minute at most). It used to
 *   run at sync, where it polled for a slot among a hunt's many sync look-ups and once waited ~5 minutes to
 *   replace a blacklisted subscription while every hunt was deaf to call events (docs/benchmarks.md, 20 × 70).
 *   Above dial, so a dial burst cannot starve it; below hang-ups, which free lines and slots.
 * - sync 60%: directory sync, presence and session sweeps can wait; they never take more than 60% of a group,
 *   so live calls always keep 40%.
 * A higher priority's allowance is never smaller than a lower one's, so it is never refused while a lower one
 * passes.
 */
import type { RequestPriority, ThrottleGroup } from './telephony-port.ts';

export const THROTTLE_GROUPS: readonly ThrottleGroup[] = ['Light', 'Medium', 'Heavy', 'Auth'];
export const REQUEST_PRIORITIES: readonly RequestPriority[] = ['transfer', 'hangup', 'upkeep', 'dial', 'sync'];

export interface RateBudgetPolicy {
  /** Sliding window length; RingCentral counts over 60 s. */
  windowMs: number;
  /** Requests per window and group for one credential (RingCentral: per user and app). */
  limits: Record<ThrottleGroup, number>;
  /** Fraction of a group's limit that a priority may fill (0 < share ≤ 1). */
  shares: Record<RequestPriority, number>;
}

export const DEFAULT_PRIORITY_SHARES: Readonly<Record<RequestPriority, number>> = {
  transfer: 1,
  hangup: 0.9,
  upkeep: 0.85,
  dial: 0.8,
  sync: 0.6,
};

export const RINGCENTRAL_DEFAULT_POLICY: RateBudgetPolicy = {
  windowMs: 60_000,
  limits: { Light: 50, Medium: 40, Heavy: 10, Auth: 5 },
  shares: { ...DEFAULT_PRIORITY_SHARES },
};

/** Support can raise an app's limits: override any part per credential. */
export interface RateBudgetPolicyOverride {
  windowMs?: number;
  limits?: Partial<Record<ThrottleGroup, number>>;
  shares?: Partial<Record<RequestPriority, number>>;
}

export interface RateBudgetPolicyTable {
  defaults: RateBudgetPolicy;
  credentials?: Readonly<Record<string, RateBudgetPolicyOverride>>;
}

export function mergePolicy(base: RateBudgetPolicy, override: RateBudgetPolicyOverride = {}): RateBudgetPolicy {
  const policy: RateBudgetPolicy = {
    windowMs: override.windowMs ?? base.windowMs,
    limits: { ...base.limits, ...override.limits },
    shares: { ...base.shares, ...override.shares },
  };
  validatePolicy(policy);
  return policy;
}

export function policyFor(table: RateBudgetPolicyTable, credential: string): RateBudgetPolicy {
  const override = table.credentials?.[credential];
  return override ? mergePolicy(table.defaults, override) : table.defaults;
}

export function validatePolicy(policy: RateBudgetPolicy): void {
  if (!Number.isInteger(policy.windowMs) || policy.windowMs <= 0) throw new Error(`rate budget: bad windowMs ${policy.windowMs}`);
  for (const group of THROTTLE_GROUPS) {
    const limit = policy.limits[group];
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate budget: bad ${group} limit ${limit}`);
  }
  for (const priority of REQUEST_PRIORITIES) {
    const share = policy.shares[priority];
    if (!(share > 0 && share <= 1)) throw new Error(`rate budget: bad ${priority} share ${share}`);
  }
  REQUEST_PRIORITIES.slice(1).forEach((lower, i) => {
    const higher = REQUEST_PRIORITIES[i] as RequestPriority;
    if (policy.shares[lower] > policy.shares[higher]) throw new Error(`rate budget: ${lower} share exceeds ${higher} share`);
  });
}

/** Requests of `group` that `priority` may have in the window at once: ⌊limit × share⌋, at least 1. */
export function allowance(policy: RateBudgetPolicy, group: ThrottleGroup, priority: RequestPriority): number {
  return shareOfLimit(policy.limits[group], policy.shares[priority]);
}

/** Requests a priority with `share` of a group may send per window of `limit` (at least one). */
export function shareOfLimit(limit: number, share: number): number {
  // The epsilon keeps 0.29 × 100 = 28.999… from rounding down to 28.
  return Math.max(1, Math.floor(limit * share + 1e-9));
}

/** How long a credential waits after a 429 that named no Retry-After (RingCentral: at least 30 s). */
export const DEFAULT_PENALTY_MS = 30_000;

/**
 * Milliseconds from the first to the last of `lines` call-outs (Heavy, dial priority) with an empty window:
 * each credential places its dial allowance at once, then one more batch every window. 0 for ≤ 1 line.
 */
export function dialDurationEstimate(lines: number, policy: RateBudgetPolicy, credentials = 1): number {
  if (lines <= 1) return 0;
  const perWindow = allowance(policy, 'Heavy', 'dial') * Math.max(1, Math.floor(credentials));
  return Math.floor((lines - 1) / perWindow) * policy.windowMs;
}
