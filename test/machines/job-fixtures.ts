/** Small helpers for driving the job machine by hand in unit tests. */
import { PPS_DESTINATION } from '../../src/engine/hunt-types.ts';
import type { HandoffMode, JobSpec } from '../../src/engine/hunt-types.ts';
import { callContext, createJobActor, pendingIntents, persist, summarize } from '../../machines/index.ts';
import type { HuntEvent, Intent, JobActor, JobInput } from '../../machines/index.ts';

export const T0 = 1_700_000_000_000;

export function makeInput(lines: number, handoff: HandoffMode = 'transfer', deadlineAt = T0 + 3 * 3_600_000): JobInput {
  const spec: JobSpec = {
    id: 'job-1',
    destination: PPS_DESTINATION,
    target: { kind: 'queue', extensionNumber: '800' },
    lines,
    extensionIds: Array.from({ length: lines }, (_, i) => `ext-${i + 1}`),
    handoff,
    deadlineAt,
    createdAt: T0,
    createdBy: 'tester',
  };
  return { spec };
}

/** A job actor plus a cursor over its outbox: `take()` returns the intents emitted since the last take. */
export class JobDriver {
  actor: JobActor;
  private seen = 0;

  constructor(
    readonly input: JobInput,
    snapshot?: unknown,
    seen = 0,
  ) {
    this.actor = createJobActor(input, snapshot);
    this.seen = seen;
  }

  send(event: HuntEvent): this {
    this.actor.send(event);
    return this;
  }

  take(): Intent[] {
    const intents = pendingIntents(this.actor.getSnapshot(), this.seen);
    const last = intents.at(-1);
    if (last !== undefined) this.seen = last.id;
    return intents;
  }

  /** Persist through JSON and continue in a fresh actor (what a crash and a restore do). */
  restart(): this {
    const stored = JSON.parse(JSON.stringify(persist(this.actor))) as { snapshot: unknown };
    this.actor.stop();
    this.actor = createJobActor(this.input, stored.snapshot);
    return this;
  }

  get summary() {
    return summarize(this.actor.getSnapshot());
  }

  call(callId: string) {
    const context = callContext(this.actor.getSnapshot(), callId);
    if (context === undefined) throw new Error(`no call ${callId}`);
    return context;
  }

  status(callId: string) {
    return this.call(callId).status;
  }

  /** Place a queued line and walk it to `holding` (answer, IVR timer). */
  hold(callId: string, at: number): this {
    const call = this.call(callId);
    const session = `s-${callId}-${call.attempt}`;
    this.send({ type: 'call.placed', callId, attempt: call.attempt, extensionId: `ext-${callId}-${call.attempt}`, telephonySessionId: session, partyId: `p-${callId}`, at });
    this.send({ type: 'call.party', callId, telephonySessionId: session, side: 'ours', code: 'Setup', sequence: 1, at: at + 10 });
    this.send({ type: 'call.party', callId, telephonySessionId: session, side: 'far', code: 'Answered', sequence: 4, at: at + 20 });
    const ivrDoneAt = this.call(callId).ivrDoneAt;
    if (ivrDoneAt === undefined) throw new Error('ivr timer not scheduled');
    this.send({ type: 'timer.fired', timer: 'ivr-done', callId, at: ivrDoneAt });
    return this;
  }

  session(callId: string): string {
    const session = this.call(callId).telephonySessionId;
    if (session === undefined) throw new Error(`${callId} has no session`);
    return session;
  }
}

export const kinds = (intents: Intent[]): string[] => intents.map((intent) => `${intent.kind}${'callId' in intent && intent.callId !== undefined ? `:${intent.callId}` : ''}`);

export function ofKind<K extends Intent['kind']>(intents: Intent[], kind: K): Extract<Intent, { kind: K }>[] {
  return intents.filter((intent): intent is Extract<Intent, { kind: K }> => intent.kind === kind);
}
