/**
 * Hosts one running hunt on its owner instance: restores the job supervisor (and its call actors) from Redis,
 * reconciles live calls with the phone system, then applies the job's stream one entry at a time. After every
 * step it persists the snapshot first and runs the new intents after, so a crash can only re-run an intent
 * (each is idempotent or guarded), never lose one (design §3–4).
 */
import { metrics } from '../observability/metrics.ts';
import type { Redis } from 'ioredis';
import type { InspectionEvent } from 'xstate';
import type { Logger } from 'pino';
import { IncrementalPersister, callContext, createJobActor, isCompatible, keptIntents, pendingIntents, summarize } from '../../machines/index.ts';
import type { JobSummaryDetail } from '../../machines/index.ts';
import type { HuntEvent, Intent, JobSummary } from '../../machines/hunt-protocol.ts';
import { MACHINE_VERSION } from '../../machines/hunt-protocol.ts';
import { globalKeys, jobKeys } from '../store/redis-keys.ts';
import type { ExtensionPool } from '../store/extension-pool.ts';
import { advanceWinner, claimWinner, readWinner } from '../store/winner-record.ts';
import { WinnerLock } from '../store/winner-lock.ts';
import { OwnerFence, OwnershipLost } from '../store/owner-fence.ts';
import type { CallRef, SessionState, Telephony } from '../telephony/telephony-port.ts';
import { TelephonyError } from '../telephony/telephony-port.ts';
import { appendToJobStream, parseJobStreamEntries } from './job-stream.ts';
import { luaScript } from '../store/lua-script.ts';
import type { JobStreamMessage } from './job-stream.ts';
import { readJob, updateJobIn } from './job-records.ts';
import { Slots } from './slots.ts';
import type { JobSpec, JobStatus } from './hunt-types.ts';
import { bullId } from './engine-queues.ts';
import type { DialJobData, TimerJobData } from './engine-queues.ts';
import { appendHistory, historyEntries } from './job-history.ts';
import type { HistoryEntry } from './job-history.ts';
import { readStoredJob, writeStoredJob } from './job-snapshot-store.ts';

export interface JobHostDeps {
  redis: Redis;
  /** A connection of its own for XREAD BLOCK. */
  blocking: Redis;
  telephony: Telephony;
  pool: ExtensionPool;
  scheduler: EffectScheduler;
  log: Logger;
  now?: () => number;
  /** Lost webhooks: how often to look for lines whose state may be stale, and what counts as stale. */
  sweep?: { everyMs: number; dialingStaleMs: number; recheckLiveMs: number };
  /** Instrumentation (bench:transfer): a line was confirmed live, and its hand-off request is being sent. */
  onDecision?: (jobId: string, callId: string) => void;
  /** Development (XSTATE_INSPECT_URL): every transition of the job and call actors, already sanitized. */
  inspect?: (event: InspectionEvent) => void;
  onTransferSent?: (jobId: string, callId: string) => void;
}

/**
 * Where the host sends work that runs later or elsewhere: dials (staggered, paced) and timers (durable
 * deadlines). `id` is deterministic, so scheduling the same thing twice schedules it once.
 */
export interface EffectScheduler {
  dial(data: DialJobData, delayMs: number, id: string): Promise<void>;
  timer(data: TimerJobData, delayMs: number, id: string): Promise<void>;
  /** Takes a dial that is still waiting for its time off the queue (one already running checks its line itself). */
  cancelDial?(id: string): Promise<void>;
}

const LIVE = new Set(['dialing', 'ivr', 'holding', 'suspected-live', 'confirmed', 'transferring', 'cleaning']);
const FINAL_JOB: ReadonlySet<JobStatus> = new Set(['completed', 'cancelled', 'failed']);
/** A sequence above any real one: a reconciled end of session overrides everything that came before. */
const RECONCILED_SEQUENCE = Number.MAX_SAFE_INTEGER;
/**
 * RingCentral may lose a notification (guide FAQ): lines stuck ringing are checked after 30 s, and every live line
 * once in 5 minutes, at the lowest request priority.
 */
const DEFAULT_SWEEP = { everyMs: 10_000, dialingStaleMs: 30_000, recheckLiveMs: 300_000 };
const SWEPT = new Set(['dialing', 'ivr', 'holding', 'suspected-live', 'confirmed']);
/** How long a confirmed line waits for the firm to answer its standby leg before a blind transfer instead. */
const STANDBY_ANSWER_WAIT_MS = 20_000;
/** Transitions applied in a row before the host lets other work on its thread run. */
const YIELD_EVERY_EVENTS = 8;
/** How long a finishing hunt waits for dials that are still being placed. */
const STRAY_DIAL_WAIT_MS = 30_000;

