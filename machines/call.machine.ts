/**
 * One line of a hunt: a pure statechart, spawned by the job supervisor under a stable id (`call-3`).
 *
 *   queued → dialing → ivr → holding ⇄ suspected-live → confirmed → transferring → transferred
 *   any of queued…confirmed → cleaning → cleaned        (we hang up: loser, cancel, deadline, operator, lost)
 *   any of queued…confirmed → failed                    (busy, no answer, the IRS hung up, dial error)
 *   failed | cleaned —line.redial→ queued               (next attempt; only the job decides)
 *
 * No state is `type: 'final'`: a finished line stays addressable (late and duplicate events are recorded, a
 * stray placement is hung up) and the job decides when the hunt is over. The call never does I/O: it reports
 * every status change (`line.changed`) and every effect (`line.intent`) to the job, which owns the outbox.
 */
import { setup } from 'xstate';
import type { CallStatus, HandoffMode } from '../src/engine/hunt-types.ts';
import { CALL_HISTORY_LIMIT, PRIOR_SESSIONS_LIMIT, TIMER_SLACK_MS, classifyPartyEnd } from './hunt-rules.ts';
import type { CallHostEvent, IntentDraft, LineCommand, LineReport, PartySignal } from './line-protocol.ts';

export type CallEvent = CallHostEvent | LineCommand | PartySignal;

/**
 * What became of an event the call received: `accepted` (applied or noted), `ignored` (meaningless in this
 * state), `duplicate` (a `call.party` with a sequence already seen for its session, or a repeated placement),
 * `old-session` / `unknown-session` (a `call.party` not of the current session), `stale` (an earlier attempt's
 * result or timer), `job` (handled by the job: winner results, redial timers).
 */
export type Verdict = 'accepted' | 'ignored' | 'duplicate' | 'old-session' | 'unknown-session' | 'stale' | 'job';

export interface CallHistoryEntry {
  /** 1-based index among all events this call received. */
  n: number;
  type: string;
  at: number;
  verdict: Verdict;
  note?: string;
}

export interface CallInput {
  callId: string;
  /** 0-based line number in the job. */
  index: number;
  handoff: HandoffMode;
  /** From answer to holding: the destination's IVR script plus a margin. */
  ivrDoneDelayMs: number;
}

export interface CallContext extends CallInput {
  status: CallStatus;
  prevStatus?: CallStatus;
  attempt: number;
  /** A `dial` intent was emitted for the current attempt. */
  dialIssued: boolean;
  /**
   * That dial has not been answered yet (no `call.placed` / `call.dial-failed` for this attempt). Informational:
   * a line `cleaning`/`cleaned` with a dial pending may still see its placement arrive (it is then hung up).
   */
  dialPending: boolean;
  /**
   * `hangup` intents emitted (over all attempts) whose `call.hung-up` has not arrived. `call.hung-up` names no
   * attempt, so a report is matched to the oldest unanswered hang-up; only with none outstanding does a
   * `call.hung-up` on a live line mean "the session was found gone".
   */
  hangupsUnanswered: number;
  extensionId?: string;
  telephonySessionId?: string;
  partyId?: string;
  /** Extension reserved by the current placement and not yet released. */
  heldExtensionId?: string;
  priorSessions: string[];
  /** Last `sequence` accepted per session (current and recent ones). */
  lastSequence: Record<string, number>;
  /** Epoch ms of entering each status (latest entry wins). */
  since: Partial<Record<CallStatus, number>>;
  confidence?: number;
  endReason?: string;
  retryable?: boolean;
  ivrDoneAt?: number;
  standbyRung: boolean;
  /** Set when a party left while the hand-off was in flight: a failed hand-off then means the line is gone. */
  goneDuringTransfer?: string;
  /** Every host event and job command this call received, and what became of them. */
  received: number;
  verdicts: Partial<Record<Verdict, number>>;
  history: CallHistoryEntry[];
}

const HOST_OR_COMMAND = /^(call|operator|winner|transfer|timer|line)\./;

