/**
 * A simulated host for property tests: it plays the engine (executes intents, feeds back their results, fires
 * timers, crashes and restores) and a telephony world (sessions, party events with sequences, duplicated,
 * reordered and dropped webhooks), all decided by a list of numbers fast-check generates and shrinks.
 *
 * The host rules it follows are the ones the real host must follow (see the report / docs):
 * - persist the snapshot after each event, execute intents after; a crash re-executes intents above the last
 *   durably recorded id, and an event not yet persisted is delivered again;
 * - `dial` only if the line is still `queued` at that attempt; `hangup` ends the line's current session and is
 *   answered by exactly one `call.hung-up` (at once, or late with `looseHangup`);
 * - a `call.placed` for an attempt the line has left, or after `finish`, is hung up and released by the host;
 *   `release-extension` only if the extension is still reserved for that call and the line no longer holds it;
 * - a timer fires at least once (its BullMQ job retries, so its event may come twice);
 * - `schedule`, `hangup` and `finish` deduplicated by intent id; `claim-winner` / `transfer` through the one-shot winner
 *   record (claims superseded by higher intent ids while unused, transfers authorised by the token CAS).
 */
import type { CallStatus, HandoffMode } from '../../src/engine/hunt-types.ts';
import { callContext, createJobActor, isCompatible, pendingIntents, persist, summarize } from '../../machines/index.ts';
import type { CallContext, HuntEvent, Intent, JobActor, JobInput, TimerName } from '../../machines/index.ts';
import { T0, makeInput } from './job-fixtures.ts';

/** Decisions from fast-check's numbers; once they run out every decision is 0 (the quiet default). */
export class Choices {
  private i = 0;
  constructor(private readonly values: readonly number[]) {}

  pick(n: number): number {
    if (n <= 1) return 0;
    const value = this.values[this.i];
    this.i += 1;
    return value === undefined ? 0 : value % n;
  }

  /** True with about `percent` % probability; always false once the numbers ran out. */
  chance(percent: number): boolean {
    return this.pick(100) >= 100 - percent;
  }

  get exhausted(): boolean {
    return this.i >= this.values.length;
  }

  exhaust(): void {
    this.i = this.values.length;
  }
}

interface Session {
  sid: string;
  callId: string;
  attempt: number;
  extensionId: string;
  seq: number;
  stage: 'ringing' | 'answered' | 'ended' | 'transferred';
  /** Its call.placed was delivered and persisted: webhooks may flow (the host contract). */
  announced: boolean;
}

interface WinnerRecord {
  callId: string;
  token: number;
  state: 'claimed' | 'transferring' | 'transferred' | 'released';
  intentId: number;
}

const SETTLED: CallStatus[] = ['cleaned', 'failed', 'transferred'];

export interface SimOptions {
  lines: number;
  handoff: HandoffMode;
  choices: readonly number[];
  maxSteps?: number;
  /** Allow non-retryable failures (which can fail the whole job). */
  permanentFailures?: boolean;
  /** Append `call.hung-up` late, in any order with other events (the answer races the line's next attempt). */
  looseHangup?: boolean;
}

export class SimHost {
  readonly input: JobInput;
  readonly choices: Choices;
  actor: JobActor;
  clock = T0;

  // ——— the outside world: survives crashes ———
  private ordered: HuntEvent[] = [];
  private webhooks: HuntEvent[] = [];
  private timers = new Map<number, { timer: TimerName; callId?: string; at: number }>();
  /** Timer events delivered more than once (at-least-once timer jobs). */
  repeatedTimers = 0;
  private sessions = new Map<string, Session>();
  private reserved = new Map<string, string>();
  private freeExtensions: string[];
  private winner: WinnerRecord | undefined;
  private fence = 0;
  private dialResults = new Map<number, HuntEvent>();
  private scheduled = new Set<number>();
  private grantedTokens = new Map<number, string>();
  /** Intents whose result was appended (the host's per-intent-id memo, atomic with the append). */
  private answered = new Set<number>();
  private durableMark = 0;
  private liveMark = 0;