export class JobHost {
  private actor!: ReturnType<typeof createJobActor>;
  private spec!: JobSpec;
  private streamId = '0-0';
  private executedIntentId = 0;
  private finished = false;
  private stopping = false;
  /** Another owner claimed the hunt after this one (`OwnerFence`): this host stopped and must not act again. */
  private superseded = false;
  private readonly fence: OwnerFence;
  private readonly now: () => number;
  private readonly winnerLock: WinnerLock;
  private persister = new IncrementalPersister();
  /** History of the steps since the last commit, and the job record's status as last written. */
  private uncommitted: HistoryEntry[] = [];
  private recorded?: { status: JobStatus; winnerCallId?: string };
  private memo?: { root: unknown; children: unknown[]; summary: JobSummaryDetail };
  /**
   * A hand-off hangs up every other line at once: a few at a time keeps that burst (HTTP, rate budget, results)
   * from holding up the other hunts on this thread, while the losers still go within a fraction of a second.
   */
  private readonly hangupSlots = new Slots(8);

  constructor(
    private readonly deps: JobHostDeps,
    readonly jobId: string,
  ) {
    this.now = deps.now ?? Date.now;
    // A recreation before this host started is covered by the takeover's reconcile.
    this.resyncedAt = this.now();
    this.winnerLock = new WinnerLock(deps.redis, deps.log);
    this.fence = new OwnerFence(deps.redis, jobKeys(jobId).owner);
  }

  private actorOptions() {
    return this.deps.inspect ? { inspect: this.deps.inspect } : {};
  }

  /**
   * Runs the hunt until it finishes (resolves), `stop()` is called (resolves; another owner may resume), or another
   * owner has taken it over (resolves at this host's next commit, which is refused: `superseded`).
   */
  async run(): Promise<void> {
    // Claimed before anything is read: whatever a former owner commits after this is refused, so what we restore is
    // the last state anyone will have written before us.
    await this.fence.claim();
    try {
      await this.hunt();
    } catch (error) {
      if (!(error instanceof OwnershipLost)) throw error;
      this.superseded = true;
      this.stopping = true;
      this.deps.log.warn({ jobId: this.jobId }, 'another owner has taken the hunt over: stopping, its commit refused');
    } finally {
      this.actor?.stop();
    }
  }

  private async hunt(): Promise<void> {
    const record = await readJob(this.deps.redis, this.jobId);
    if (!record) throw new Error(`job ${this.jobId} has no record`);
    this.spec = record.spec;
    if (FINAL_JOB.has(record.status)) {
      // The previous owner may have died half-way through finishing: the rest of it is idempotent. Only stream
      // entries after the last one it applied can hold placements the machine never adopted.
      const stored = await readStoredJob(this.deps.redis, this.jobId);
      if (stored) this.streamId = stored.streamId;
      await this.releaseAfterFinish();
      return;
    }
    const restored = await this.restore();
    if (!restored) {
      this.actor = createJobActor({ spec: this.spec }, undefined, this.actorOptions());
      await this.apply({ type: 'job.start', at: this.now() });
      metrics.jobsStarted.inc();
    } else {
      // Whatever the previous owner persisted but may not have run yet runs now (idempotent or guarded).
      await this.runIntents();
      await this.resumeHangups();
      await this.reconcile();
    }
    while (!this.finished && !this.stopping) {
      await this.consume();
      if (!this.finished && !this.stopping) this.sweep();
    }
  }

  stop(): void {
    this.stopping = true;
  }

  /** True when run() returned before the hunt finished: stop() was called, or another owner took it over. */
  get stopped(): boolean {
    return this.superseded || (this.stopping && !this.finished);
  }

  /** True when run() returned because another owner had claimed the hunt since this one did. */
  get wasSuperseded(): boolean {
    return this.superseded;
  }

  /** The job as it stands; steps read it often, so it is recomputed only when an actor's snapshot changed. */
  summary(): JobSummaryDetail {
    const root = this.actor.getSnapshot();
    const children = Object.values(root.children).map((child) => child?.getSnapshot());
    const memo = this.memo;
    if (memo?.root === root && memo.children.length === children.length && children.every((c, i) => c === memo.children[i])) return memo.summary;
    const summary = summarize(root);
    this.memo = { root, children, summary };
    return summary;
  }

  private async restore(): Promise<boolean> {
    const stored = await readStoredJob(this.deps.redis, this.jobId);
    if (!stored) return false;
    if (!isCompatible(stored)) {
      throw new Error(`job ${this.jobId} snapshot has machine version ${String((stored as { version?: unknown }).version)}, this build reads ${MACHINE_VERSION}`);
    }
    this.actor = createJobActor({ spec: this.spec }, stored.snapshot, this.actorOptions());
    this.streamId = stored.streamId;
    this.executedIntentId = stored.executedIntentId;
    this.deps.log.info({ jobId: this.jobId, streamId: this.streamId }, 'hunt restored from snapshot');
    return true;
  }