function noteOf(event: CallEvent): string | undefined {
  switch (event.type) {
    case 'call.party':
      return `${event.side} ${event.code}${event.reason === undefined ? '' : `/${event.reason}`} #${event.sequence}`;
    case 'call.placed':
      return `attempt ${event.attempt} ${event.telephonySessionId}`;
    case 'call.dial-failed':
      return `attempt ${event.attempt} ${event.reason}${event.retryable ? '' : ' (permanent)'}`;
    case 'call.suspect':
      return `confidence ${event.confidence}`;
    case 'call.confirm':
    case 'operator.hangup':
    case 'operator.transfer-now':
      return `by ${event.by}`;
    case 'transfer.failed':
    case 'line.clean':
      return event.reason;
    case 'winner.claimed':
    case 'line.handoff':
      return `token ${event.token}`;
    case 'winner.lost':
      return `winner ${event.winnerCallId}`;
    case 'timer.fired':
      return event.timer;
    default:
      return undefined;
  }
}

function recorded(context: CallContext, event: CallEvent, verdict: Verdict): Partial<CallContext> {
  if (!HOST_OR_COMMAND.test(event.type)) return {};
  const n = context.received + 1;
  const note = noteOf(event);
  const entry: CallHistoryEntry = note === undefined ? { n, type: event.type, at: event.at, verdict } : { n, type: event.type, at: event.at, verdict, note };
  return {
    received: n,
    verdicts: { ...context.verdicts, [verdict]: (context.verdicts[verdict] ?? 0) + 1 },
    history: [...context.history, entry].slice(-CALL_HISTORY_LIMIT),
  };
}

function partySession(event: CallEvent): string | undefined {
  return event.type === 'call.party' ? event.telephonySessionId : undefined;
}

function isOldSession(context: CallContext, event: CallEvent): boolean {
  const session = partySession(event);
  return session !== undefined && session !== context.telephonySessionId && context.priorSessions.includes(session);
}

function isUnknownSession(context: CallContext, event: CallEvent): boolean {
  const session = partySession(event);
  return session !== undefined && session !== context.telephonySessionId && !context.priorSessions.includes(session);
}

function isDuplicateSequence(context: CallContext, event: CallEvent): boolean {
  if (event.type !== 'call.party') return false;
  const last = context.lastSequence[event.telephonySessionId];
  return last !== undefined && event.sequence <= last;
}

/** What a new (in-order, current-session) party event means for the line, if anything. */
function partySignal(event: CallEvent): PartySignal | undefined {
  if (event.type !== 'call.party' || event.side === 'firm') return undefined;
  if (event.code === 'Answered') return { type: 'party.answered', side: event.side, at: event.at };
  if (event.code === 'Disconnected' || event.code === 'Gone') {
    if (event.side === 'ours' && event.code === 'Disconnected' && event.reason === 'BlindTransfer') {
      return { type: 'party.transferred-away', at: event.at };
    }
    return event.reason === undefined
      ? { type: 'party.ended', side: event.side, code: event.code, at: event.at }
      : { type: 'party.ended', side: event.side, code: event.code, reason: event.reason, at: event.at };
  }
  return undefined;
}

function isSameAttempt(context: CallContext, event: CallEvent): boolean {
  return (event.type === 'call.placed' || event.type === 'call.dial-failed') && event.attempt === context.attempt;
}

/** A placement for the current attempt on a session we do not know yet (a dial that raced a hang-up). */
function isNewPlacement(context: CallContext, event: CallEvent): boolean {
  return event.type === 'call.placed' && event.attempt === context.attempt && event.telephonySessionId !== context.telephonySessionId;
}

function placedVerdict(context: CallContext, event: CallEvent): Verdict {
  if (event.type !== 'call.placed') return 'ignored';
  if (event.attempt !== context.attempt) return 'stale';
  return event.telephonySessionId === context.telephonySessionId ? 'duplicate' : 'ignored';
}