  // ——— what the checks read ———
  readonly violations: string[] = [];
  readonly transferCalls: { callId: string; token: number; ok: boolean }[] = [];
  readonly finishes = new Map<number, string>();
  readonly standbyRings = new Set<string>();
  readonly intentsSeen = new Map<number, Intent>();
  crashes = 0;
  delivered = 0;
  /** Placements the host had to hang up itself after finish. */
  lateCleanups = 0;
  /** Verdicts of the party events delivered (coverage of the duplicate / old-session paths). */
  readonly verdicts: Record<string, number> = {};
  stopped = false;
  private seqSeen = new Map<string, number>();

  constructor(private readonly options: SimOptions) {
    this.input = makeInput(options.lines, options.handoff, T0 + 3 * 3_600_000);
    this.choices = new Choices(options.choices);
    this.freeExtensions = Array.from({ length: options.lines + 2 }, (_, i) => `ext-${i + 1}`);
    this.actor = createJobActor(this.input);
  }

  run(): void {
    this.commit({ type: 'job.start', at: this.clock });
    const maxSteps = this.options.maxSteps ?? 5_000;
    for (let step = 0; step < maxSteps && !this.stopped && !this.choices.exhausted; step += 1) this.randomStep();
    this.choices.exhaust();
    if (!this.stopped) this.ordered.push({ type: 'operator.cancel', by: 'sim-end', at: this.clock });
    for (let guard = 0; guard < 100_000 && !this.stopped; guard += 1) {
      const next = this.ordered.shift() ?? this.webhooks.shift();
      if (next === undefined) break;
      this.deliver(next);
    }
    if (!this.stopped) {
      this.violations.push(`did not finish: ${JSON.stringify(summarize(this.actor.getSnapshot()).calls.map((c) => c.status))}`);
      return;
    }
    // After finish the host still owns what its dials placed: a placement nobody will hear of is hung up and
    // its extension released by the host itself.
    for (const event of [...this.ordered, ...this.webhooks]) if (event.type === 'call.placed') this.hostCleanup(event);
  }

  private hostCleanup(event: Extract<HuntEvent, { type: 'call.placed' }>): void {
    const s = this.sessions.get(event.telephonySessionId);
    if (s !== undefined && (s.stage === 'ringing' || s.stage === 'answered')) s.stage = 'ended';
    if (this.reserved.get(event.extensionId) === event.callId) {
      this.reserved.delete(event.extensionId);
      this.freeExtensions.push(event.extensionId);
      this.lateCleanups += 1;
    }
  }

  // ——— one random step ———

  private randomStep(): void {
    const c = this.choices;
    const roll = c.pick(100);
    this.clock += c.pick(3_000);
    if (roll < 30) {
      const next = this.ordered.shift() ?? this.takeWebhook();
      if (next !== undefined) this.deliver(next);
    } else if (roll < 50) {
      const next = this.takeWebhook() ?? this.ordered.shift();
      if (next !== undefined) this.deliver(next);
    } else if (roll < 68) {
      this.advanceWorld();
    } else if (roll < 82) {
      this.poke();
    } else if (roll < 94) {
      this.fireTimer();
    } else {
      this.clock += c.pick(600_000);
    }
  }

  private takeWebhook(): HuntEvent | undefined {
    if (this.webhooks.length === 0) return undefined;
    // Reordering: any of the first few pending webhooks may arrive first.
    const index = this.choices.pick(Math.min(4, this.webhooks.length));
    return this.webhooks.splice(index, 1)[0];
  }

  private liveSessions(): Session[] {
    return [...this.sessions.values()].filter((s) => s.announced && (s.stage === 'ringing' || s.stage === 'answered'));
  }

  private advanceWorld(): void {
    const live = this.liveSessions();
    const s = live[this.choices.pick(live.length)];
    if (s === undefined) return;
    const r = this.choices.pick(10);
    if (s.stage === 'ringing') {
      if (r <= 5) {
        this.party(s, 'far', 'Answered');
        this.party(s, 'ours', 'Answered');
        s.stage = 'answered';
      } else if (r === 6) this.end(s, 'TargetBusy');
      else if (r === 7) this.end(s, 'NoAnswer');
      else if (r === 8 && this.options.permanentFailures === true) this.end(s, 'InvalidNumber');
      else this.party(s, 'ours', 'Proceeding');
    } else if (r <= 6) {
      this.party(s, 'ours', r % 2 === 0 ? 'Hold' : 'Answered');
    } else if (r <= 8) {
      this.end(s, undefined);
    } else {
      this.party(s, 'firm', 'Proceeding');
    }
  }