  /** After a takeover: ask the phone system about every call the snapshot thinks is live. */
  private async reconcile(): Promise<void> {
    for (const call of this.summary().calls) {
      if (call.status === 'cleaning' || !LIVE.has(call.status) || !call.telephonySessionId) continue;
      const session = await this.lookUp(call.telephonySessionId, call.callId, 'reconcile');
      if (!session) continue;
      if (!session.exists) {
        await this.apply({ type: 'call.party', callId: call.callId, telephonySessionId: call.telephonySessionId, side: 'ours', code: 'Disconnected', reason: 'Reconciled', sequence: RECONCILED_SEQUENCE, at: this.now() });
      }
    }
  }

  private lastSweep = 0;
  private readonly lastChecked = new Map<string, number>();
  /** Lines whose last look-up (sweep or reconcile) could not be made: the next sweep checks them whatever is due. */
  private readonly lookupsDeferred = new Set<string>();
  /** When the webhook subscription was last recreated, as far as this host has caught up with it. */
  private resyncedAt: number;
  /** The sweep running in the background, if any. */
  private sweeping?: Promise<void>;

  /**
   * Starts a sweep in the background unless one is running. A sweep asks about its due lines one after another;
   * on a busy credential (bench:load: one user, 20 × 70 lines), while look-ups still waited for the rate budget,
   * that took minutes and the owner applied nothing meanwhile — a hunt froze with an agent on the line. Look-ups
   * no longer wait for the budget (`lookUp`), but each is still a request with no deadline of ours: the owner goes
   * on applying its stream, and what a look-up finds comes back through the stream, as a background result does.
   */
  private sweep(): void {
    const settings = this.deps.sweep ?? DEFAULT_SWEEP;
    const now = this.now();
    if (this.sweeping || now - this.lastSweep < settings.everyMs) return;
    this.lastSweep = now;
    this.sweeping = this.sweepLines(settings, now)
      .catch((error: unknown) => this.deps.log.warn({ err: error, jobId: this.jobId }, 'sweep failed'))
      .finally(() => (this.sweeping = undefined));
  }

  /**
   * Compares lines that may have missed a notification with the session's real state, and reports what changed
   * as an observation newer than anything seen (a fractional sequence: the next real event still wins).
   */
  private async sweepLines(settings: NonNullable<JobHostDeps['sweep']>, now: number): Promise<void> {
    const resync = await this.subscriptionRecreated(now);
    for (const call of this.summary().calls) {
      if (this.finished || this.stopping) return;
      if (!SWEPT.has(call.status) || !call.telephonySessionId || !call.partyId) continue;
      const checked = this.lastChecked.get(`${call.callId}:${call.attempt}`) ?? call.since[call.status] ?? now;
      const due = call.status === 'dialing' ? settings.dialingStaleMs : settings.recheckLiveMs;
      if (!resync && !this.lookupsDeferred.has(call.callId) && now - checked < due) continue;
      this.lastChecked.set(`${call.callId}:${call.attempt}`, now);
      const session = await this.lookUp(call.telephonySessionId, call.callId, 'sweep');
      if (!session || this.finished || this.stopping) continue;
      const observation = this.observed(call.callId, session);
      if (observation) await appendToJobStream(this.deps.redis, this.jobId, { kind: 'result', event: observation });
    }
  }

  /** What a session look-up says about a line the snapshot may have got wrong, if anything (see sweepLines). */
  private observed(callId: string, session: SessionState): HuntEvent | undefined {
    // The line as it stands now: the look-up may have waited, and the line moved on meanwhile.
    const call = this.call(callId);
    const sessionId = session.telephonySessionId;
    if (!call || call.telephonySessionId !== sessionId || !SWEPT.has(call.status)) return undefined;
    const last = callContext(this.actor.getSnapshot(), callId)?.lastSequence[sessionId] ?? 0;
    const event = (side: 'ours' | 'far', code: string, reason?: string): HuntEvent => ({
      type: 'call.party',
      callId,
      telephonySessionId: sessionId,
      side,
      code,
      ...(reason ? { reason } : {}),
      sequence: session.exists ? last + 0.5 : RECONCILED_SEQUENCE,
      at: this.now(),
    });
    if (!session.exists) {
      this.deps.log.info({ jobId: this.jobId, callId }, 'sweep: session is gone (a notification was lost)');
      return event('ours', 'Disconnected', 'Reconciled');
    }
    const ours = session.parties.find((p) => p.id === call.partyId);
    const far = session.parties.find((p) => p.id !== call.partyId && p.extensionId === undefined);
    if (call.status === 'dialing' && (ours?.code === 'Answered' || far?.code === 'Answered')) {
      this.deps.log.info({ jobId: this.jobId, callId }, 'sweep: call was answered (a notification was lost)');
      return event(far?.code === 'Answered' ? 'far' : 'ours', 'Answered');
    }
    if (far?.code === 'Disconnected' || ours?.code === 'Disconnected') return event(far?.code === 'Disconnected' ? 'far' : 'ours', 'Disconnected', (far ?? ours)?.reason);
    return undefined;
  }