function timerVerdict(context: CallContext, event: CallEvent): Verdict {
  if (event.type !== 'timer.fired') return 'ignored';
  return event.timer === 'ivr-done' ? 'stale' : 'job';
}

const callSetup = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
    input: {} as CallInput,
  },
  guards: {
    oldSession: ({ context, event }) => isOldSession(context, event),
    unknownSession: ({ context, event }) => isUnknownSession(context, event),
    duplicateSequence: ({ context, event }) => isDuplicateSequence(context, event),
    sameAttempt: ({ context, event }) => isSameAttempt(context, event),
    newPlacement: ({ context, event }) => isNewPlacement(context, event),
    dialIssued: ({ context }) => context.dialIssued,
    dialNotIssued: ({ context }) => !context.dialIssued,
    ivrDone: ({ context, event }) =>
      event.type === 'timer.fired' && event.timer === 'ivr-done' && context.ivrDoneAt !== undefined && event.at >= context.ivrDoneAt - TIMER_SLACK_MS,
    goneDuringTransfer: ({ context }) => context.goneDuringTransfer !== undefined,
    answersHangup: ({ context }) => context.hangupsUnanswered > 0,
    answersOlderHangup: ({ context }) => context.hangupsUnanswered > 1,
  },
});

const record = (verdict: Verdict) => callSetup.assign(({ context, event }) => recorded(context, event, verdict));
const recordPlaced = callSetup.assign(({ context, event }) => recorded(context, event, placedVerdict(context, event)));
const recordTimer = callSetup.assign(({ context, event }) => recorded(context, event, timerVerdict(context, event)));

/** Assign the status and tell the job: the entry action of every state but `queued` (see `redial`). */
const enter = (status: CallStatus) =>
  callSetup.enqueueActions(({ context, event, enqueue }) => {
    enqueue.assign({ prevStatus: context.status, status, since: { ...context.since, [status]: event.at } });
    const report: LineReport = {
      type: 'line.changed',
      callId: context.callId,
      attempt: context.attempt,
      status,
      from: context.status,
      at: event.at,
    };
    if (context.endReason !== undefined) report.endReason = context.endReason;
    if (context.retryable !== undefined) report.retryable = context.retryable;
    enqueue.sendParent(report);
  });

function intentReport(context: CallContext, intent: IntentDraft): LineReport {
  return { type: 'line.intent', callId: context.callId, intent };
}

const emitDial = callSetup.enqueueActions(({ context, event, enqueue }) => {
  const notBefore = event.type === 'line.dial' || event.type === 'line.redial' ? event.notBefore : event.at;
  enqueue.assign({ dialIssued: true, dialPending: true });
  enqueue.sendParent(intentReport(context, { kind: 'dial', callId: context.callId, attempt: context.attempt, notBefore }));
});

const emitHangup = callSetup.enqueueActions(({ context, enqueue }) => {
  enqueue.assign({ hangupsUnanswered: context.hangupsUnanswered + 1 });
  enqueue.sendParent(intentReport(context, { kind: 'hangup', callId: context.callId, reason: context.endReason ?? 'cleanup', telephonySessionId: context.telephonySessionId ?? null }));
});

const releaseExtension = callSetup.enqueueActions(({ context, enqueue }) => {
  if (context.heldExtensionId === undefined) return;
  enqueue.sendParent(intentReport(context, { kind: 'release-extension', callId: context.callId, extensionId: context.heldExtensionId, attempt: context.attempt }));
  enqueue.assign({ heldExtensionId: undefined });
});

const scheduleIvrDone = callSetup.enqueueActions(({ context, event, enqueue }) => {
  const at = event.at + context.ivrDoneDelayMs;
  enqueue.assign({ ivrDoneAt: at });
  enqueue.sendParent(intentReport(context, { kind: 'schedule', timer: 'ivr-done', callId: context.callId, at }));
});

const ringStandbyOnce = callSetup.enqueueActions(({ context, enqueue }) => {
  if (context.handoff !== 'standby-bridge' || context.standbyRung) return;
  enqueue.assign({ standbyRung: true });
  enqueue.sendParent(intentReport(context, { kind: 'ring-standby', callId: context.callId }));
});

