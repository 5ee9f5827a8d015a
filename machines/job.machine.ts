/**
 * The job supervisor of one hunt: a pure statechart that owns N call actors and the job's one outbox.
 *
 *   starting —job.start→ active { hunting ⇄ connecting } → draining → completed | cancelled | failed
 *
 * `hunting` and `connecting` are derived from the context: connecting while a winner claim is pending or a
 * hand-off (transfer/bridge) is in flight. `draining` means the outcome is decided and every other line is
 * being hung up; the final states are entered only when no line of ours is left connected, and only then is
 * `finish` emitted. Effects are intents appended to `context.outbox` (ids rise by one); nothing else leaves.
 */
import { not, setup } from 'xstate';
import type { CallStatus, JobStatus } from '../src/engine/hunt-types.ts';
import { callMachine } from './call.machine.ts';
import type { Intent, JobInput } from './hunt-protocol.ts';
import {
  DIAL_STAGGER_MS,
  MAX_TRANSFER_TRIES_PER_LINE,
  OUTBOX_LIMIT,
  TIMER_SLACK_MS,
  ivrDoneDelayMs,
  redialDelayMs,
} from './hunt-rules.ts';
import { SETTLED_STATUSES } from './line-protocol.ts';
import type { CallHostEvent, IntentDraft, LineCommand, LineReport } from './line-protocol.ts';
import type { HuntEvent } from './hunt-protocol.ts';

export type JobEvent = HuntEvent | LineReport;

/** The job's mirror of one line (the call actor holds the details). */
export interface LineRecord {
  callId: string;
  index: number;
  status: CallStatus;
  attempt: number;
  /** Failures since the line last reached holding: drives the back-off. */
  failStreak: number;
  /** The last failure cannot be fixed by a redial. */
  permanent: boolean;
  /** A 'redial' timer is scheduled for this time. */
  redialAt?: number;
  transferFailures: number;
  confirmedAt?: number;
  /** The operator asked to hand this line off now. */
  preferredAt?: number;
  endReason?: string;
}

export type JobOutcome = 'completed' | 'cancelled' | 'failed';

export interface JobContext {
  spec: JobInput['spec'];
  ivrDoneDelayMs: number;
  lines: LineRecord[];
  outbox: Intent[];
  nextIntentId: number;
  startedAt?: number;
  /** A `claim-winner` intent is out for this line and no answer was taken yet. */
  claim?: { callId: string; intentId: number; at: number };
  /** The line holds the winner record and its hand-off (transfer or bridge) is in flight. */
  handoff?: { callId: string; token: number; at: number };
  /** Highest fencing token seen: older `winner.claimed` answers are stale. */
  lastToken: number;
  /**
   * Claims emitted per call and not answered yet. Answers carry no intent id, so an answer is matched to the
   * OLDEST unanswered claim of its call (the host executes claims in id order and appends each answer once):
   * only the answer to a call's latest claim can act.
   */
  claimsUnanswered: Record<string, number>;
  winnerCallId?: string;
  /** Set when the outcome is decided (draining and after). `from` is the status shown while draining. */
  ending?: { status: JobOutcome; reason: string; at: number; from: JobStatus };
  endedAt?: number;
  /** Events naming a call this job does not have. */
  unrouted: number;
  /** Events received after the outcome was final (the host should have stopped). */
  late: number;
}

export const callIdOf = (index: number): string => `call-${index + 1}`;

// ——— pure helpers over the context ———

function appendIntents(context: JobContext, drafts: IntentDraft[]): Pick<JobContext, 'outbox' | 'nextIntentId'> {
  if (drafts.length === 0) return { outbox: context.outbox, nextIntentId: context.nextIntentId };
  let id = context.nextIntentId;
  const added = drafts.map((draft): Intent => ({ ...draft, id: id++ }));
  const outbox = [...context.outbox, ...added];
  return { outbox: outbox.length > OUTBOX_LIMIT ? outbox.slice(-OUTBOX_LIMIT) : outbox, nextIntentId: id };
}

function lineOf(context: JobContext, callId: string): LineRecord | undefined {
  return context.lines.find((line) => line.callId === callId);
}

function withLine(context: JobContext, callId: string, patch: Partial<LineRecord>): LineRecord[] {
  return context.lines.map((line) => (line.callId === callId ? { ...line, ...patch } : line));
}

