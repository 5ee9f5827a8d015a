/** How long the first dial of every line takes to go out, in words an operator reads on the start form. */
import { DIAL_STAGGER_MS, SOFTPHONE_DIAL_STAGGER_MS } from '../../machines/index.ts';
import { allowance, dialDurationEstimate, RINGCENTRAL_DEFAULT_POLICY } from '../telephony/rate-budget-policy.ts';
import type { RateBudgetPolicy } from '../telephony/rate-budget-policy.ts';

export type LineMode = 'softphone' | 'call-out';

export interface DialEstimate {
  /** Milliseconds from the first line's dial to the last's. */
  ms: number;
  /** Why it takes that long. */
  explanation: string;
}

/** Device lookups (`sip-info`) are Light requests at the sync share: about 40 a minute (docs/benchmarks.md). */
const REGISTRATIONS_PER_MINUTE = 40;

/**
 * `credentials`: how many users' JWTs the account pools (call-out quota is per user). Softphone lines whose
 * devices are not registered yet (the first hunt after a start) wait for registrations at RingCentral's pace.
 */
export function dialEstimate(lines: number, mode: LineMode, policy: RateBudgetPolicy = RINGCENTRAL_DEFAULT_POLICY, credentials = 1): DialEstimate {
  const n = Math.max(1, Math.min(70, Math.floor(lines) || 1));
  if (mode === 'softphone') {
    const registering = Math.floor((n - 1) / REGISTRATIONS_PER_MINUTE) * 60_000;
    return {
      ms: (n - 1) * SOFTPHONE_DIAL_STAGGER_MS,
      explanation:
        `Softphone lines dial by SIP (no RingCentral API quota), ${SOFTPHONE_DIAL_STAGGER_MS} ms apart, once their devices are registered.` +
        (registering > 0 ? ` The first hunt after a restart registers them at about ${REGISTRATIONS_PER_MINUTE} a minute: up to ${formatDuration(Math.max(registering, (n - 1) * SOFTPHONE_DIAL_STAGGER_MS))} then.` : ''),
    };
  }
  const users = Math.max(1, Math.floor(credentials));
  const perWindow = allowance(policy, 'Heavy', 'dial');
  return {
    ms: Math.max((n - 1) * DIAL_STAGGER_MS, dialDurationEstimate(n, policy, users)),
    explanation: `Call-out is a Heavy request: RingCentral lets dials use ${perWindow} per ${Math.round(policy.windowMs / 1000)} s per user (${users} user${users === 1 ? '' : 's'} here), and lines start ${DIAL_STAGGER_MS / 1000} s apart.`,
  };
}

/** "0 s", "6.9 s", "4 min 10 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const totalS = Math.round(s);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const rest = totalS % 60;
  if (h > 0) return `${h} h ${m} min`;
  return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
}