const adoptPlacement = callSetup.assign(({ context, event }) => {
  if (event.type !== 'call.placed') return {};
  return {
    dialPending: false,
    extensionId: event.extensionId,
    telephonySessionId: event.telephonySessionId,
    partyId: event.partyId,
    heldExtensionId: event.extensionId,
    lastSequence: pruneSequences(context.lastSequence, [event.telephonySessionId, ...context.priorSessions]),
  };
});

function pruneSequences(lastSequence: Record<string, number>, keep: string[]): Record<string, number> {
  const next: Record<string, number> = {};
  for (const session of keep) {
    const seq = lastSequence[session];
    if (seq !== undefined) next[session] = seq;
  }
  return next;
}

const trackSequence = callSetup.assign(({ context, event }) =>
  event.type === 'call.party' ? { lastSequence: { ...context.lastSequence, [event.telephonySessionId]: event.sequence } } : {},
);

const signalParty = callSetup.enqueueActions(({ event, enqueue }) => {
  const signal = partySignal(event);
  if (signal !== undefined) enqueue.raise(signal);
});

/** Count a `call.hung-up` against the unanswered hang-ups (never below zero). */
const countHungUp = callSetup.assign(({ context }) => ({ hangupsUnanswered: Math.max(0, context.hangupsUnanswered - 1) }));

const endWith = (endReason: string, retryable: boolean) => callSetup.assign({ endReason, retryable });

const endFromEvent = callSetup.assign(({ event }) => {
  switch (event.type) {
    case 'party.ended':
      return classifyPartyEnd(event.side, event.code, event.reason);
    case 'party.transferred-away':
      return { endReason: 'transferred-away', retryable: true };
    case 'call.dial-failed':
      return { endReason: `dial-failed: ${event.reason}`, retryable: event.retryable, dialPending: false };
    case 'call.hung-up':
      return { endReason: 'gone', retryable: true };
    case 'line.clean':
      return { endReason: event.reason, retryable: true };
    case 'operator.hangup':
      return { endReason: 'operator', retryable: true };
    case 'transfer.failed':
      return { endReason: `transfer-failed: ${event.reason}`, retryable: true };
    default:
      return {};
  }
});

const setConfidence = callSetup.assign(({ event }) => {
  if (event.type === 'call.suspect') return { confidence: event.confidence };
  if (event.type === 'call.confirm' || event.type === 'operator.transfer-now') return { confidence: 1 };
  return {};
});

const markGoneDuringTransfer = callSetup.assign(({ event }) => {
  if (event.type === 'party.ended') return { goneDuringTransfer: classifyPartyEnd(event.side, event.code, event.reason).endReason };
  if (event.type === 'call.hung-up') return { goneDuringTransfer: 'gone' };
  return {};
});

/** Next attempt: forget the old session (kept as prior, so its late events are recognised), then dial. */
const startNextAttempt = callSetup.enqueueActions(({ context, event, enqueue }) => {
  const priorSessions =
    context.telephonySessionId === undefined ? context.priorSessions : [...context.priorSessions, context.telephonySessionId].slice(-PRIOR_SESSIONS_LIMIT);
  const attempt = context.attempt + 1;
  enqueue.assign({
    attempt,
    priorSessions,
    lastSequence: pruneSequences(context.lastSequence, priorSessions),
    telephonySessionId: undefined,
    partyId: undefined,
    extensionId: undefined,
    endReason: undefined,
    retryable: undefined,
    confidence: undefined,
    ivrDoneAt: undefined,
    standbyRung: false,
    goneDuringTransfer: undefined,
    prevStatus: context.status,
    status: 'queued',
    since: { ...context.since, queued: event.at },
    dialIssued: true,
    dialPending: true,
  });
  const notBefore = event.type === 'line.redial' ? event.notBefore : event.at;
  enqueue.sendParent(intentReport(context, { kind: 'dial', callId: context.callId, attempt, notBefore }));
  enqueue.sendParent({ type: 'line.changed', callId: context.callId, attempt, status: 'queued', from: context.status, at: event.at } satisfies LineReport);
});