const isSettled = (status: CallStatus): boolean => SETTLED_STATUSES.includes(status);

/** Statuses from which `call.confirm` / `operator.transfer-now` confirm a line. */
const CONFIRMABLE: readonly CallStatus[] = ['ivr', 'holding', 'suspected-live', 'confirmed'];

/** The mirror after a `line.changed` report. */
function mirrorLines(context: JobContext, report: Extract<LineReport, { type: 'line.changed' }>): LineRecord[] {
  const patch: Partial<LineRecord> = { status: report.status, attempt: report.attempt, endReason: report.endReason };
  if (report.status === 'confirmed' && report.from !== 'transferring') patch.confirmedAt = report.at;
  if (report.status === 'holding') patch.failStreak = 0;
  if (report.status === 'queued') {
    patch.redialAt = undefined;
    patch.transferFailures = 0;
    patch.confirmedAt = undefined;
    patch.preferredAt = undefined;
  }
  return withLine(context, report.callId, patch);
}

/** Hand-off candidates, best first: the operator's latest "transfer now", then fewest failures, then earliest. */
function candidates(lines: LineRecord[], exclude?: string): LineRecord[] {
  return lines
    .filter((line) => line.status === 'confirmed' && line.callId !== exclude && line.transferFailures < MAX_TRANSFER_TRIES_PER_LINE)
    .sort(
      (a, b) =>
        (b.preferredAt ?? -1) - (a.preferredAt ?? -1) ||
        a.transferFailures - b.transferFailures ||
        (a.confirmedAt ?? 0) - (b.confirmedAt ?? 0) ||
        a.index - b.index,
    );
}

interface Plan {
  context: JobContext;
  sends: { to: string; event: LineCommand | CallHostEvent }[];
}

function plan(context: JobContext): Plan {
  return { context, sends: [] };
}

function emit(p: Plan, ...drafts: IntentDraft[]): void {
  p.context = { ...p.context, ...appendIntents(p.context, drafts) };
}

function send(p: Plan, to: string, event: LineCommand | CallHostEvent): void {
  p.sends.push({ to, event });
}

/**
 * Claim the best candidate if nothing is in flight; supersede a pending (unanswered) claim only for a line the
 * operator asked for more recently. A superseded claim is simply never used (see the claim semantics in docs).
 */
function claimNext(p: Plan, at: number, exclude?: string): void {
  const { context } = p;
  if (context.handoff !== undefined || context.ending !== undefined) return;
  const best = candidates(context.lines, exclude)[0];
  if (best === undefined) return;
  if (context.claim !== undefined) {
    if (context.claim.callId === best.callId || best.preferredAt === undefined) return;
    const current = lineOf(context, context.claim.callId);
    if ((current?.preferredAt ?? -1) >= best.preferredAt) return;
  }
  const intentId = context.nextIntentId;
  emit(p, { kind: 'claim-winner', callId: best.callId });
  const claimsUnanswered = { ...p.context.claimsUnanswered, [best.callId]: (p.context.claimsUnanswered[best.callId] ?? 0) + 1 };
  p.context = { ...p.context, claim: { callId: best.callId, intentId, at }, claimsUnanswered };
}

function redialNow(p: Plan, callId: string, at: number): void {
  p.context = { ...p.context, lines: withLine(p.context, callId, { redialAt: undefined }) };
  send(p, callId, { type: 'line.redial', notBefore: at, at });
}

/** React to a line's new status while hunting or connecting (the mirror is already updated). */
function reactActive(p: Plan, report: Extract<LineReport, { type: 'line.changed' }>): void {
  const { callId, status, from, at } = report;
  const line = lineOf(p.context, callId);
  if (line === undefined) return;
  let exclude: string | undefined;
  if (from === 'transferring' && status !== 'transferred') {
    // The hand-off failed: the line is free to be tried again (new claim) unless it failed too often.
    const transferFailures = line.transferFailures + 1;
    p.context = { ...p.context, handoff: undefined, lines: withLine(p.context, callId, { transferFailures, preferredAt: undefined }) };
    if (status === 'confirmed' && transferFailures >= MAX_TRANSFER_TRIES_PER_LINE) {
      send(p, callId, { type: 'line.clean', reason: 'transfer-failed', at });
      exclude = callId;
    }
  }
  if (p.context.claim?.callId === callId && status !== 'confirmed') {
    p.context = { ...p.context, claim: undefined };
  }
  if (status === 'failed') {
    if (report.retryable === false) {
      p.context = { ...p.context, lines: withLine(p.context, callId, { permanent: true, redialAt: undefined }) };
    } else {
      const failStreak = line.failStreak + 1;
      const redialAt = at + redialDelayMs(callId, report.attempt, failStreak);
      p.context = { ...p.context, lines: withLine(p.context, callId, { failStreak, redialAt }) };
      emit(p, { kind: 'schedule', timer: 'redial', callId, at: redialAt });
    }
  } else if (status === 'cleaned') {
    redialNow(p, callId, at);
  }
  claimNext(p, at, exclude);
}