  private party(s: Session, side: 'ours' | 'far' | 'firm', code: string, reason?: string): void {
    s.seq += 1;
    const event: HuntEvent = { type: 'call.party', callId: s.callId, telephonySessionId: s.sid, side, code, sequence: s.seq, at: this.clock, ...(reason === undefined ? {} : { reason }) };
    if (this.choices.chance(6)) return; // a lost webhook
    this.webhooks.push(event);
    if (this.choices.chance(8)) this.webhooks.push({ ...event });
  }

  private end(s: Session, reason: string | undefined): void {
    this.party(s, 'far', 'Disconnected', reason);
    this.party(s, 'ours', 'Disconnected');
    s.stage = 'ended';
  }

  /** Detection and operator actions on a random line. */
  private poke(): void {
    const callId = `call-${this.choices.pick(this.options.lines) + 1}`;
    const at = this.clock;
    const r = this.choices.pick(40);
    let event: HuntEvent | undefined;
    if (r < 10) event = { type: 'call.suspect', callId, confidence: (this.choices.pick(100) + 1) / 100, at };
    else if (r < 15) event = { type: 'call.clear', callId, at };
    else if (r < 26) event = { type: 'call.confirm', callId, by: 'detector', at };
    else if (r < 31) event = { type: 'operator.hangup', callId, by: 'op', at };
    else if (r < 36) event = { type: 'operator.transfer-now', callId, by: 'op', at };
    else if (r === 39 && this.choices.chance(30)) event = { type: 'operator.cancel', by: 'op', at };
    if (event !== undefined) this.ordered.push(event);
  }

  /** Mostly the earliest timer (BullMQ order), sometimes any other; the deadline only rarely (it ends the run). */
  private fireTimer(): void {
    const entries = [...this.timers.entries()].filter(([, t]) => t.timer !== 'deadline' || this.choices.chance(2)).sort((a, b) => a[1].at - b[1].at);
    const chosen = this.choices.chance(30) ? entries[this.choices.pick(entries.length)] : entries[0];
    if (chosen === undefined) return;
    const [id, timer] = chosen;
    // Timer jobs retry (BullMQ attempts): one that appended its event and then failed is delivered again.
    if (this.choices.chance(10)) this.repeatedTimers += 1;
    else this.timers.delete(id);
    this.clock = Math.max(this.clock, timer.at);
    this.ordered.push({ type: 'timer.fired', timer: timer.timer, at: timer.at, ...(timer.callId === undefined ? {} : { callId: timer.callId }) });
  }

  // ——— host: deliver, persist, execute, crash ———

  private call(callId: string): CallContext {
    const context = callContext(this.actor.getSnapshot(), callId);
    if (context === undefined) throw new Error(`no call ${callId}`);
    return context;
  }

  private get finished(): boolean {
    const { value } = this.actor.getSnapshot();
    return value === 'completed' || value === 'cancelled' || value === 'failed';
  }

  private deliver(event: HuntEvent): void {
    if (this.choices.chance(2)) {
      // Crash after the step, before its snapshot was saved: the event is delivered again after restore.
      const before = JSON.stringify(persist(this.actor));
      this.actor.send(event);
      this.restore(before);
      this.ordered.unshift(event);
      return;
    }
    this.commit(event);
  }

