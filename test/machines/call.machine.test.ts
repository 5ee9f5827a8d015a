import { describe, expect, it } from 'vitest';
import { CALL_HISTORY_LIMIT, classifyPartyEnd, persist, summarize } from '../../machines/index.ts';
import { JobDriver, T0, kinds, makeInput } from './job-fixtures.ts';

function started(lines = 1, handoff: 'transfer' | 'standby-bridge' = 'transfer'): JobDriver {
  const job = new JobDriver(makeInput(lines, handoff));
  job.send({ type: 'job.start', at: T0 });
  job.take();
  return job;
}

describe('call machine', () => {
  it('maps party endings to end reasons and retryability', () => {
    expect(classifyPartyEnd('far', 'Disconnected', 'TargetBusy')).toEqual({ endReason: 'busy', retryable: true });
    expect(classifyPartyEnd('far', 'Disconnected', 'NoAnswer')).toEqual({ endReason: 'no-answer', retryable: true });
    expect(classifyPartyEnd('far', 'Disconnected', undefined)).toEqual({ endReason: 'far-hangup', retryable: true });
    expect(classifyPartyEnd('ours', 'Disconnected', undefined)).toEqual({ endReason: 'our-side-disconnected', retryable: true });
    expect(classifyPartyEnd('far', 'Gone', undefined)).toEqual({ endReason: 'gone', retryable: true });
    expect(classifyPartyEnd('far', 'Disconnected', 'InvalidNumber')).toEqual({ endReason: 'invalid-number', retryable: false });
  });

  it('ignores the firm party and codes that do not move the line', () => {
    const job = started();
    job.hold('call-1', T0);
    const s = job.session('call-1');
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: s, side: 'firm', code: 'Disconnected', sequence: 20, at: T0 + 1 });
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: s, side: 'ours', code: 'Hold', sequence: 21, at: T0 + 2 });
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: s, side: 'ours', code: 'Answered', sequence: 22, at: T0 + 3 });
    expect(job.status('call-1')).toBe('holding');
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: s, side: 'far', code: 'Gone', sequence: 23, at: T0 + 4 });
    expect(job.summary.calls[0]).toMatchObject({ status: 'failed', endReason: 'gone' });
  });

  it('ignores a late hang-up answer of an earlier attempt on a live line', () => {
    const job = started();
    job.hold('call-1', T0);
    job.send({ type: 'operator.hangup', callId: 'call-1', by: 'op', at: T0 + 60_000 });
    // Our party's disconnect arrives before the hang-up request returns; the line is redialled at once.
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: job.session('call-1'), side: 'ours', code: 'Disconnected', sequence: 9, at: T0 + 60_100 });
    job.hold('call-1', T0 + 61_000);
    expect(job.summary.calls[0]).toMatchObject({ status: 'holding', attempt: 2 });
    job.send({ type: 'call.hung-up', callId: 'call-1', at: T0 + 120_000 }); // the answer to attempt 1's hang-up
    expect(job.summary.calls[0]).toMatchObject({ status: 'holding', attempt: 2 });
    expect(job.call('call-1').history.at(-1)).toMatchObject({ type: 'call.hung-up', verdict: 'stale' });
  });

  it('treats a reconciliation hang-up of a live line as a failure (redialled)', () => {
    const job = started();
    job.hold('call-1', T0).take();
    job.send({ type: 'call.hung-up', callId: 'call-1', at: T0 + 100_000 });
    expect(job.summary.calls[0]).toMatchObject({ status: 'failed', endReason: 'gone' });
    expect(kinds(job.take())).toEqual(['release-extension:call-1', 'schedule:call-1']);
  });

  it('cleaning a line whose dial is unanswered: the hang-up settles it, a late placement is hung up again', () => {
    const job = started(2);
    job.send({ type: 'operator.hangup', callId: 'call-1', by: 'op', at: T0 + 1 });
    expect(job.status('call-1')).toBe('cleaning');
    expect(job.call('call-1').dialPending).toBe(true);
    job.send({ type: 'call.hung-up', callId: 'call-1', at: T0 + 2 });
    expect(job.summary.calls[0]).toMatchObject({ status: 'queued', attempt: 2 }); // cleaned, then redialled
    job.take();
    // The attempt-1 dial got through after all: too late for its attempt, ignored (the host hangs it up).
    job.send({ type: 'call.placed', callId: 'call-1', attempt: 1, extensionId: 'e1', telephonySessionId: 's1', partyId: 'p', at: T0 + 3 });
    expect(job.call('call-1').history.at(-1)).toMatchObject({ type: 'call.placed', verdict: 'stale' });
    // On a line that is not redialled (job draining), the late placement is learnt and hung up.
    job.send({ type: 'operator.cancel', by: 'op', at: T0 + 4 });
    job.send({ type: 'call.hung-up', callId: 'call-2', at: T0 + 5 });
    expect(job.status('call-2')).toBe('cleaned');
    job.send({ type: 'call.placed', callId: 'call-2', attempt: 1, extensionId: 'e2', telephonySessionId: 's2', partyId: 'p', at: T0 + 6 });
    expect(job.status('call-2')).toBe('cleaning');
    const intents = job.take();
    expect(kinds(intents)).toEqual(['hangup:call-1', 'hangup:call-2', 'hangup:call-2']);
    // Each hang-up names the session it ends: none while the dial was unanswered, the late placement's after it.
    expect(intents.map((i) => (i.kind === 'hangup' ? i.telephonySessionId : undefined))).toEqual([null, null, 's2']);
  });

  it('a placement learnt while cleaning is hung up by its own session', () => {
    const job = started(1);
    job.send({ type: 'operator.hangup', callId: 'call-1', by: 'op', at: T0 + 1 });
    job.take();
    job.send({ type: 'call.placed', callId: 'call-1', attempt: 1, extensionId: 'e1', telephonySessionId: 's9', partyId: 'p', at: T0 + 2 });
    expect(job.status('call-1')).toBe('cleaning');
    expect(job.take()).toEqual([expect.objectContaining({ kind: 'hangup', callId: 'call-1', telephonySessionId: 's9' })]);
  });

  it('finishes once every hang-up is answered; a placement after finish is left to the host', () => {
    const job = started(2);
    job.send({ type: 'call.placed', callId: 'call-2', attempt: 1, extensionId: 'e2', telephonySessionId: 's2', partyId: 'p', at: T0 + 1 });
    job.send({ type: 'operator.cancel', by: 'op', at: T0 + 2 });
    job.send({ type: 'call.dial-failed', callId: 'call-1', attempt: 1, reason: 'cancelled', retryable: true, at: T0 + 3 });
    expect(job.status('call-1')).toBe('cleaned');
    job.send({ type: 'call.party', callId: 'call-2', telephonySessionId: 's2', side: 'ours', code: 'Disconnected', sequence: 3, at: T0 + 4 });
    expect(kinds(job.take())).toEqual(['hangup:call-1', 'hangup:call-2', 'release-extension:call-2', 'finish']);
    expect(job.summary.status).toBe('cancelled');
    job.send({ type: 'call.placed', callId: 'call-1', attempt: 1, extensionId: 'e1', telephonySessionId: 's1', partyId: 'p', at: T0 + 5 });
    expect(job.take()).toEqual([]);
    expect(job.actor.getSnapshot().context.late).toBe(1);
  });

  it('in standby-bridge mode rings the standby again on a new attempt', () => {
    const job = started(1, 'standby-bridge');
    job.hold('call-1', T0);
    job.send({ type: 'call.suspect', callId: 'call-1', confidence: 0.5, at: T0 + 70_000 });
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: job.session('call-1'), side: 'far', code: 'Disconnected', sequence: 30, at: T0 + 71_000 });
    const redialAt = job.actor.getSnapshot().context.lines[0]?.redialAt ?? 0;
    job.send({ type: 'timer.fired', timer: 'redial', callId: 'call-1', at: redialAt });
    job.take();
    job.hold('call-1', redialAt + 1_000);
    job.send({ type: 'call.suspect', callId: 'call-1', confidence: 0.5, at: redialAt + 90_000 });
    expect(kinds(job.take()).filter((k) => k.startsWith('ring-standby'))).toEqual(['ring-standby:call-1']);
  });

  it('keeps the last events in its history and counts all of them', () => {
    const job = started();
    job.hold('call-1', T0);
    for (let i = 0; i < 30; i += 1) job.send({ type: 'call.suspect', callId: 'call-1', confidence: i / 30, at: T0 + 100_000 + i });
    const call = job.call('call-1');
    expect(call.history).toHaveLength(CALL_HISTORY_LIMIT);
    expect(call.received).toBe(35);
    expect(call.history.at(-1)).toMatchObject({ n: 35, type: 'call.suspect', verdict: 'accepted', note: `confidence ${29 / 30}` });
    expect(call.confidence).toBe(29 / 30);
  });

  it('summarises a persisted snapshot like a live one', () => {
    const job = started(3);
    job.hold('call-2', T0);
    const stored = JSON.parse(JSON.stringify(persist(job.actor))) as { snapshot: unknown };
    expect(summarize(stored.snapshot)).toEqual(job.summary);
  });
});
