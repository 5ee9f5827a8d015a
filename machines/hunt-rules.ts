/**
 * The numbers and small pure rules of a hunt, kept apart from the statecharts so tests and the host can use them.
 */
import type { Destination } from '../src/engine/hunt-types.ts';
import type { PartySide } from './hunt-protocol.ts';

/** Delay between the first dials of consecutive lines (the host's rate budget may space them further). */
export const DIAL_STAGGER_MS = 1_000;
/** The same for softphone lines (SIP INVITEs spend no REST quota). */
export const SOFTPHONE_DIAL_STAGGER_MS = 100;
/** Added to the IVR script's total before a line counts as holding. */
export const IVR_SETTLE_MS = 5_000;
export const REDIAL_MIN_MS = 15_000;
export const REDIAL_MAX_MS = 5 * 60_000;
/** A timer may fire this much before its `at` (clock skew between instances) and still count. */
export const TIMER_SLACK_MS = 1_000;
/** After this many failed hand-offs of the same line, it is hung up and redialled. */
export const MAX_TRANSFER_TRIES_PER_LINE = 2;
/** Events kept in each call's history (counters cover all of them). */
export const CALL_HISTORY_LIMIT = 20;
/** Intents kept in the job's outbox. */
export const OUTBOX_LIMIT = 500;
/** Sessions of earlier attempts remembered per line, so their late events are recognised as old. */
export const PRIOR_SESSIONS_LIMIT = 10;

/** How long after the IRS answers a line is assumed to have left the IVR. */
export function ivrDoneDelayMs(destination: Destination): number {
  return destination.ivr.reduce((sum, step) => sum + step.afterMs, 0) + IVR_SETTLE_MS;
}

/** FNV-1a, 32 bit: a stable hash for deterministic jitter (no Math.random in machines). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Back-off before redialling a line that failed `failStreak` times in a row (1 = first failure):
 * 15 s doubling up to 5 min, times a jitter factor in [0.85, 1.15) derived from callId and attempt, clamped.
 */
export function redialDelayMs(callId: string, attempt: number, failStreak: number): number {
  const exponent = Math.max(0, Math.min(failStreak - 1, 16));
  const base = Math.min(REDIAL_MAX_MS, REDIAL_MIN_MS * 2 ** exponent);
  const jitter = 0.85 + (0.3 * hash32(`${callId}#${attempt}`)) / 2 ** 32;
  return Math.round(Math.min(REDIAL_MAX_MS, Math.max(REDIAL_MIN_MS, base * jitter)));
}

/** Party disconnect reasons that a redial cannot fix. */
const PERMANENT_REASONS = new Set([
  'InvalidNumber',
  'NoSuchUser',
  'DestinationBlocked',
  'InternationalDisabled',
  'NotEnoughFunds',
]);

const REASON_NAMES: Record<string, string> = {
  TargetBusy: 'busy',
  NoAnswer: 'no-answer',
  Timeout: 'no-answer',
  Rejected: 'rejected',
  Voicemail: 'voicemail',
  InvalidNumber: 'invalid-number',
  NoSuchUser: 'invalid-number',
  DestinationBlocked: 'destination-blocked',
  InternationalDisabled: 'destination-blocked',
  NotEnoughFunds: 'not-enough-funds',
  InternalError: 'telephony-error',
};

/** How a line ended when one of its parties left: endReason for the views, retryable for the redial. */
export function classifyPartyEnd(side: PartySide, code: string, reason: string | undefined): { endReason: string; retryable: boolean } {
  if (reason !== undefined && REASON_NAMES[reason] !== undefined) {
    return { endReason: REASON_NAMES[reason], retryable: !PERMANENT_REASONS.has(reason) };
  }
  if (code === 'Gone') return { endReason: 'gone', retryable: true };
  // The IRS hanging up (courtesy disconnect, dropped from hold) is the common case.
  return { endReason: side === 'far' ? 'far-hangup' : 'our-side-disconnected', retryable: true };
}