  /** Deliver, check that the call recorded the event (and judged a party event right), then execute intents. */
  private commit(event: HuntEvent): void {
    const callId = 'callId' in event && typeof event.callId === 'string' ? event.callId : undefined;
    const routed = callId !== undefined && /^call-\d+$/.test(callId) && Number(callId.slice(5)) <= this.options.lines && !this.finished;
    const before = routed ? this.call(callId) : undefined;
    this.actor.send(event);
    this.delivered += 1;
    if (before !== undefined && callId !== undefined) {
      const after = this.call(callId);
      const entry = after.history.find((h) => h.n === before.received + 1);
      if (entry === undefined || entry.type !== event.type) {
        this.violations.push(`event lost: ${event.type} for ${callId} (history ${JSON.stringify(after.history.slice(-3))})`);
      } else if (event.type === 'call.party') {
        this.verdicts[entry.verdict] = (this.verdicts[entry.verdict] ?? 0) + 1;
        const last = this.seqSeen.get(event.telephonySessionId);
        const expected = event.telephonySessionId === before.telephonySessionId && (last === undefined || event.sequence > last);
        if ((entry.verdict === 'accepted') !== expected) this.violations.push(`party event judged ${entry.verdict}, expected accepted=${expected}: ${JSON.stringify(event)}`);
        if (expected) this.seqSeen.set(event.telephonySessionId, event.sequence);
      }
    }
    if (event.type === 'call.placed') {
      const s = this.sessions.get(event.telephonySessionId);
      if (s !== undefined) s.announced = true;
      // A placement for an attempt the line has left is the host's to hang up (the machine ignores it as stale).
      if (callId !== undefined && this.call(callId).attempt !== event.attempt) this.hostCleanup(event);
    }
    this.executeIntents();
  }

  private restore(json: string): void {
    const stored = JSON.parse(json) as unknown;
    if (!isCompatible(stored)) throw new Error('persisted snapshot is not compatible');
    this.actor.stop();
    this.actor = createJobActor(this.input, stored.snapshot);
    this.liveMark = this.durableMark;
    this.crashes += 1;
  }

  private executeIntents(): void {
    for (const intent of pendingIntents(this.actor.getSnapshot(), this.liveMark)) {
      if (this.stopped) return;
      this.execute(intent);
      this.liveMark = intent.id;
      if (this.choices.chance(50)) this.durableMark = this.liveMark;
      if (this.choices.chance(2)) {
        // Crash while executing: intents above the durable mark run again after restore.
        this.restore(JSON.stringify(persist(this.actor)));
        this.executeIntents();
        return;
      }
    }
    if (!this.choices.chance(20)) this.durableMark = this.liveMark;
  }

