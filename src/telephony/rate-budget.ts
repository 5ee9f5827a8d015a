/**
 * RingCentral's request budget per credential, shared by every instance through Redis. Higher priorities keep
 * headroom the lower ones may not use, so a transfer never waits behind dials (priority transfer > hangup >
 * upkeep > dial > sync).
 */
import type { RequestPriority, ThrottleGroup } from './telephony-port.ts';

export interface RateBudget {
  /** Waits until a request of `group` may be sent at `priority`, then counts it. Rejects if `signal` aborts. */
  acquire(credential: string, group: ThrottleGroup, priority: RequestPriority, signal?: AbortSignal): Promise<void>;
  /** Counts the request if allowed now; otherwise says how long to wait. */
  tryAcquire(credential: string, group: ThrottleGroup, priority: RequestPriority): Promise<{ ok: true } | { ok: false; retryInMs: number }>;
  /** A 429 arrived: nothing of this credential is sent until `retryAfterMs` has passed (default 30 s). */
  penalize(credential: string, retryAfterMs?: number): Promise<void>;
}