/** React to a line's new status while draining: keep hanging up, and let an in-flight hand-off finish. */
function reactDraining(p: Plan, report: Extract<LineReport, { type: 'line.changed' }>): void {
  const { callId, status, from, at } = report;
  const ending = p.context.ending;
  if (ending === undefined) return;
  if (status === 'transferred') {
    p.context = {
      ...p.context,
      handoff: undefined,
      winnerCallId: callId,
      ending: { ...ending, status: 'completed', reason: 'transferred', from: 'connecting' },
    };
    return;
  }
  if (from === 'transferring') p.context = { ...p.context, handoff: undefined };
  if (!isSettled(status) && status !== 'cleaning' && status !== 'transferring') {
    send(p, callId, { type: 'line.clean', reason: cleanReason(ending), at });
  }
}

function cleanReason(ending: NonNullable<JobContext['ending']>): string {
  if (ending.status === 'completed') return 'loser';
  return ending.reason;
}

/** Decide the outcome and hang up every line that may be connected (a hand-off in flight is left to finish). */
function beginDrain(p: Plan, status: JobOutcome, reason: string, at: number, from: JobStatus): void {
  const ending = { status, reason, at, from };
  p.context = { ...p.context, ending, claim: undefined, lines: p.context.lines.map((line) => ({ ...line, redialAt: undefined })) };
  for (const line of p.context.lines) {
    if (!isSettled(line.status) && line.status !== 'cleaning' && line.status !== 'transferring') {
      send(p, line.callId, { type: 'line.clean', reason: cleanReason(ending), at });
    }
  }
}

const activeStatus = (context: JobContext): JobStatus => (context.claim !== undefined || context.handoff !== undefined ? 'connecting' : 'hunting');

function isLineChanged(event: JobEvent): event is Extract<LineReport, { type: 'line.changed' }> {
  return event.type === 'line.changed';
}

function callIdOfEvent(event: JobEvent): string | undefined {
  return 'callId' in event && typeof event.callId === 'string' && event.type !== 'line.changed' && event.type !== 'line.intent' ? event.callId : undefined;
}

// ——— the machine ———

const jobSetup = setup({
  types: {
    context: {} as JobContext,
    events: {} as JobEvent,
    input: {} as JobInput,
  },
  actors: { call: callMachine },
  guards: {
    deadlineDue: ({ context, event }) =>
      event.type === 'timer.fired' && event.timer === 'deadline' && event.at >= context.spec.deadlineAt - TIMER_SLACK_MS,
    redialDue: ({ context, event }) => {
      if (event.type !== 'timer.fired' || event.timer !== 'redial' || event.callId === undefined) return false;
      const line = lineOf(context, event.callId);
      return line?.status === 'failed' && line.redialAt !== undefined && !line.permanent && event.at >= line.redialAt - TIMER_SLACK_MS;
    },
    lineTransferred: ({ event }) => isLineChanged(event) && event.status === 'transferred',
    allLinesPermanentlyFailed: ({ context, event }) => {
      if (!isLineChanged(event) || event.status !== 'failed' || event.retryable !== false) return false;
      return context.lines.every((line) => line.callId === event.callId || (line.status === 'failed' && line.permanent));
    },
    inFlight: ({ context }) => context.claim !== undefined || context.handoff !== undefined,
    drainedAs: ({ context }, params: { status: JobOutcome }) =>
      context.ending?.status === params.status && context.handoff === undefined && context.lines.every((line) => isSettled(line.status)),
  },
});