/** Transitions shared by every state in which the line may be connected (dialing … confirmed). */
const connectedExits = {
  'party.ended': { target: '#call.failed', actions: endFromEvent },
  'party.transferred-away': { target: '#call.failed', actions: endFromEvent },
  'call.hung-up': [
    // The late answer to a hang-up of an earlier attempt: says nothing about this call.
    { guard: 'answersHangup', actions: [record('stale'), countHungUp] },
    // Reconciliation found the session gone.
    { target: '#call.failed', actions: [record('accepted'), endFromEvent] },
  ],
  'line.clean': { target: '#call.cleaning', actions: [record('accepted'), endFromEvent] },
  'operator.hangup': { target: '#call.cleaning', actions: [record('accepted'), endFromEvent] },
} as const;

const toConfirmed = { target: '#call.confirmed', actions: [record('accepted'), setConfidence] } as const;

export const callMachine = callSetup.createMachine({
  id: 'call',
  context: ({ input }) => ({
    ...input,
    status: 'queued',
    attempt: 1,
    dialIssued: false,
    dialPending: false,
    hangupsUnanswered: 0,
    priorSessions: [],
    lastSequence: {},
    since: {},
    standbyRung: false,
    received: 0,
    verdicts: {},
    history: [],
  }),
  initial: 'queued',
  on: {
    // Every party event is filtered here first; only new ones of the current session reach the states.
    'call.party': [
      { guard: 'oldSession', actions: record('old-session') },
      { guard: 'unknownSession', actions: record('unknown-session') },
      { guard: 'duplicateSequence', actions: record('duplicate') },
      { actions: [record('accepted'), trackSequence, signalParty] },
    ],
    'call.placed': { actions: recordPlaced },
    'timer.fired': { actions: recordTimer },
    'call.hung-up': [{ guard: 'answersHangup', actions: [record('stale'), countHungUp] }, { actions: record('ignored') }],
    'winner.claimed': { actions: record('job') },
    'winner.lost': { actions: record('job') },
    '*': { actions: record('ignored') },
  },
  states: {
    queued: {
      on: {
        'line.dial': [{ guard: 'dialNotIssued', actions: [record('accepted'), emitDial] }, { actions: record('ignored') }],
        'call.placed': [{ guard: 'sameAttempt', target: 'dialing', actions: [record('accepted'), adoptPlacement] }, { actions: recordPlaced }],
        'call.dial-failed': [{ guard: 'sameAttempt', target: 'failed', actions: [record('accepted'), endFromEvent] }, { actions: record('stale') }],
        'line.clean': [
          { guard: 'dialIssued', target: 'cleaning', actions: [record('accepted'), endFromEvent] },
          { target: 'cleaned', actions: [record('accepted'), endFromEvent] },
        ],
        // Before its first dial a line has nothing to hang up; the operator's hang-up means nothing yet.
        'operator.hangup': [{ guard: 'dialIssued', target: 'cleaning', actions: [record('accepted'), endFromEvent] }, { actions: record('ignored') }],
      },
    },
    dialing: {
      entry: enter('dialing'),
      on: {
        ...connectedExits,
        'party.answered': { target: 'ivr' },
      },
    },
    ivr: {
      entry: [scheduleIvrDone, enter('ivr')],
      on: {
        ...connectedExits,
        'timer.fired': [{ guard: 'ivrDone', target: 'holding', actions: record('accepted') }, { actions: recordTimer }],
        // Detection during the IVR is noted, never acted on (the IVR voice is not an agent).
        'call.suspect': { actions: [record('accepted'), setConfidence] },
        'call.confirm': toConfirmed,
        'operator.transfer-now': toConfirmed,
      },
    },
    holding: {
      entry: enter('holding'),
      on: {
        ...connectedExits,
        'call.suspect': { target: 'suspected-live', actions: [record('accepted'), setConfidence] },
        'call.clear': { actions: record('accepted') },
        'call.confirm': toConfirmed,
        'operator.transfer-now': toConfirmed,
      },
    },
    'suspected-live': {
      entry: [ringStandbyOnce, enter('suspected-live')],
      on: {
        ...connectedExits,
        'call.suspect': { actions: [record('accepted'), setConfidence] },
        'call.clear': { target: 'holding', actions: record('accepted') },
        'call.confirm': toConfirmed,
        'operator.transfer-now': toConfirmed,
      },
    },
    confirmed: {
      entry: [ringStandbyOnce, enter('confirmed')],
      on: {
        ...connectedExits,
        'line.handoff': { target: 'transferring', actions: record('accepted') },
        'call.suspect': { actions: record('accepted') },
        'call.clear': { actions: record('accepted') },
        'call.confirm': { actions: record('accepted') },
        'operator.transfer-now': { actions: record('accepted') },
      },
    },
    transferring: {
      entry: enter('transferring'),
      on: {
        'transfer.succeeded': { target: 'transferred', actions: [record('accepted'), endWith('transferred', false)] },
        'party.transferred-away': { target: 'transferred', actions: endWith('transferred', false) },
        'transfer.failed': [
          { guard: 'goneDuringTransfer', target: 'failed', actions: [record('accepted'), endFromEvent] },
          { target: 'confirmed', actions: record('accepted') },
        ],
        // A party leaving mid-transfer is remembered; the host's transfer result decides.
        'party.ended': { actions: markGoneDuringTransfer },
        'call.hung-up': [
          { guard: 'answersHangup', actions: [record('stale'), countHungUp] },
          { actions: [record('accepted'), markGoneDuringTransfer] },
        ],
      },
    },
    transferred: {
      entry: [releaseExtension, enter('transferred')],
    },
    cleaning: {
      entry: [emitHangup, enter('cleaning')],
      on: {
        // While our dial is unanswered, a hang-up report cannot prove that nothing got through: wait for the
        // dial's own result (the host reports a dropped dial as call.dial-failed).
        'call.hung-up': [
          // An older hang-up answered (an earlier attempt's, or the first of two for this one): keep waiting.
          { guard: 'answersOlderHangup', actions: [record('accepted'), countHungUp] },
          // The latest hang-up is done. If our dial was still unanswered, the host dropped it or hung up what it
          // placed; a placement that still shows up later is hung up again (stray), or by the host after finish.
          { target: 'cleaned', actions: [record('accepted'), countHungUp] },
        ],
        'party.ended': { target: 'cleaned' },
        'party.transferred-away': { target: 'cleaned' },
        'call.dial-failed': [
          { guard: 'sameAttempt', target: 'cleaned', actions: [record('accepted'), callSetup.assign({ dialPending: false })] },
          { actions: record('stale') },
        ],
        // The dial we are cancelling got through after all: learn the session and hang it up too.
        'call.placed': [{ guard: 'newPlacement', actions: [record('accepted'), adoptPlacement, emitHangup] }, { actions: recordPlaced }],
      },
    },
    cleaned: {
      entry: [releaseExtension, enter('cleaned')],
      on: {
        'line.redial': { target: 'queued', actions: [record('accepted'), startNextAttempt] },
        'call.placed': [
          { guard: 'newPlacement', target: 'cleaning', actions: [record('accepted'), adoptPlacement, endWith('stray-placement', true)] },
          { actions: recordPlaced },
        ],
      },
    },
    failed: {
      entry: [releaseExtension, enter('failed')],
      on: {
        'line.redial': { target: 'queued', actions: [record('accepted'), startNextAttempt] },
        'call.placed': [
          { guard: 'newPlacement', target: 'cleaning', actions: [record('accepted'), adoptPlacement, endWith('stray-placement', true)] },
          { actions: recordPlaced },
        ],
      },
    },
  },
});