  /**
   * True once after the webhook subscription was recreated (blacklisted or gone): whatever happened to the lines
   * meanwhile was never notified, so every line is checked now rather than at its next due time.
   */
  private async subscriptionRecreated(now: number): Promise<boolean> {
    const recreatedAt = Number((await this.deps.redis.hget(globalKeys.subscription, 'recreatedAt')) ?? 0);
    if (recreatedAt <= this.resyncedAt || recreatedAt > now) return false;
    this.resyncedAt = recreatedAt;
    this.deps.log.info({ jobId: this.jobId }, 'webhook subscription was recreated: checking every line with the phone system');
    return true;
  }

  /**
   * The session's state now, or undefined (logged) when the phone system cannot say; the caller skips the line and
   * the next sweep asks again. It never waits for the rate budget: a 429's Retry-After (60 s) waited out here
   * held the hunt for a minute — no confirm, no webhook applied (chaos run, docs/resilience.md).
   */
  private async lookUp(telephonySessionId: string, callId: string, purpose: string): Promise<SessionState | undefined> {
    try {
      const session = await this.deps.telephony.getSession(telephonySessionId, { wait: false });
      this.lookupsDeferred.delete(callId);
      return session;
    } catch (error) {
      this.lookupsDeferred.add(callId);
      const rateLimited = error instanceof TelephonyError && error.rateLimited;
      if (rateLimited) this.deps.log.info({ jobId: this.jobId, callId, retryAfterMs: error.retryAfterMs }, `${purpose}: rate budget busy, session lookup deferred to the next sweep`);
      else this.deps.log.warn({ err: error, jobId: this.jobId, callId }, `${purpose}: session lookup failed`);
      return undefined;
    }
  }