  private execute(intent: Intent): void {
    const known = this.intentsSeen.get(intent.id);
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(intent)) this.violations.push(`intent ${intent.id} changed: ${JSON.stringify(known)} → ${JSON.stringify(intent)}`);
    this.intentsSeen.set(intent.id, intent);
    switch (intent.kind) {
      case 'dial':
        return this.dial(intent);
      case 'claim-winner':
        return this.claim(intent);
      case 'transfer':
      case 'bridge':
        return this.transfer(intent);
      case 'ring-standby': {
        if (this.options.handoff !== 'standby-bridge') this.violations.push('ring-standby in transfer mode');
        this.standbyRings.add(`${intent.callId}#${this.call(intent.callId).attempt}`);
        return;
      }
      case 'hangup':
        return this.hangup(intent);
      case 'release-extension': {
        const owner = this.reserved.get(intent.extensionId);
        if (owner !== undefined && owner !== intent.callId) this.violations.push(`${intent.callId} released ${intent.extensionId} held by ${owner}`);
        const line = this.call(intent.callId);
        const holds = !SETTLED.includes(line.status) && line.extensionId === intent.extensionId;
        if (owner === intent.callId && !holds) {
          this.reserved.delete(intent.extensionId);
          this.freeExtensions.push(intent.extensionId);
        }
        return;
      }
      case 'schedule': {
        if (this.scheduled.has(intent.id)) return;
        this.scheduled.add(intent.id);
        this.timers.set(intent.id, { timer: intent.timer, at: intent.at, ...(intent.callId === undefined ? {} : { callId: intent.callId }) });
        return;
      }
      case 'cancel-timer':
        this.violations.push('cancel-timer is never emitted');
        return;
      case 'finish':
        this.finishes.set(intent.id, intent.status);
        this.stopped = true;
        return;
    }
  }

  private dial(intent: Extract<Intent, { kind: 'dial' }>): void {
    const previous = this.dialResults.get(intent.id);
    if (previous !== undefined) {
      // Re-executed after a crash: the host finds its record; it may announce the result again.
      if (this.choices.chance(50)) this.ordered.push({ ...previous });
      return;
    }
    const at = Math.max(this.clock, intent.notBefore);
    const line = this.call(intent.callId);
    if (line.status !== 'queued' || line.attempt !== intent.attempt) {
      // Stale or cancelled: not placed, and said so (a line cleaning at this attempt waits for it).
      const dropped: HuntEvent = { type: 'call.dial-failed', callId: intent.callId, attempt: intent.attempt, reason: 'cancelled', retryable: true, at };
      this.dialResults.set(intent.id, dropped);
      this.ordered.push(dropped);
      return;
    }
    const r = this.choices.pick(100);
    const extensionId = this.freeExtensions.shift();
    let result: HuntEvent;
    if (r >= 97 && this.options.permanentFailures === true) {
      result = { type: 'call.dial-failed', callId: intent.callId, attempt: intent.attempt, reason: 'bad number', retryable: false, at };
    } else if (r >= 88 || extensionId === undefined) {
      result = { type: 'call.dial-failed', callId: intent.callId, attempt: intent.attempt, reason: extensionId === undefined ? 'no free extension' : 'CMN-101', retryable: true, at };
    } else {
      const sid = `s-${intent.id}`;
      this.reserved.set(extensionId, intent.callId);
      this.sessions.set(sid, { sid, callId: intent.callId, attempt: intent.attempt, extensionId, seq: 0, stage: 'ringing', announced: false });
      result = { type: 'call.placed', callId: intent.callId, attempt: intent.attempt, extensionId, telephonySessionId: sid, partyId: `${sid}-1`, at };
    }
    if (extensionId !== undefined && result.type !== 'call.placed') this.freeExtensions.unshift(extensionId);
    this.dialResults.set(intent.id, result);
    this.ordered.push(result);
  }

  /** The claim Lua: memoised per intent id (a re-execution returns and appends nothing new). */
  private claim(intent: Extract<Intent, { kind: 'claim-winner' }>): void {
    if (this.answered.has(intent.id)) return;
    this.answered.add(intent.id);
    const record = this.winner;
    const at = this.clock;
    if (record === undefined || record.state === 'released' || (record.state === 'claimed' && record.intentId < intent.id)) {
      this.fence += 1;
      this.winner = { callId: intent.callId, token: this.fence, state: 'claimed', intentId: intent.id };
      this.grantedTokens.set(this.fence, intent.callId);
      this.ordered.push({ type: 'winner.claimed', callId: intent.callId, token: this.fence, at });
      return;
    }
    this.ordered.push({ type: 'winner.lost', callId: intent.callId, winnerCallId: record.callId, at });
  }

  private transfer(intent: Extract<Intent, { kind: 'transfer' | 'bridge' }>): void {
    if (this.answered.has(intent.id)) {
      // Re-executed: the outcome was appended once already; a success may be echoed (harmless by design).
      if (this.winner?.token === intent.token && this.winner.state === 'transferred' && this.choices.chance(30)) {
        this.ordered.push({ type: 'transfer.succeeded', callId: intent.callId, at: this.clock });
      }
      return;
    }
    this.answered.add(intent.id);
    const expectedKind = this.options.handoff === 'standby-bridge' ? 'bridge' : 'transfer';
    if (intent.kind !== expectedKind) this.violations.push(`${intent.kind} in ${this.options.handoff} mode`);
    if (this.grantedTokens.get(intent.token) !== intent.callId) this.violations.push(`hand-off of ${intent.callId} with token ${intent.token} not granted to it`);
    for (const other of this.intentsSeen.values()) {
      if ((other.kind === 'transfer' || other.kind === 'bridge') && other.id !== intent.id && other.token === intent.token) {
        this.violations.push(`two hand-off intents with token ${intent.token}`);
      }
    }
    const record = this.winner;
    const at = this.clock;
    if (record === undefined || record.token !== intent.token || record.callId !== intent.callId || record.state !== 'claimed') {
      this.violations.push(`hand-off of ${intent.callId} with token ${intent.token} refused by the winner record ${JSON.stringify(record)}`);
      this.ordered.push({ type: 'transfer.failed', callId: intent.callId, reason: 'not authorised', at });
      return;
    }
    record.state = 'transferring';
    const session = [...this.sessions.values()].find((s) => s.callId === intent.callId && s.stage === 'answered');
    const ok = session !== undefined && !this.choices.chance(35);
    this.transferCalls.push({ callId: intent.callId, token: intent.token, ok });
    if (this.transferCalls.filter((t) => t.token === intent.token).length > 1) this.violations.push(`token ${intent.token} used for two transfer requests`);
    if (ok && session !== undefined) {
      record.state = 'transferred';
      if (this.transferCalls.filter((t) => t.ok).length > 1) this.violations.push('two successful transfers');
      session.stage = 'transferred';
      if (this.choices.chance(50)) {
        session.seq += 1;
        this.webhooks.push({ type: 'call.party', callId: session.callId, telephonySessionId: session.sid, side: 'ours', code: 'Disconnected', reason: 'BlindTransfer', sequence: session.seq, at });
      }
      this.ordered.push({ type: 'transfer.succeeded', callId: intent.callId, at });
    } else {
      record.state = 'released';
      this.ordered.push({ type: 'transfer.failed', callId: intent.callId, reason: session === undefined ? 'call gone' : 'TAS-102', at });
    }
  }

  /** Ends the line's session; appends exactly one call.hung-up per intent (re-executions add nothing). */
  private hangup(intent: Extract<Intent, { kind: 'hangup' }>): void {
    const { callId } = intent;
    if (this.answered.has(intent.id)) return;
    this.answered.add(intent.id);
    for (const s of this.sessions.values()) {
      if (s.callId === callId && (s.stage === 'ringing' || s.stage === 'answered')) {
        s.stage = 'ended';
        if (s.announced) {
          s.seq += 1;
          this.webhooks.push({ type: 'call.party', callId, telephonySessionId: s.sid, side: 'ours', code: 'Disconnected', sequence: s.seq, at: this.clock });
        }
      }
    }
    const hungUp: HuntEvent = { type: 'call.hung-up', callId, at: this.clock };
    // A strict host appends the answer at once (while the line is still cleaning); a loose one appends it
    // whenever the request returns, possibly after the line was redialled.
    if (this.options.looseHangup === true) this.webhooks.push(hungUp);
    else this.ordered.push(hungUp);
  }

  // ——— end-of-run checks ———

  check(): string[] {
    const problems = [...this.violations];
    if (!this.stopped) return problems;
    const summary = summarize(this.actor.getSnapshot());
    if (this.finishes.size !== 1) problems.push(`finish intents: ${this.finishes.size}`);
    const finishStatus = [...this.finishes.values()][0];
    if (finishStatus !== summary.status) problems.push(`finish ${finishStatus} but status ${summary.status}`);
    const successes = this.transferCalls.filter((t) => t.ok);
    if (summary.status === 'completed') {
      if (successes.length !== 1) problems.push(`completed with ${successes.length} successful transfers`);
      if (successes[0]?.callId !== summary.winnerCallId) problems.push(`winner ${summary.winnerCallId} is not the transferred ${successes[0]?.callId}`);
    } else if (successes.length > 0) {
      problems.push(`${summary.status} although ${successes[0]?.callId} was transferred`);
    }
    for (const call of summary.calls) {
      const expected = call.callId === summary.winnerCallId && summary.status === 'completed' ? ['transferred'] : ['cleaned', 'failed'];
      if (!expected.includes(call.status)) problems.push(`${call.callId} ended ${call.status}`);
    }
    const connected = [...this.sessions.values()].filter((s) => s.stage === 'ringing' || s.stage === 'answered');
    if (connected.length > 0) problems.push(`left connected: ${connected.map((s) => `${s.callId}/${s.sid}`).join(', ')}`);
    if (this.reserved.size > 0) problems.push(`extensions never released: ${[...this.reserved].map(([e, c]) => `${e}@${c}`).join(', ')}`);
    return problems;
  }
}
