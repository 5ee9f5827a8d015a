/**
 * The contract between the pure statecharts and the engine that hosts them.
 *
 * Events go in (telephony, operator, timers, results of effects). The machines never do I/O: every effect they
 * want is appended to an outbox in the job supervisor's context as an `Intent` with a rising id. The host
 * persists the snapshot first and executes the new intents after, so a crash can only ever re-execute an
 * intent (each kind is idempotent or guarded, see the host), never lose one.
 */
import type { CallStatus, JobSpec, JobStatus } from '../src/engine/hunt-types.ts';

/** Bumped whenever a change makes old snapshots unreadable; stored with every snapshot. */
export const MACHINE_VERSION = 1;

export type PartySide = 'ours' | 'far' | 'firm';

export type HuntEvent =
  /** The host starts a new job (first event of its life). */
  | { type: 'job.start'; at: number }
  /** A line got an extension and its call was placed. */
  | { type: 'call.placed'; callId: string; attempt: number; extensionId: string; telephonySessionId: string; partyId: string; at: number }
  /** Placing the call failed; `retryable` is false for causes a redial cannot fix (e.g. a bad number). */
  | { type: 'call.dial-failed'; callId: string; attempt: number; reason: string; retryable: boolean; at: number }
  /** A telephony-session change of one party of the call's current session, in `sequence` order per session. */
  | { type: 'call.party'; callId: string; telephonySessionId: string; side: PartySide; code: string; reason?: string; sequence: number; at: number }
  /** Detection (later) or the simulator's control: the line may have a live person. */
  | { type: 'call.suspect'; callId: string; confidence: number; at: number }
  | { type: 'call.clear'; callId: string; at: number }
  /** A live agent is confirmed on the line (operator, or detection past its confirm threshold). */
  | { type: 'call.confirm'; callId: string; by: string; at: number }
  | { type: 'operator.hangup'; callId: string; by: string; at: number }
  | { type: 'operator.transfer-now'; callId: string; by: string; at: number }
  | { type: 'operator.cancel'; by: string; at: number }
  /** Result of a `claim-winner` intent: this call holds the one-shot winner record with `token`. */
  | { type: 'winner.claimed'; callId: string; token: number; at: number }
  /** Result of a `claim-winner` intent: another call already won. */
  | { type: 'winner.lost'; callId: string; winnerCallId: string; at: number }
  | { type: 'transfer.succeeded'; callId: string; at: number }
  | { type: 'transfer.failed'; callId: string; reason: string; at: number }
  /** Result of a `hangup` intent, or the session found gone by reconciliation. */
  | { type: 'call.hung-up'; callId: string; at: number }
  | { type: 'timer.fired'; timer: TimerName; callId?: string; at: number };

export type TimerName = 'deadline' | 'redial' | 'ivr-done' | 'transfer-timeout';

export type Intent =
  /** Reserve a free extension for the line and place the call, not before `notBefore` (staggered dialling). */
  | { id: number; kind: 'dial'; callId: string; attempt: number; notBefore: number }
  /** Try to become the job's one winner (Lua compare-and-set with a fencing token). */
  | { id: number; kind: 'claim-winner'; callId: string }
  /** Hand the call to the firm's target; authorised only by the winner record's claimed → transferring step. */
  | { id: number; kind: 'transfer'; callId: string; token: number }
  /** Standby bridge: ring the firm's target now so it is answered before the agent is confirmed. */
  | { id: number; kind: 'ring-standby'; callId: string }
  /** Standby bridge: join the IRS call to the answered standby leg. */
  | { id: number; kind: 'bridge'; callId: string; token: number }
  /**
   * `telephonySessionId`: the session to end, as the line had it when the intent was made (null: none yet), so a
   * hang-up re-run after a takeover never ends a later attempt's call. Absent in snapshots written before it existed.
   */
  | { id: number; kind: 'hangup'; callId: string; reason: string; telephonySessionId?: string | null }
  /** `attempt` is the one that reserved it (absent in snapshots written before it existed). */
  | { id: number; kind: 'release-extension'; callId: string; extensionId: string; attempt?: number }
  | { id: number; kind: 'schedule'; timer: TimerName; callId?: string; at: number }
  | { id: number; kind: 'cancel-timer'; timer: TimerName; callId?: string }
  /** The job reached a final state: the host finishes its BullMQ job and stops. */
  | { id: number; kind: 'finish'; status: JobStatus };

/** The input a job supervisor is created with. */
export interface JobInput {
  spec: JobSpec;
}

/** What the host and the views read off a job snapshot. */
export interface JobSummary {
  status: JobStatus;
  winnerCallId?: string;
  calls: { callId: string; status: CallStatus; attempt: number; extensionId?: string; telephonySessionId?: string; partyId?: string; endReason?: string; since: Partial<Record<CallStatus, number>> }[];
}
