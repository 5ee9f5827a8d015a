/**
 * What the host needs around the job machine: create or restore the actor, persist it with the machine version,
 * and read intents and a summary off a ROOT snapshot — a live one (`actor.getSnapshot()`) or a persisted one
 * (`persist(actor).snapshot`, also after a JSON round trip).
 */
import { createActor } from 'xstate';
import type { Actor, InspectionEvent, Observer, Snapshot } from 'xstate';
import type { JobStatus } from '../src/engine/hunt-types.ts';
import type { CallContext } from './call.machine.ts';
import { MACHINE_VERSION } from './hunt-protocol.ts';
import type { Intent, JobInput, JobSummary } from './hunt-protocol.ts';
import { jobMachine } from './job.machine.ts';
import type { JobContext } from './job.machine.ts';

export type JobActor = Actor<typeof jobMachine>;

export interface StoredJobSnapshot {
  version: number;
  snapshot: unknown;
}

export interface CreateJobActorOptions {
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/** A call as the views read it: the contract's fields plus detection and end details. */
export type CallSummary = JobSummary['calls'][number] & { confidence?: number; retryable?: boolean };

export interface JobSummaryDetail extends JobSummary {
  calls: CallSummary[];
  /** Set once the outcome is decided: why, and since when (the status stays non-final while lines are hung up). */
  ending?: { status: 'completed' | 'cancelled' | 'failed'; reason: string; at: number };
  /** The job reached a final status and emitted `finish`. */
  finished: boolean;
  startedAt?: number;
  endedAt?: number;
  /** Id the next intent will get (every intent below it was emitted). */
  nextIntentId: number;
}

/** Thrown when intents the host has not executed were already pruned from the outbox. */
export class IntentGapError extends Error {
  constructor(
    readonly afterId: number,
    readonly oldestKeptId: number,
  ) {
    super(`outbox no longer holds intents ${afterId + 1}..${oldestKeptId - 1}`);
    this.name = 'IntentGapError';
  }
}

/** Creates and STARTS the job actor, fresh (`snapshot` undefined) or restored from `persist(actor).snapshot`. */
export function createJobActor(input: JobInput, snapshot?: unknown, options: CreateJobActorOptions = {}): JobActor {
  const actor = createActor(jobMachine, {
    input,
    ...(snapshot === undefined ? {} : { snapshot: snapshot as Snapshot<unknown> }),
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
  });
  actor.start();
  return actor;
}

export function persist(actor: JobActor): StoredJobSnapshot {
  return { version: MACHINE_VERSION, snapshot: actor.getPersistedSnapshot() };
}

/** True when `stored` came from `persist` under this machine version and can be restored. */
export function isCompatible(stored: unknown): stored is StoredJobSnapshot {
  if (!isRecord(stored) || stored.version !== MACHINE_VERSION || !isRecord(stored.snapshot)) return false;
  const { context, children } = stored.snapshot;
  return isRecord(context) && Array.isArray(context.outbox) && typeof context.nextIntentId === 'number' && isRecord(children);
}

/** Every intent the outbox still holds (a persisted outbox may keep only what a restore needs), in id order. */
export function keptIntents(snapshot: unknown): Intent[] {
  return rootOf(snapshot).context.outbox;
}

/** Intents with an id above `afterId`, in id order. */
export function pendingIntents(snapshot: unknown, afterId: number): Intent[] {
  const { outbox } = rootOf(snapshot).context;
  const oldest = outbox[0];
  if (oldest !== undefined && oldest.id > afterId + 1) throw new IntentGapError(afterId, oldest.id);
  return outbox.filter((intent) => intent.id > afterId);
}

export function summarize(snapshot: unknown): JobSummaryDetail {
  const root = rootOf(snapshot);
  const { context } = root;
  const status = jobStatusOf(root.value, context);
  const calls = context.lines.map((line): CallSummary => {
    const call = callContextOf(root.children[line.callId]);
    if (call === undefined) {
      return { callId: line.callId, status: line.status, attempt: line.attempt, since: {}, ...(line.endReason === undefined ? {} : { endReason: line.endReason }) };
    }
    return callSummaryOf(call);
  });
  return compact({
    status,
    winnerCallId: context.winnerCallId ?? context.handoff?.callId,
    calls,
    ending: context.ending === undefined ? undefined : { status: context.ending.status, reason: context.ending.reason, at: context.ending.at },
    finished: status === 'completed' || status === 'cancelled' || status === 'failed',
    startedAt: context.startedAt,
    endedAt: context.endedAt,
    nextIntentId: context.nextIntentId,
  });
}

/** The full context of one call (history, counters, sequences), for timelines and tests. */
export function callContext(snapshot: unknown, callId: string): CallContext | undefined {
  return callContextOf(rootOf(snapshot).children[callId]);
}

// ——— reading snapshots of either kind ———

interface RootView {
  value: unknown;
  context: JobContext;
  children: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function rootOf(snapshot: unknown): RootView {
  if (!isRecord(snapshot) || !isRecord(snapshot.context) || !Array.isArray(snapshot.context.outbox)) {
    throw new TypeError('not a job snapshot');
  }
  return {
    value: snapshot.value,
    context: snapshot.context as unknown as JobContext,
    children: isRecord(snapshot.children) ? snapshot.children : {},
  };
}

/** A child is an ActorRef in a live snapshot and `{ snapshot, src }` in a persisted one. */
function callContextOf(child: unknown): CallContext | undefined {
  if (!isRecord(child)) return undefined;
  let snap: unknown;
  if (typeof child.getSnapshot === 'function') snap = (child.getSnapshot as () => unknown)();
  else snap = child.snapshot;
  return isRecord(snap) && isRecord(snap.context) ? (snap.context as unknown as CallContext) : undefined;
}

function jobStatusOf(value: unknown, context: JobContext): JobStatus {
  if (value === 'starting' || value === 'completed' || value === 'cancelled' || value === 'failed') return value;
  if (value === 'draining') return context.ending?.status === 'completed' ? 'connecting' : (context.ending?.from ?? 'hunting');
  if (isRecord(value) && value.active === 'connecting') return 'connecting';
  return 'hunting';
}

/**
 * A call's summary, made once per call context: XState replaces a context on every change, so a step of a
 * 70-line job summarizes only the call it touched, and an unchanged call keeps its summary object (which is how
 * `historyEntries` skips it).
 */
const callSummaries = new WeakMap<CallContext, CallSummary>();

function callSummaryOf(call: CallContext): CallSummary {
  let summary = callSummaries.get(call);
  if (summary === undefined) {
    summary = compact({
      callId: call.callId,
      status: call.status,
      attempt: call.attempt,
      extensionId: call.extensionId,
      telephonySessionId: call.telephonySessionId,
      partyId: call.partyId,
      endReason: call.endReason,
      since: call.since,
      confidence: call.confidence,
      retryable: call.retryable,
    });
    callSummaries.set(call, summary);
  }
  return summary;
}

/** Drops undefined properties (the views and JSON compare cleanly). */
function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}


// ——— persisting in parts ———

/** A call actor as XState nests it under a persisted root's `children`. */
export interface PersistedChild {
  snapshot: unknown;
  src: unknown;
  systemId?: string;
  syncSnapshot?: boolean;
}

/** The supervisor without its children, and the children whose snapshot changed since the last commit. */
export interface SnapshotParts {
  root: StoredJobSnapshot;
  changed: Map<string, PersistedChild>;
}

/**
 * Persists a job in parts, so a step writes the supervisor and only the call actors it touched (a 70-line job is
 * ~100 KB whole, one call ~1 KB). XState replaces an actor's snapshot object on every change, so identity tells
 * what changed. `take` then `commit` once the write succeeded; after a failed write nothing counts as written.
 */
export class IncrementalPersister {
  private readonly written = new Map<string, unknown>();
  private taken = new Map<string, unknown>();