  /**
   * Reads the next entries of the job's stream (blocking up to 1 s) and applies them in order as one step: every
   * transition, then one write of the snapshot (with the stream position and the history), then the intents.
   */
  private async consume(): Promise<void> {
    const reply = await this.deps.blocking.xread('COUNT', 100, 'BLOCK', 1000, 'STREAMS', jobKeys(this.jobId).events, this.streamId);
    if (!reply) return;
    let applied = 0;
    for (const entry of parseJobStreamEntries(reply[0]?.[1] ?? [])) {
      const events = this.toEvents(entry.message);
      for (const event of events) {
        await this.transition(event);
        // A transition of a 70-line job costs ~0.4 ms: let the other hunts on this thread in between, so a long
        // batch (a hand-off hangs up 69 lines) never holds up someone else's hand-off.
        if (++applied % YIELD_EVERY_EVENTS === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      this.streamId = entry.id;
      // A decision goes out at once; the rest of the batch is read again after the hand-off has been sent.
      if (events.some((e) => e.type === 'call.confirm' || e.type === 'operator.transfer-now')) break;
    }
    await this.commit();
    await this.runIntents();
  }

  /** Turns a stream message into machine events; telephony events need the call they belong to. */
  private toEvents(message: JobStreamMessage): HuntEvent[] {
    switch (message.kind) {
      case 'result':
        return [message.event];
      case 'timer':
        return [{ type: 'timer.fired', timer: message.timer, ...(message.callId ? { callId: message.callId } : {}), at: message.at }];
      case 'command': {
        const { command, by, at } = message;
        if (command.type === 'cancel') return [{ type: 'operator.cancel', by, at }];
        if (command.type === 'confirm') return [{ type: 'call.confirm', callId: command.callId, by, at }];
        if (command.type === 'hangup') return [{ type: 'operator.hangup', callId: command.callId, by, at }];
        return [{ type: 'operator.transfer-now', callId: command.callId, by, at }];
      }
      case 'telephony': {
        const { event } = message;
        const call = this.summary().calls.find((c) => c.telephonySessionId === event.telephonySessionId);
        if (!call) return [];
        const side = event.party.id === call.partyId ? 'ours' : event.party.extensionId ? 'firm' : 'far';
        return [
          {
            type: 'call.party',
            callId: call.callId,
            telephonySessionId: event.telephonySessionId,
            side,
            code: event.party.code,
            ...(event.party.reason ? { reason: event.party.reason } : {}),
            sequence: event.sequence,
            at: Date.parse(event.eventTime) || this.now(),
          },
        ];
      }
    }
  }

  /** One step: transition, persist with its history, then run the intents it produced. */
  private async apply(event: HuntEvent): Promise<void> {
    await this.transition(event);
    await this.commit();
    await this.runIntents();
  }

  /** Sends one event to the supervisor and notes the history it makes; nothing is written until `commit`. */
  private async transition(event: HuntEvent): Promise<void> {
    const before = this.summary();
    if (event.type === 'call.confirm' || event.type === 'operator.transfer-now') this.deps.onDecision?.(this.jobId, event.callId);
    if (event.type === 'call.placed' && this.unwanted(before, event)) {
      // The line was hung up (or the job ended) while its dial was in flight: that call must not stay connected.
      // Acted on before the step commits (a crash re-applies the step, and the hang-up is idempotent), so not by an
      // owner already superseded: a stale one may think a line ended that its successor has redialled.
      await this.fence.check();
      this.deps.log.info({ jobId: this.jobId, callId: event.callId }, 'dropping a call placed after its line ended');
      await this.deps.telephony.hangup(event.telephonySessionId).catch((error: unknown) => this.deps.log.warn({ err: error }, 'late hang-up failed'));
      await this.deps.pool.release(event.extensionId, { jobId: this.jobId, callId: event.callId, attempt: event.attempt });
      return;
    }
    this.actor.send(event);
    this.uncommitted.push(...historyEntries(event, before, this.summary()));
  }

  /** A placement nobody will ever hang up unless we do: the hunt is over, or the line moved to another attempt. */
  private unwanted(summary: JobSummary, event: Extract<HuntEvent, { type: 'call.placed' }>): boolean {
    if (FINAL_JOB.has(summary.status)) return true;
    const call = summary.calls.find((c) => c.callId === event.callId);
    // Same attempt: the line's machine adopts it, and hangs it up itself if it is being cleaned.
    return !call || call.attempt !== event.attempt;
  }

  /**
   * Persists the steps since the last commit: the snapshot (only the call actors that changed), the stream
   * position, the intent cursor, the steps' history and the job record's status when it changed, in one fenced
   * script (a crash loses all or none; a superseded owner writes none).
   */
  private async commit(): Promise<void> {
    const summary = this.summary();
    const history = this.uncommitted;
    const parts = this.persister.take(this.actor, this.restoreNeeds(summary));
    // The job record's status rides in the same transaction: one round trip less on the way to a hand-off.
    const record = { status: summary.status, ...(summary.winnerCallId ? { winnerCallId: summary.winnerCallId } : {}) };
    const recordChanged = this.recorded?.status !== record.status || this.recorded.winnerCallId !== record.winnerCallId;
    // Refused whole (OwnershipLost) once another owner has claimed the hunt: nothing of this step is written, and
    // the caller never reaches the step's intents.
    await this.fence.commit((batch) => {
      writeStoredJob(batch, this.jobId, parts, { streamId: this.streamId, executedIntentId: this.executedIntentId });
      appendHistory(batch, this.jobId, history, summary);
      if (recordChanged) updateJobIn(batch, this.jobId, record);
    });
    this.persister.commit();
    this.uncommitted = [];
    if (recordChanged) this.recorded = record;
  }

  /**
   * Writes the job whole — every call's part, not only those that changed — so the finished record is exactly what
   * this owner settled. An owner paused past its lock (SIGSTOP, a long GC) and resumed before it noticed writes the
   * parts its stale actors changed; a part this owner had already written for the last time (a loser `cleaned`)
   * then kept the older copy, and the finished job read `cleaning` (chaos run, docs/resilience.md).
   */
  private async commitWhole(): Promise<void> {
    this.persister = new IncrementalPersister();
    await this.commit();
  }

  /**
   * The outbox keeps up to 500 intents (most of a 70-line job's snapshot); a restore needs only those not run yet
   * and the hang-ups a line still waits to hear back from (`resumeHangups`) — whatever the line's status: one
   * redialled since still counts them, and waits for each once it is cleaned again. The live actor keeps them all.
   */
  private restoreNeeds(summary: JobSummaryDetail): (intent: Intent) => boolean {
    const snapshot = this.actor.getSnapshot();
    const waiting = new Set(summary.calls.filter((c) => c.status === 'cleaning' || (callContext(snapshot, c.callId)?.hangupsUnanswered ?? 0) > 0).map((c) => c.callId));
    return (intent) => intent.id > this.executedIntentId || (intent.kind === 'hangup' && waiting.has(intent.callId));
  }

  /**
   * Runs the intents the snapshot holds beyond the cursor. The cursor is persisted with the next commit: a crash
   * before it re-runs them, which every intent tolerates (idempotent or guarded).
   */
  private async runIntents(): Promise<void> {
    let ran = false;
    for (;;) {
      const next = pendingIntents(this.actor.getSnapshot(), this.executedIntentId)[0];
      if (!next) break;
      this.executedIntentId = next.id;
      await this.execute(next);
      ran = true;
    }
    if (ran) await this.commit();
  }

  private call(callId: string): JobSummary['calls'][number] | undefined {
    return this.summary().calls.find((c) => c.callId === callId);
  }

  private async execute(intent: Intent): Promise<void> {
    const { redis, log } = this.deps;
    switch (intent.kind) {
      case 'dial':
        await this.deps.scheduler.dial(
          { jobId: this.jobId, callId: intent.callId, attempt: intent.attempt },
          Math.max(0, intent.notBefore - this.now()),
          bullId(this.jobId, intent.callId, intent.attempt),
        );
        return;
      case 'schedule':
        await this.deps.scheduler.timer(
          { jobId: this.jobId, timer: intent.timer, ...(intent.callId ? { callId: intent.callId } : {}), at: intent.at },
          Math.max(0, intent.at - this.now()),
          bullId(this.jobId, intent.timer, intent.callId ?? 'job', intent.id),
        );
        return;
      case 'cancel-timer':
        // A timer that fires after it stopped mattering is ignored by the machine; nothing to undo here.
        return;
      case 'claim-winner': {
        const result = await this.winnerLock.around(this.jobId, () => claimWinner(redis, this.jobId, intent.callId, intent.id));
        await this.apply(
          result.won
            ? { type: 'winner.claimed', callId: intent.callId, token: result.token, at: this.now() }
            : { type: 'winner.lost', callId: intent.callId, winnerCallId: result.winnerCallId, at: this.now() },
        );
        return;
      }
      case 'transfer':
      case 'bridge':
        await this.winnerLock.around(this.jobId, () => this.handOff(intent));
        return;
      case 'ring-standby':
        await this.ringStandby(intent.callId);
        return;
      case 'hangup':
        await this.cancelQueuedDial(intent.callId);
        this.hangUpInBackground(intent);
        return;
      case 'release-extension':
        await this.deps.pool.release(intent.extensionId, { jobId: this.jobId, callId: intent.callId, ...(intent.attempt === undefined ? {} : { attempt: intent.attempt }) });
        return;
      case 'finish': {
        this.finished = true;
        await this.commitWhole();
        const winner = await readWinner(redis, this.jobId);
        const outcome = intent.status === 'completed' ? 'transferred' : intent.status;
        const ended = { status: intent.status, endedAt: this.now(), outcome, ...(winner?.state === 'transferred' ? { winnerCallId: winner.callId } : {}) };
        await this.fence.commit((batch) => updateJobIn(batch, this.jobId, ended));
        await this.releaseAfterFinish();
        log.info({ jobId: this.jobId, status: intent.status }, 'hunt finished');
        metrics.jobsFinished.inc({ status: intent.status });
        return;
      }
    }
  }

  private async releaseAfterFinish(): Promise<void> {
    await this.settleStrayDials();
    const leaked = await this.deps.pool.releaseJob(this.jobId);
    if (leaked.length > 0) this.deps.log.warn({ jobId: this.jobId, extensions: leaked }, 'released extensions still held at finish');
  }

  /**
   * Dials still being placed when the hunt ends may yet connect a call nobody else would hang up: wait for them
   * (bounded), and hang up whatever they placed.
   */
  private async settleStrayDials(): Promise<void> {
    const { redis, telephony, log } = this.deps;
    const until = this.now() + STRAY_DIAL_WAIT_MS;
    for (;;) {
      const entries = parseJobStreamEntries(((await redis.xrange(jobKeys(this.jobId).events, `(${this.streamId}`, '+'))));
      for (const entry of entries) {
        this.streamId = entry.id;
        const { message } = entry;
        if (message.kind !== 'result' || message.event.type !== 'call.placed') continue;
        const placed = message.event;
        await telephony.hangup(placed.telephonySessionId).catch((error: unknown) => log.warn({ err: error }, 'stray call hang-up failed'));
        await this.deps.pool.release(placed.extensionId, { jobId: this.jobId, callId: placed.callId, attempt: placed.attempt });
      }
      if ((await redis.scard(jobKeys(this.jobId).dialsInFlight)) === 0 || this.now() > until) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * The one place a transfer (or bridge) request is sent: only after the winner record moved
   * claimed → transferring for this token. A re-run after a crash finds it already moved and reconciles from
   * the session instead of sending again.
   */
  private async handOff(intent: Extract<Intent, { kind: 'transfer' | 'bridge' }>): Promise<void> {
    const { redis, telephony, log } = this.deps;
    const call = this.call(intent.callId);
    const ref = call?.telephonySessionId && call.partyId ? { telephonySessionId: call.telephonySessionId, partyId: call.partyId } : undefined;
    const authorised = ref ? await advanceWinner(redis, this.jobId, intent.token, 'claimed', 'transferring') : false;
    if (!ref) {
      await this.apply({ type: 'transfer.failed', callId: intent.callId, reason: 'call has no session', at: this.now() });
      return;
    }
    if (!authorised) {
      const winner = await readWinner(redis, this.jobId);
      if (winner?.token === intent.token && winner.state === 'transferred') {
        await this.apply({ type: 'transfer.succeeded', callId: intent.callId, at: this.now() });
      } else if (winner?.token === intent.token && winner.state === 'transferring') {
        await this.reconcileTransfer(intent, ref);
      } else {
        log.warn({ jobId: this.jobId, callId: intent.callId, token: intent.token, winner }, 'hand-off not authorised: stale token');
      }
      return;
    }
    try {
      this.deps.onTransferSent?.(this.jobId, intent.callId);
      const standby = intent.kind === 'bridge' ? await this.answeredStandby(intent.callId) : undefined;
      // The standby bridge when the firm's leg is answered; otherwise (not rung, not answered in time) a blind
      // transfer, so a confirmed agent is never lost to a busy firm.
      if (standby) await telephony.bridge(ref, standby);
      else await telephony.transfer(ref, this.spec.target);
      await advanceWinner(redis, this.jobId, intent.token, 'transferring', 'transferred');
      this.observeHandoff(intent.callId, 'succeeded');
      await this.apply({ type: 'transfer.succeeded', callId: intent.callId, at: this.now() });
    } catch (error) {
      log.warn({ err: error, jobId: this.jobId, callId: intent.callId }, 'hand-off failed');
      metrics.transfers.inc({ outcome: 'failed' });
      await advanceWinner(redis, this.jobId, intent.token, 'transferring', 'failed');
      await this.apply({ type: 'transfer.failed', callId: intent.callId, reason: (error as Error).message, at: this.now() });
    }
  }

  /** Metrics of a hand-off that took: the outcome, and how long the hunt took to reach the agent. */
  private observeHandoff(callId: string, outcome: 'succeeded'): void {
    metrics.transfers.inc({ outcome });
    const summary = this.summary();
    const confirmedAt = summary.calls.find((c) => c.callId === callId)?.since.confirmed;
    if (summary.startedAt !== undefined && confirmedAt !== undefined) metrics.timeToAgent.observe(Math.max(0, confirmedAt - summary.startedAt) / 1000);
  }

  /** A hand-off was authorised before a crash: the session tells whether it took. Never send it again blindly. */
  private async reconcileTransfer(intent: Extract<Intent, { kind: 'transfer' | 'bridge' }>, ref: CallRef): Promise<void> {
    const { redis } = this.deps;
    let took: boolean;
    try {
      const session = await this.deps.telephony.getSession(ref.telephonySessionId);
      const ours = session.parties.find((p) => p.id === ref.partyId);
      // A session that is gone cannot be handed off again either way; counting it as taken is what keeps a
      // second transfer (a second IRS agent at the firm) impossible.
      took =
        !session.exists ||
        ours?.code === 'Gone' ||
        (ours?.code === 'Disconnected' && ours.reason === 'BlindTransfer') ||
        session.parties.some((p) => p.id !== ref.partyId && p.extensionId !== undefined && p.code !== 'Disconnected');
    } catch (error) {
      // Unknown: leave the record in `transferring` and try again at the next takeover rather than guess.
      this.deps.log.warn({ err: error, jobId: this.jobId }, 'reconcile transfer: session lookup failed');
      throw error;
    }
    if (took) {
      await advanceWinner(redis, this.jobId, intent.token, 'transferring', 'transferred');
      await this.apply({ type: 'transfer.succeeded', callId: intent.callId, at: this.now() });
    } else {
      await advanceWinner(redis, this.jobId, intent.token, 'transferring', 'failed');
      await this.apply({ type: 'transfer.failed', callId: intent.callId, reason: 'not transferred (reconciled after restart)', at: this.now() });
    }
  }

  private standbyKey(callId: string): string {
    return `${jobKeys(this.jobId).record}:standby:${callId}`;
  }

  /** Standby bridge: ring the firm's target from the line's own device, so it is answered before the agent is confirmed. */
  private async ringStandby(callId: string): Promise<void> {
    const { redis, telephony, log } = this.deps;
    if (await redis.exists(this.standbyKey(callId))) return;
    const call = this.call(callId);
    const device = call?.extensionId ? await this.deviceOf(call.extensionId) : undefined;
    const target = this.spec.target;
    if (!device) return;
    try {
      const ref = await telephony.placeCall({ deviceId: device, to: target.kind === 'number' ? target.phoneNumber : target.extensionNumber, priority: 'transfer' });
      await redis.set(this.standbyKey(callId), JSON.stringify(ref), 'EX', 6 * 3600);
    } catch (error) {
      log.warn({ err: error, jobId: this.jobId, callId }, 'standby leg failed; the hand-off will fall back');
    }
  }

  /** The standby leg once the firm has answered it (waits up to STANDBY_ANSWER_WAIT_MS), else undefined. */
  private async answeredStandby(callId: string): Promise<CallRef | undefined> {
    const raw = await this.deps.redis.get(this.standbyKey(callId));
    if (!raw) return undefined;
    const standby = JSON.parse(raw) as CallRef;
    const until = this.now() + STANDBY_ANSWER_WAIT_MS;
    while (this.now() < until) {
      const session = await this.deps.telephony.getSession(standby.telephonySessionId);
      if (!session.exists) return undefined;
      if (session.parties.find((p) => p.id === standby.partyId)?.code === 'Answered') return standby;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await this.deps.telephony.hangup(standby.telephonySessionId).catch(() => undefined);
    return undefined;
  }

  private async deviceOf(extensionId: string): Promise<string | undefined> {
    const raw = await this.deps.redis.hget('hh:extensions', extensionId);
    return raw ? (JSON.parse(raw) as { deviceId?: string }).deviceId : undefined;
  }

  /**
   * Hang-ups must not hold up the stream (a 429 may make one wait); the result comes back through it, exactly
   * once per hangup intent: the result and the intent's "answered" mark are written in one transaction.
   */
  private hangUpInBackground(intent: Extract<Intent, { kind: 'hangup' }>, attempt = 1): void {
    const { redis, telephony, log } = this.deps;
    const { id: intentId, callId } = intent;
    // The intent names its session; one from an older snapshot does not, and then the line's current one is meant.
    const sessionId = intent.telephonySessionId === undefined ? this.call(callId)?.telephonySessionId : intent.telephonySessionId;
    const work = async (): Promise<void> => {
      if (sessionId) await this.hangupSlots.run(() => telephony.hangup(sessionId));
      const standby = this.spec.handoff === 'standby-bridge' ? await redis.get(this.standbyKey(callId)) : null;
      if (standby) await telephony.hangup((JSON.parse(standby) as CallRef).telephonySessionId).catch(() => undefined);
      const answered = jobKeys(this.jobId).hangupsAnswered;
      const event: HuntEvent = { type: 'call.hung-up', callId, at: this.now() };
      await luaScript('answer-once-2.lua').run(redis, [answered, jobKeys(this.jobId).events], [intentId, JSON.stringify({ kind: 'result', event })]);
    };
    work().catch(async (error: unknown) => {
      if (this.stopping) return;
      const wait = error instanceof TelephonyError && error.retryAfterMs ? error.retryAfterMs : Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
      log.warn({ err: error, jobId: this.jobId, callId, wait, attempt }, 'hang-up failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, wait));
      this.hangUpInBackground(intent, attempt + 1);
    });
  }

  /**
   * A line cancelled before its call was placed (hand-off, cancel, deadline) has its staggered dial still waiting
   * in the queue: take it off, so it is not even started. Best effort — a dial that runs anyway finds its line
   * cleaned and places nothing (dial-runner.ts `lineAwaitsDial`).
   */
  private async cancelQueuedDial(callId: string): Promise<void> {
    const call = this.call(callId);
    if (!call || call.telephonySessionId || !this.deps.scheduler.cancelDial) return;
    await this.deps.scheduler.cancelDial(bullId(this.jobId, callId, call.attempt)).catch((error: unknown) => this.deps.log.warn({ err: error, jobId: this.jobId, callId }, 'queued dial not removed'));
  }

  /**
   * Hang-ups the previous owner started but whose result never reached the stream: run them again, every one —
   * the line counts its unanswered hang-ups and stays `cleaning` until each is answered, even after it was
   * redialled in between (a 20 × 70 run left a job unfinished that way). Each names its own session, so a re-run
   * never ends a later attempt's call; an intent from an older snapshot names none and is re-run only while its
   * line is still cleaning, as before.
   */
  private async resumeHangups(): Promise<void> {
    const answered = new Set(await this.deps.redis.smembers(jobKeys(this.jobId).hangupsAnswered));
    const summary = this.summary();
    for (const intent of keptIntents(this.actor.getSnapshot())) {
      if (intent.kind !== 'hangup' || intent.id > this.executedIntentId || answered.has(String(intent.id))) continue;
      if (intent.telephonySessionId === undefined && summary.calls.find((c) => c.callId === intent.callId)?.status !== 'cleaning') continue;
      this.hangUpInBackground(intent);
    }
  }
}