/** Forward a host event that names one of our calls to that call (for its state and its history). */
const forward = jobSetup.enqueueActions(({ context, event, enqueue }) => {
  const callId = callIdOfEvent(event);
  if (callId === undefined) return;
  if (lineOf(context, callId) === undefined) {
    enqueue.assign({ unrouted: context.unrouted + 1 });
    return;
  }
  enqueue.sendTo(callId, event);
});

/** Run a planning function and apply its result: one context update, then the commands to the calls. */
const act = (run: (p: Plan, event: JobEvent) => void) =>
  jobSetup.enqueueActions(({ context, event, enqueue }) => {
    const p = plan(context);
    run(p, event);
    if (p.context !== context) enqueue.assign(p.context);
    for (const { to, event: command } of p.sends) enqueue.sendTo(to, command);
  });

const mirror = jobSetup.assign(({ context, event }) => (isLineChanged(event) ? { lines: mirrorLines(context, event) } : {}));

const appendLineIntent = jobSetup.assign(({ context, event }) =>
  event.type === 'line.intent' ? appendIntents(context, [event.intent]) : {},
);

const startJob = act((p, event) => {
  if (event.type !== 'job.start') return;
  p.context = { ...p.context, startedAt: event.at };
  for (const line of p.context.lines) {
    send(p, line.callId, { type: 'line.dial', notBefore: event.at + line.index * (p.context.spec.dialStaggerMs ?? DIAL_STAGGER_MS), at: event.at });
  }
  emit(p, { kind: 'schedule', timer: 'deadline', at: p.context.spec.deadlineAt });
});

const drainOn = (status: JobOutcome, reason: string) =>
  act((p, event) => {
    const from: JobStatus = p.context.startedAt === undefined ? 'starting' : activeStatus(p.context);
    beginDrain(p, status, reason, 'at' in event ? event.at : (p.context.startedAt ?? 0), from);
  });

const completeWithWinner = act((p, event) => {
  if (!isLineChanged(event)) return;
  p.context = { ...p.context, handoff: undefined, winnerCallId: event.callId };
  beginDrain(p, 'completed', 'transferred', event.at, 'connecting');
});

const redial = act((p, event) => {
  if (event.type !== 'timer.fired' || event.callId === undefined) return;
  redialNow(p, event.callId, event.at);
});

/**
 * Count an answer against its call's unanswered claims; true when it answers the call's latest claim and that
 * claim is still the one the job waits for.
 */
function answersPendingClaim(p: Plan, callId: string): boolean {
  const unanswered = p.context.claimsUnanswered[callId] ?? 0;
  if (unanswered === 0) return false; // an answer nobody asked for (should not happen): ignore
  p.context = { ...p.context, claimsUnanswered: { ...p.context.claimsUnanswered, [callId]: unanswered - 1 } };
  return unanswered === 1 && p.context.claim?.callId === callId;
}

const onClaimed = act((p, event) => {
  if (event.type !== 'winner.claimed') return;
  if (!answersPendingClaim(p, event.callId)) return;
  const { context } = p;
  if (event.token <= context.lastToken) {
    // Fencing tokens only rise; a host bug otherwise. Do not hand off on it: ask again.
    p.context = { ...context, claim: undefined };
    claimNext(p, event.at);
    return;
  }
  p.context = { ...context, lastToken: event.token };
  const line = lineOf(context, event.callId);
  if (context.handoff !== undefined || line?.status !== 'confirmed') return;
  p.context = { ...p.context, claim: undefined, handoff: { callId: event.callId, token: event.token, at: event.at } };
  send(p, event.callId, { type: 'line.handoff', token: event.token, at: event.at });
  const kind = context.spec.handoff === 'standby-bridge' ? 'bridge' : 'transfer';
  emit(p, { kind, callId: event.callId, token: event.token });
});

const onLost = act((p, event) => {
  if (event.type !== 'winner.lost') return;
  if (!answersPendingClaim(p, event.callId)) return;
  p.context = { ...p.context, claim: undefined };
  send(p, event.callId, { type: 'line.clean', reason: 'lost', at: event.at });
  claimNext(p, event.at, event.callId);
});