  /**
   * `keepIntent` trims the outbox before it is persisted (the live actor keeps its whole outbox): the root's
   * context is walked and written on every step, and a spent intent is most of it.
   */
  take(actor: JobActor, keepIntent?: (intent: Intent) => boolean): SnapshotParts {
    const snapshot = actor.getSnapshot();
    const changed = new Map<string, PersistedChild>();
    this.taken = new Map();
    for (const [id, child] of Object.entries(snapshot.children)) {
      if (child === undefined) continue;
      const current = child.getSnapshot();
      if (this.written.get(id) === current) continue;
      this.taken.set(id, current);
      // The same fields XState's own getPersistedSnapshot writes for a child (two of them are not in its types).
      const internals = child as unknown as { systemId?: string; _syncSnapshot?: boolean };
      changed.set(id, {
        snapshot: child.getPersistedSnapshot(),
        src: child.src,
        ...(internals.systemId === undefined ? {} : { systemId: internals.systemId }),
        syncSnapshot: internals._syncSnapshot ?? false,
      });
    }
    const context = keepIntent === undefined ? snapshot.context : { ...snapshot.context, outbox: snapshot.context.outbox.filter(keepIntent) };
    const root = jobMachine.getPersistedSnapshot({ ...snapshot, context, children: {} });
    return { root: { version: MACHINE_VERSION, snapshot: root }, changed };
  }

  commit(): void {
    for (const [id, snapshot] of this.taken) this.written.set(id, snapshot);
    this.taken = new Map();
  }
}

/** Puts a root persisted without children (`IncrementalPersister`) back together with its stored children. */
export function joinParts(root: StoredJobSnapshot, children: Record<string, PersistedChild>): StoredJobSnapshot {
  if (!isRecord(root.snapshot)) return root;
  const embedded = isRecord(root.snapshot.children) ? root.snapshot.children : {};
  return { ...root, snapshot: { ...root.snapshot, children: { ...embedded, ...children } } };
}
