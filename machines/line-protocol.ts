/**
 * The private protocol between the job supervisor and its call actors (never sent by the host).
 *
 * Down (job → call): the host's events that name the call are forwarded as they are, plus the `line.*` commands
 * below. Up (call → job, via `sendParent`): `line.changed` on every status change and `line.intent` for every
 * effect the call wants; the job numbers the intent and appends it to its one outbox.
 */
import type { CallStatus } from '../src/engine/hunt-types.ts';
import type { HuntEvent, Intent, PartySide } from './hunt-protocol.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An intent before the job gives it its id. */
export type IntentDraft = DistributiveOmit<Intent, 'id'>;

/** Host events that concern one call (the job forwards every one of them to that call). */
export type CallHostEvent = Extract<HuntEvent, { callId: string }> | Extract<HuntEvent, { type: 'timer.fired' }>;

export type LineCommand =
  /** Place the first attempt (sent once, at job.start, with a staggered `notBefore`). */
  | { type: 'line.dial'; notBefore: number; at: number }
  /** Start the next attempt of a failed or cleaned line. */
  | { type: 'line.redial'; notBefore: number; at: number }
  /** Hang the line up (loser, cancel, deadline, lost claim, too many transfer failures). */
  | { type: 'line.clean'; reason: string; at: number }
  /** The job holds the winner record for this line: it is being handed off with `token`. */
  | { type: 'line.handoff'; token: number; at: number };

/** Internal signals the call raises to itself after filtering a `call.party` event. */
export type PartySignal =
  | { type: 'party.answered'; side: PartySide; at: number }
  | { type: 'party.ended'; side: PartySide; code: string; reason?: string; at: number }
  | { type: 'party.transferred-away'; at: number };

export type LineReport =
  | {
      type: 'line.changed';
      callId: string;
      attempt: number;
      status: CallStatus;
      from: CallStatus;
      at: number;
      endReason?: string;
      retryable?: boolean;
    }
  | { type: 'line.intent'; callId: string; intent: IntentDraft };

/** Statuses after which nothing of ours is connected: the job may finish when every line is in one. */
export const SETTLED_STATUSES: readonly CallStatus[] = ['cleaned', 'failed', 'transferred'];