const onTransferNow = act((p, event) => {
  if (event.type !== 'operator.transfer-now') return;
  const line = lineOf(p.context, event.callId);
  // Only a line that is answered can be confirmed now; for others the request means nothing (the call ignores it).
  if (line === undefined || !CONFIRMABLE.includes(line.status)) return;
  p.context = { ...p.context, lines: withLine(p.context, event.callId, { preferredAt: event.at, transferFailures: 0 }) };
  // Already confirmed: the call will not report a change, so decide now. Otherwise the report will.
  if (line.status === 'confirmed') claimNext(p, event.at);
});

const onLineChangedActive = act((p, event) => {
  if (isLineChanged(event)) reactActive(p, event);
});

const onLineChangedDraining = act((p, event) => {
  if (isLineChanged(event)) reactDraining(p, event);
});

const emitFinish = (status: JobOutcome) =>
  jobSetup.enqueueActions(({ context, event, enqueue }) => {
    enqueue.assign({ ...appendIntents(context, [{ kind: 'finish', status }]), endedAt: 'at' in event ? event.at : context.endedAt });
  });

const countLate = jobSetup.assign(({ context }) => ({ late: context.late + 1 }));

const terminalEvents = {
  // Calls report their last intents before their last status change, so nothing is expected here; kept safe.
  'line.intent': { actions: appendLineIntent },
  'line.changed': { actions: mirror },
  '*': { actions: countLate },
} as const;

export const jobMachine = jobSetup.createMachine({
  id: 'job',
  context: ({ input }) => ({
    spec: input.spec,
    ivrDoneDelayMs: ivrDoneDelayMs(input.spec.destination),
    lines: Array.from({ length: input.spec.lines }, (_, index) => ({
      callId: callIdOf(index),
      index,
      status: 'queued' as const,
      attempt: 1,
      failStreak: 0,
      permanent: false,
      transferFailures: 0,
    })),
    outbox: [],
    nextIntentId: 1,
    lastToken: 0,
    claimsUnanswered: {},
    unrouted: 0,
    late: 0,
  }),
  entry: jobSetup.enqueueActions(({ context, enqueue }) => {
    for (const line of context.lines) {
      enqueue.spawnChild('call', {
        id: line.callId,
        input: { callId: line.callId, index: line.index, handoff: context.spec.handoff, ivrDoneDelayMs: context.ivrDoneDelayMs },
      });
    }
  }),
  initial: 'starting',
  on: {
    'line.intent': { actions: appendLineIntent },
    'line.changed': { actions: mirror },
    '*': { actions: forward },
  },
  states: {
    starting: {
      on: {
        'job.start': { target: 'active', actions: startJob },
        'operator.cancel': { target: 'draining', actions: drainOn('cancelled', 'operator') },
      },
    },
    active: {
      initial: 'hunting',
      on: {
        'operator.cancel': { target: 'draining', actions: drainOn('cancelled', 'operator') },
        'timer.fired': [
          { guard: 'deadlineDue', target: 'draining', actions: drainOn('cancelled', 'deadline') },
          { guard: 'redialDue', actions: [forward, redial] },
          { actions: forward },
        ],
        'line.changed': [
          { guard: 'lineTransferred', target: 'draining', actions: [mirror, completeWithWinner] },
          { guard: 'allLinesPermanentlyFailed', target: 'draining', actions: [mirror, drainOn('failed', 'all-lines-failed')] },
          { actions: [mirror, onLineChangedActive] },
        ],
        'winner.claimed': { actions: [forward, onClaimed] },
        'winner.lost': { actions: [forward, onLost] },
        'operator.transfer-now': { actions: [onTransferNow, forward] },
      },
      states: {
        hunting: {
          always: { guard: 'inFlight', target: 'connecting' },
        },
        connecting: {
          always: { guard: not('inFlight'), target: 'hunting' },
        },
      },
    },
    draining: {
      always: [
        { guard: { type: 'drainedAs', params: { status: 'completed' } }, target: 'completed' },
        { guard: { type: 'drainedAs', params: { status: 'cancelled' } }, target: 'cancelled' },
        { guard: { type: 'drainedAs', params: { status: 'failed' } }, target: 'failed' },
      ],
      on: {
        'line.changed': { actions: [mirror, onLineChangedDraining] },
      },
    },
    // Terminal: the host stops after `finish`; host events arriving later are counted, not acted on.
    completed: { entry: emitFinish('completed'), on: terminalEvents },
    cancelled: { entry: emitFinish('cancelled'), on: terminalEvents },
    failed: { entry: emitFinish('failed'), on: terminalEvents },
  },
});
