import { describe, expect, it } from 'vitest';
import {
  DIAL_STAGGER_MS,
  IntentGapError,
  MACHINE_VERSION,
  OUTBOX_LIMIT,
  REDIAL_MAX_MS,
  REDIAL_MIN_MS,
  TIMER_SLACK_MS,
  isCompatible,
  pendingIntents,
  persist,
  redialDelayMs,
} from '../../machines/index.ts';
import { JobDriver, T0, kinds, makeInput, ofKind } from './job-fixtures.ts';

const lines6 = ['call-1', 'call-2', 'call-3', 'call-4', 'call-5', 'call-6'];

/** Six lines, all holding. */
function sixHolding(handoff: 'transfer' | 'standby-bridge' = 'transfer'): JobDriver {
  const job = new JobDriver(makeInput(6, handoff));
  job.send({ type: 'job.start', at: T0 });
  job.take();
  lines6.forEach((callId, i) => job.hold(callId, T0 + 1_000 * (i + 1)));
  job.take();
  return job;
}

describe('job machine: the happy path', () => {
  it('dials six staggered lines and schedules the deadline at start', () => {
    const job = new JobDriver(makeInput(6));
    expect(job.summary.status).toBe('starting');
    expect(job.take()).toEqual([]);
    job.send({ type: 'job.start', at: T0 });
    const intents = job.take();
    expect(intents[0]).toEqual({ id: 1, kind: 'schedule', timer: 'deadline', at: T0 + 3 * 3_600_000 });
    expect(ofKind(intents, 'dial')).toEqual(lines6.map((callId, i) => ({ id: i + 2, kind: 'dial', callId, attempt: 1, notBefore: T0 + i * DIAL_STAGGER_MS })));
    expect(job.summary.status).toBe('hunting');
    expect(job.summary.calls.map((c) => c.status)).toEqual(Array(6).fill('queued'));
  });

  it("staggers a softphone job's dials by its own (shorter) interval", () => {
    const input = makeInput(6);
    const job = new JobDriver({ spec: { ...input.spec, dialStaggerMs: 100 } });
    job.send({ type: 'job.start', at: T0 });
    expect(ofKind(job.take(), 'dial').map((d) => d.notBefore)).toEqual(lines6.map((_, i) => T0 + i * 100));
  });

  it('walks a line through the IVR into holding with an ivr-done timer', () => {
    const job = new JobDriver(makeInput(1));
    job.send({ type: 'job.start', at: T0 }).take();
    job.send({ type: 'call.placed', callId: 'call-1', attempt: 1, extensionId: 'ext-9', telephonySessionId: 's1', partyId: 'p1', at: T0 + 100 });
    expect(job.status('call-1')).toBe('dialing');
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: 's1', side: 'far', code: 'Answered', sequence: 4, at: T0 + 7_000 });
    expect(job.status('call-1')).toBe('ivr');
    // 2 s + 45 s of PPS script + 5 s margin.
    expect(job.take()).toEqual([{ id: 3, kind: 'schedule', timer: 'ivr-done', callId: 'call-1', at: T0 + 7_000 + 52_000 }]);
    job.send({ type: 'call.suspect', callId: 'call-1', confidence: 0.9, at: T0 + 8_000 });
    expect(job.status('call-1')).toBe('ivr'); // IVR audio never suspects a line
    job.send({ type: 'timer.fired', timer: 'ivr-done', callId: 'call-1', at: T0 + 30_000 });
    expect(job.status('call-1')).toBe('ivr'); // too early: an older attempt's timer
    job.send({ type: 'timer.fired', timer: 'ivr-done', callId: 'call-1', at: T0 + 59_000 });
    expect(job.status('call-1')).toBe('holding');
    expect(job.summary.calls[0]).toMatchObject({ extensionId: 'ext-9', telephonySessionId: 's1', partyId: 'p1', since: { dialing: T0 + 100, ivr: T0 + 7_000, holding: T0 + 59_000 } });
  });

  it('confirms one of six, claims, transfers, hangs up the five others and finishes only when they are gone', () => {
    const job = sixHolding();
    job.send({ type: 'call.suspect', callId: 'call-3', confidence: 0.7, at: T0 + 100_000 });
    expect(job.status('call-3')).toBe('suspected-live');
    expect(job.take()).toEqual([]); // transfer mode: nothing to ring
    job.send({ type: 'call.confirm', callId: 'call-3', by: 'detector', at: T0 + 101_000 });
    expect(kinds(job.take())).toEqual(['claim-winner:call-3']);
    expect(job.summary.status).toBe('connecting');

    job.send({ type: 'winner.claimed', callId: 'call-3', token: 7, at: T0 + 101_050 });
    const transfer = job.take();
    expect(transfer).toEqual([expect.objectContaining({ kind: 'transfer', callId: 'call-3', token: 7 })]);
    expect(job.status('call-3')).toBe('transferring');
    expect(job.summary.winnerCallId).toBe('call-3');

    job.send({ type: 'transfer.succeeded', callId: 'call-3', at: T0 + 101_400 });
    const after = job.take();
    expect(kinds(after)).toEqual(['release-extension:call-3', 'hangup:call-1', 'hangup:call-2', 'hangup:call-4', 'hangup:call-5', 'hangup:call-6']);
    expect(ofKind(after, 'hangup').every((h) => h.reason === 'loser')).toBe(true);
    // Not completed while losers are connected.
    expect(job.summary.status).toBe('connecting');
    expect(job.summary.finished).toBe(false);
    expect(job.summary.ending).toEqual({ status: 'completed', reason: 'transferred', at: T0 + 101_400 });

    for (const callId of ['call-1', 'call-2', 'call-4', 'call-5']) job.send({ type: 'call.hung-up', callId, at: T0 + 102_000 });
    expect(job.summary.finished).toBe(false);
    expect(kinds(job.take())).toEqual(['release-extension:call-1', 'release-extension:call-2', 'release-extension:call-4', 'release-extension:call-5']);
    // The last loser's own disconnect (either order with call.hung-up) also counts.
    const s6 = job.session('call-6');
    job.send({ type: 'call.party', callId: 'call-6', telephonySessionId: s6, side: 'far', code: 'Disconnected', sequence: 9, at: T0 + 102_100 });
    const final = job.take();
    expect(kinds(final)).toEqual(['release-extension:call-6', 'finish']);
    expect(final.at(-1)).toMatchObject({ kind: 'finish', status: 'completed' });
    expect(job.summary.status).toBe('completed');
    expect(job.summary.calls.map((c) => c.status)).toEqual(['cleaned', 'cleaned', 'transferred', 'cleaned', 'cleaned', 'cleaned']);
    job.send({ type: 'call.hung-up', callId: 'call-6', at: T0 + 102_200 });
    expect(job.take()).toEqual([]);
  });

  it('takes our party leaving with BlindTransfer as success, idempotently with transfer.succeeded', () => {
    const job = new JobDriver(makeInput(1));
    job.send({ type: 'job.start', at: T0 }).take();
    job.hold('call-1', T0).take();
    job.send({ type: 'call.confirm', callId: 'call-1', by: 'op', at: T0 + 90_000 });
    job.send({ type: 'winner.claimed', callId: 'call-1', token: 1, at: T0 + 90_010 });
    job.take();
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: job.session('call-1'), side: 'ours', code: 'Disconnected', reason: 'BlindTransfer', sequence: 8, at: T0 + 90_300 });
    expect(kinds(job.take())).toEqual(['release-extension:call-1', 'finish']);
    job.send({ type: 'transfer.succeeded', callId: 'call-1', at: T0 + 90_400 });
    expect(job.take()).toEqual([]);
    expect(job.summary).toMatchObject({ status: 'completed', winnerCallId: 'call-1' });
  });
});

describe('job machine: failures and redials', () => {
  it('redials a busy line after its back-off timer, with a new attempt, and ignores its old session', () => {
    const job = new JobDriver(makeInput(2));
    job.send({ type: 'job.start', at: T0 }).take();
    job.send({ type: 'call.placed', callId: 'call-2', attempt: 1, extensionId: 'e2', telephonySessionId: 'old', partyId: 'p', at: T0 + 1_000 });
    job.send({ type: 'call.party', callId: 'call-2', telephonySessionId: 'old', side: 'far', code: 'Disconnected', reason: 'TargetBusy', sequence: 3, at: T0 + 2_000 });
    expect(job.summary.calls[1]).toMatchObject({ status: 'failed', endReason: 'busy' });
    const delay = redialDelayMs('call-2', 1, 1);
    expect(delay).toBeGreaterThanOrEqual(REDIAL_MIN_MS);
    expect(delay).toBeLessThan(REDIAL_MIN_MS * 1.15 + 1);
    expect(job.take()).toEqual([
      { id: 4, kind: 'release-extension', callId: 'call-2', extensionId: 'e2', attempt: 1 },
      { id: 5, kind: 'schedule', timer: 'redial', callId: 'call-2', at: T0 + 2_000 + delay },
    ]);
    job.send({ type: 'timer.fired', timer: 'redial', callId: 'call-2', at: T0 + 2_000 + delay - TIMER_SLACK_MS - 1 });
    expect(job.take()).toEqual([]);
    job.send({ type: 'timer.fired', timer: 'redial', callId: 'call-2', at: T0 + 2_000 + delay });
    expect(job.take()).toEqual([{ id: 6, kind: 'dial', callId: 'call-2', attempt: 2, notBefore: T0 + 2_000 + delay }]);
    expect(job.summary.calls[1]).toMatchObject({ status: 'queued', attempt: 2 });
    // The timer firing twice (a re-executed schedule) does nothing more.
    job.send({ type: 'timer.fired', timer: 'redial', callId: 'call-2', at: T0 + 2_000 + delay });
    expect(job.take()).toEqual([]);
    // Late events of attempt 1 are ignored.
    job.send({ type: 'call.placed', callId: 'call-2', attempt: 1, extensionId: 'e2', telephonySessionId: 'old', partyId: 'p', at: T0 + 20_000 });
    job.send({ type: 'call.party', callId: 'call-2', telephonySessionId: 'old', side: 'ours', code: 'Disconnected', sequence: 4, at: T0 + 20_000 });
    expect(job.status('call-2')).toBe('queued');
    expect(job.call('call-2').verdicts).toMatchObject({ stale: 1, 'old-session': 1 });
    job.send({ type: 'call.placed', callId: 'call-2', attempt: 2, extensionId: 'e3', telephonySessionId: 'new', partyId: 'p', at: T0 + 21_000 });
    expect(job.summary.calls[1]).toMatchObject({ status: 'dialing', attempt: 2, telephonySessionId: 'new' });
  });

  it('backs off exponentially to five minutes, deterministically, and resets once a line holds', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 12].map((streak) => redialDelayMs('call-1', streak, streak));
    expect(delays).toEqual([1, 2, 3, 4, 5, 6, 7, 12].map((streak) => redialDelayMs('call-1', streak, streak)));
    expect(delays[0]).toBeLessThan(REDIAL_MIN_MS * 1.15 + 1);
    expect(delays[1]).toBeGreaterThan(REDIAL_MIN_MS * 2 * 0.85 - 1);
    expect(delays.at(-1)).toBeLessThanOrEqual(REDIAL_MAX_MS);
    expect(delays.every((d) => d >= REDIAL_MIN_MS && d <= REDIAL_MAX_MS)).toBe(true);
    expect(new Set([1, 2, 3, 4].map((n) => redialDelayMs(`call-${n}`, 1, 3))).size).toBeGreaterThan(1);

    const job = new JobDriver(makeInput(1));
    job.send({ type: 'job.start', at: T0 }).take();
    let at = T0;
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      job.send({ type: 'call.dial-failed', callId: 'call-1', attempt, reason: 'CMN-101', retryable: true, at });
      const schedule = ofKind(job.take(), 'schedule')[0];
      expect(schedule?.at).toBe(at + redialDelayMs('call-1', attempt, attempt));
      at = schedule!.at;
      job.send({ type: 'timer.fired', timer: 'redial', callId: 'call-1', at }).take();
    }
    job.hold('call-1', at);
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: job.session('call-1'), side: 'far', code: 'Disconnected', sequence: 9, at: at + 600_000 });
    const redial = ofKind(job.take(), 'schedule').filter((s) => s.timer === 'redial');
    expect(redial.map((s) => s.at)).toEqual([at + 600_000 + redialDelayMs('call-1', 4, 1)]);
  });

  it('fails the job when every line fails permanently', () => {
    const job = new JobDriver(makeInput(2));
    job.send({ type: 'job.start', at: T0 }).take();
    job.send({ type: 'call.dial-failed', callId: 'call-1', attempt: 1, reason: 'invalid number', retryable: false, at: T0 + 1 });
    expect(job.take()).toEqual([]);
    expect(job.summary.status).toBe('hunting');
    job.send({ type: 'call.placed', callId: 'call-2', attempt: 1, extensionId: 'e2', telephonySessionId: 's2', partyId: 'p', at: T0 + 2 });
    job.send({ type: 'call.party', callId: 'call-2', telephonySessionId: 's2', side: 'far', code: 'Disconnected', reason: 'InvalidNumber', sequence: 2, at: T0 + 3 });
    expect(kinds(job.take())).toEqual(['release-extension:call-2', 'finish']);
    expect(job.summary).toMatchObject({ status: 'failed', finished: true, ending: { status: 'failed', reason: 'all-lines-failed' } });
  });
});

describe('job machine: ending', () => {
  it('cancels: hangs up every live line, cancels a dial still pending, and finishes after the last hang-up', () => {
    const job = new JobDriver(makeInput(4));
    job.send({ type: 'job.start', at: T0 }).take();
    job.hold('call-1', T0 + 1_000);
    job.send({ type: 'call.placed', callId: 'call-2', attempt: 1, extensionId: 'e2', telephonySessionId: 's2', partyId: 'p', at: T0 + 2_000 });
    job.send({ type: 'call.dial-failed', callId: 'call-4', attempt: 1, reason: 'x', retryable: true, at: T0 + 2_000 });
    job.take();
    job.send({ type: 'operator.cancel', by: 'op', at: T0 + 5_000 });
    expect(kinds(job.take())).toEqual(['hangup:call-1', 'hangup:call-2', 'hangup:call-3']);
    expect(job.summary).toMatchObject({ status: 'hunting', finished: false, ending: { status: 'cancelled', reason: 'operator' } });
    // call-3's dial raced the cancel: its placement arrives, is learnt and hung up again.
    job.send({ type: 'call.placed', callId: 'call-3', attempt: 1, extensionId: 'e3', telephonySessionId: 's3', partyId: 'p', at: T0 + 5_100 });
    expect(kinds(job.take())).toEqual(['hangup:call-3']);
    job.send({ type: 'timer.fired', timer: 'redial', callId: 'call-4', at: T0 + 400_000 });
    expect(job.take()).toEqual([]); // no redial once the outcome is decided
    for (const callId of ['call-1', 'call-2']) job.send({ type: 'call.hung-up', callId, at: T0 + 6_000 });
    expect(job.summary.finished).toBe(false);
    // call-3 had two hang-ups out (before and after its placement): the first answer alone does not settle it.
    job.send({ type: 'call.hung-up', callId: 'call-3', at: T0 + 6_000 });
    expect(job.status('call-3')).toBe('cleaning');
    job.send({ type: 'call.hung-up', callId: 'call-3', at: T0 + 6_000 });
    expect(kinds(job.take())).toEqual(['release-extension:call-1', 'release-extension:call-2', 'release-extension:call-3', 'finish']);
    expect(job.summary.status).toBe('cancelled');
    expect(job.summary.calls.map((c) => c.status)).toEqual(['cleaned', 'cleaned', 'cleaned', 'failed']);
  });

  it('cancels before start without any intent but finish', () => {
    const job = new JobDriver(makeInput(3));
    job.send({ type: 'operator.hangup', callId: 'call-1', by: 'op', at: T0 });
    job.send({ type: 'operator.cancel', by: 'op', at: T0 });
    expect(job.take()).toEqual([{ id: 1, kind: 'finish', status: 'cancelled' }]);
    expect(job.summary.calls.map((c) => c.status)).toEqual(['cleaned', 'cleaned', 'cleaned']);
    job.send({ type: 'job.start', at: T0 + 1 });
    expect(job.take()).toEqual([]);
  });

  it('ends at the deadline as cancelled (outcome deadline), not before it', () => {
    const job = new JobDriver(makeInput(2, 'transfer', T0 + 60_000));
    job.send({ type: 'job.start', at: T0 }).take();
    job.hold('call-1', T0).take();
    job.send({ type: 'timer.fired', timer: 'deadline', at: T0 + 30_000 });
    expect(job.take()).toEqual([]);
    job.send({ type: 'timer.fired', timer: 'deadline', at: T0 + 60_000 });
    expect(kinds(job.take())).toEqual(['hangup:call-1', 'hangup:call-2']);
    job.send({ type: 'call.hung-up', callId: 'call-1', at: T0 + 60_100 });
    job.send({ type: 'call.dial-failed', callId: 'call-2', attempt: 1, reason: 'cancelled', retryable: true, at: T0 + 60_100 });
    const last = job.take();
    expect(last.at(-1)).toEqual(expect.objectContaining({ kind: 'finish', status: 'cancelled' }));
    expect(job.summary.ending).toMatchObject({ status: 'cancelled', reason: 'deadline' });
  });

  it('lets a transfer in flight at cancel finish: success makes the job completed', () => {
    const job = sixHolding();
    job.send({ type: 'call.confirm', callId: 'call-2', by: 'op', at: T0 + 200_000 });
    job.send({ type: 'winner.claimed', callId: 'call-2', token: 1, at: T0 + 200_010 });
    job.take();
    job.send({ type: 'operator.cancel', by: 'op', at: T0 + 200_020 });
    expect(kinds(job.take())).toEqual(['hangup:call-1', 'hangup:call-3', 'hangup:call-4', 'hangup:call-5', 'hangup:call-6']);
    for (const callId of ['call-1', 'call-3', 'call-4', 'call-5', 'call-6']) job.send({ type: 'call.hung-up', callId, at: T0 + 200_100 });
    expect(job.summary.finished).toBe(false); // the hand-off is still in flight
    job.send({ type: 'transfer.succeeded', callId: 'call-2', at: T0 + 200_200 });
    expect(job.take().at(-1)).toMatchObject({ kind: 'finish', status: 'completed' });
    expect(job.summary.winnerCallId).toBe('call-2');
  });
});

describe('job machine: hand-off fallback', () => {
  it('falls back to the next confirmed line with a new claim, then retries, then hangs up and hunts again', () => {
    const job = sixHolding();
    job.send({ type: 'call.confirm', callId: 'call-4', by: 'op', at: T0 + 100_000 });
    job.send({ type: 'call.confirm', callId: 'call-2', by: 'op', at: T0 + 100_500 });
    expect(kinds(job.take())).toEqual(['claim-winner:call-4']);
    job.send({ type: 'winner.claimed', callId: 'call-4', token: 1, at: T0 + 100_600 });
    expect(kinds(job.take())).toEqual(['transfer:call-4']);
    job.send({ type: 'transfer.failed', callId: 'call-4', reason: 'TAS-102', at: T0 + 101_000 });
    expect(job.status('call-4')).toBe('confirmed');
    expect(kinds(job.take())).toEqual(['claim-winner:call-2']);
    job.send({ type: 'winner.claimed', callId: 'call-2', token: 2, at: T0 + 101_100 });
    expect(job.take()).toEqual([expect.objectContaining({ kind: 'transfer', callId: 'call-2', token: 2 })]);
    // The IRS agent of call-2 hung up during the transfer: a failed transfer then ends the line.
    job.send({ type: 'call.party', callId: 'call-2', telephonySessionId: job.session('call-2'), side: 'far', code: 'Disconnected', sequence: 9, at: T0 + 101_200 });
    expect(job.status('call-2')).toBe('transferring');
    job.send({ type: 'transfer.failed', callId: 'call-2', reason: 'gone', at: T0 + 101_300 });
    expect(job.status('call-2')).toBe('failed');
    expect(kinds(job.take())).toEqual(['release-extension:call-2', 'schedule:call-2', 'claim-winner:call-4']);
    // call-4 is tried a second (last) time.
    job.send({ type: 'winner.claimed', callId: 'call-4', token: 3, at: T0 + 101_400 });
    expect(kinds(job.take())).toEqual(['transfer:call-4']);
    job.send({ type: 'transfer.failed', callId: 'call-4', reason: 'TAS-102', at: T0 + 101_500 });
    expect(kinds(job.take())).toEqual(['hangup:call-4']);
    expect(job.summary.status).toBe('hunting');
    job.send({ type: 'call.hung-up', callId: 'call-4', at: T0 + 101_600 });
    expect(job.take()).toEqual([
      expect.objectContaining({ kind: 'release-extension', callId: 'call-4' }),
      expect.objectContaining({ kind: 'dial', callId: 'call-4', attempt: 2, notBefore: T0 + 101_600 }),
    ]);
  });

  it('cleans a line that lost its claim and claims the next one; ignores stale and repeated answers', () => {
    const job = sixHolding();
    job.send({ type: 'call.confirm', callId: 'call-1', by: 'op', at: T0 + 100_000 });
    job.send({ type: 'call.confirm', callId: 'call-5', by: 'op', at: T0 + 100_001 });
    expect(kinds(job.take())).toEqual(['claim-winner:call-1']);
    job.send({ type: 'winner.lost', callId: 'call-5', winnerCallId: 'call-9', at: T0 + 100_002 });
    expect(job.take()).toEqual([]); // not the pending claim
    job.send({ type: 'winner.lost', callId: 'call-1', winnerCallId: 'call-9', at: T0 + 100_010 });
    expect(kinds(job.take())).toEqual(['claim-winner:call-5', 'hangup:call-1']);
    job.send({ type: 'winner.claimed', callId: 'call-5', token: 4, at: T0 + 100_020 });
    expect(kinds(job.take())).toEqual(['transfer:call-5']);
    job.send({ type: 'winner.claimed', callId: 'call-5', token: 4, at: T0 + 100_030 });
    job.send({ type: 'winner.claimed', callId: 'call-5', token: 3, at: T0 + 100_030 });
    expect(job.take()).toEqual([]);
  });

  it('abandons a pending claim whose line fails and claims another', () => {
    const job = sixHolding();
    job.send({ type: 'call.confirm', callId: 'call-1', by: 'op', at: T0 + 100_000 });
    job.send({ type: 'call.confirm', callId: 'call-2', by: 'op', at: T0 + 100_001 });
    job.take();
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: job.session('call-1'), side: 'far', code: 'Disconnected', sequence: 10, at: T0 + 100_002 });
    expect(kinds(job.take())).toEqual(['release-extension:call-1', 'schedule:call-1', 'claim-winner:call-2']);
    // The answer to the abandoned claim arrives: ignored (the newer claim supersedes it in the winner record).
    job.send({ type: 'winner.claimed', callId: 'call-1', token: 1, at: T0 + 100_003 });
    expect(job.take()).toEqual([]);
    job.send({ type: 'winner.claimed', callId: 'call-2', token: 2, at: T0 + 100_004 });
    expect(kinds(job.take())).toEqual(['transfer:call-2']);
  });
});

describe('job machine: standby bridge', () => {
  it('rings the standby once per attempt on suspicion and bridges on confirmation', () => {
    const job = sixHolding('standby-bridge');
    job.send({ type: 'call.suspect', callId: 'call-2', confidence: 0.6, at: T0 + 100_000 });
    expect(kinds(job.take())).toEqual(['ring-standby:call-2']);
    job.send({ type: 'call.clear', callId: 'call-2', at: T0 + 100_100 });
    job.send({ type: 'call.suspect', callId: 'call-2', confidence: 0.7, at: T0 + 100_200 });
    job.send({ type: 'call.suspect', callId: 'call-2', confidence: 0.8, at: T0 + 100_300 });
    expect(job.take()).toEqual([]);
    expect(job.summary.calls[1]).toMatchObject({ status: 'suspected-live', confidence: 0.8 });
    // A line confirmed straight from holding gets its standby rung before the claim.
    job.send({ type: 'call.confirm', callId: 'call-5', by: 'op', at: T0 + 100_400 });
    expect(kinds(job.take())).toEqual(['ring-standby:call-5', 'claim-winner:call-5']);
    job.send({ type: 'winner.claimed', callId: 'call-5', token: 1, at: T0 + 100_500 });
    expect(job.take()).toEqual([expect.objectContaining({ kind: 'bridge', callId: 'call-5', token: 1 })]);
    job.send({ type: 'transfer.succeeded', callId: 'call-5', at: T0 + 100_600 });
    expect(ofKind(job.take(), 'hangup')).toHaveLength(5);
  });
});

describe('job machine: event hygiene', () => {
  it('ignores duplicate and out-of-order party events, and records every event', () => {
    const job = new JobDriver(makeInput(1));
    job.send({ type: 'job.start', at: T0 }).take();
    job.send({ type: 'call.placed', callId: 'call-1', attempt: 1, extensionId: 'e', telephonySessionId: 's', partyId: 'p', at: T0 });
    job.send({ type: 'call.placed', callId: 'call-1', attempt: 1, extensionId: 'e', telephonySessionId: 's', partyId: 'p', at: T0 });
    const party = (code: string, sequence: number, side: 'ours' | 'far' = 'far') =>
      job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: 's', side, code, sequence, at: T0 + sequence });
    party('Proceeding', 2);
    party('Disconnected', 1, 'ours'); // older than 2: a reordered event
    expect(job.status('call-1')).toBe('dialing');
    party('Answered', 4);
    party('Answered', 4); // duplicate
    party('Disconnected', 3); // reordered behind 4
    expect(job.status('call-1')).toBe('ivr');
    job.send({ type: 'call.party', callId: 'call-1', telephonySessionId: 'other', side: 'far', code: 'Disconnected', sequence: 99, at: T0 });
    expect(job.status('call-1')).toBe('ivr');
    const call = job.call('call-1');
    expect(call.received).toBe(9); // line.dial + 8 host events
    expect(call.verdicts).toEqual({ accepted: 4, duplicate: 4, 'unknown-session': 1 });
    expect(call.history.map((h) => `${h.type}:${h.verdict}`)).toEqual([
      'line.dial:accepted',
      'call.placed:accepted',
      'call.placed:duplicate',
      'call.party:accepted',
      'call.party:duplicate',
      'call.party:accepted',
      'call.party:duplicate',
      'call.party:duplicate',
      'call.party:unknown-session',
    ]);
    expect(call.lastSequence).toEqual({ s: 4 });
  });

  it('counts events for calls it does not have', () => {
    const job = new JobDriver(makeInput(1));
    job.send({ type: 'job.start', at: T0 });
    job.send({ type: 'call.confirm', callId: 'call-9', by: 'op', at: T0 });
    expect(job.actor.getSnapshot().context.unrouted).toBe(1);
  });
});

describe('job machine: operator actions', () => {
  it('transfer-now confirms a holding line and claims it at once', () => {
    const job = sixHolding();
    job.send({ type: 'operator.transfer-now', callId: 'call-6', by: 'op', at: T0 + 100_000 });
    expect(job.status('call-6')).toBe('confirmed');
    expect(kinds(job.take())).toEqual(['claim-winner:call-6']);
  });

  it('transfer-now supersedes a pending claim of another line, not a transfer in flight', () => {
    const job = sixHolding();
    job.send({ type: 'call.confirm', callId: 'call-1', by: 'detector', at: T0 + 100_000 });
    expect(kinds(job.take())).toEqual(['claim-winner:call-1']);
    job.send({ type: 'operator.transfer-now', callId: 'call-3', by: 'op', at: T0 + 100_100 });
    expect(kinds(job.take())).toEqual(['claim-winner:call-3']);
    job.send({ type: 'winner.claimed', callId: 'call-1', token: 1, at: T0 + 100_150 });
    expect(job.take()).toEqual([]);
    job.send({ type: 'winner.claimed', callId: 'call-3', token: 2, at: T0 + 100_200 });
    expect(kinds(job.take())).toEqual(['transfer:call-3']);
    job.send({ type: 'operator.transfer-now', callId: 'call-1', by: 'op', at: T0 + 100_300 });
    expect(job.take()).toEqual([]);
    job.send({ type: 'operator.hangup', callId: 'call-3', by: 'op', at: T0 + 100_350 });
    expect(job.status('call-3')).toBe('transferring'); // a hand-off in flight cannot be hung up
    job.send({ type: 'transfer.failed', callId: 'call-3', reason: 'x', at: T0 + 100_400 });
    expect(kinds(job.take())).toEqual(['claim-winner:call-1']); // the operator's latest choice comes first
  });

  it('operator hang-up cleans one line and redials it at once', () => {
    const job = sixHolding();
    job.send({ type: 'operator.hangup', callId: 'call-2', by: 'op', at: T0 + 100_000 });
    // The intent names the session it ends: re-run by a later owner, it never ends a redialled attempt's call.
    expect(job.take()).toEqual([expect.objectContaining({ kind: 'hangup', callId: 'call-2', reason: 'operator', telephonySessionId: job.session('call-2') })]);
    job.send({ type: 'operator.hangup', callId: 'call-2', by: 'op', at: T0 + 100_001 });
    expect(job.take()).toEqual([]);
    job.send({ type: 'call.hung-up', callId: 'call-2', at: T0 + 100_500 });
    expect(kinds(job.take())).toEqual(['release-extension:call-2', 'dial:call-2']);
    expect(job.summary.calls[1]).toMatchObject({ status: 'queued', attempt: 2 });
  });
});

describe('job snapshot helpers', () => {
  it('persists through JSON and continues identically in a fresh actor', () => {
    const a = sixHolding();
    a.send({ type: 'call.confirm', callId: 'call-3', by: 'op', at: T0 + 100_000 });
    const stored = JSON.parse(JSON.stringify(persist(a.actor))) as unknown;
    expect(isCompatible(stored)).toBe(true);
    expect(isCompatible({ version: MACHINE_VERSION + 1, snapshot: (stored as { snapshot: unknown }).snapshot })).toBe(false);
    expect(isCompatible(null)).toBe(false);
    const seen = a.take().at(-1)?.id ?? 0;
    const b = new JobDriver(a.input, (stored as { snapshot: unknown }).snapshot, seen);
    expect(b.summary).toEqual(a.summary);
    expect(pendingIntents((stored as { snapshot: unknown }).snapshot, 0)).toEqual(pendingIntents(a.actor.getSnapshot(), 0));
    for (const job of [a, b]) job.send({ type: 'winner.claimed', callId: 'call-3', token: 1, at: T0 + 100_100 });
    expect(b.take()).toEqual(a.take());
    expect(b.summary).toEqual(a.summary);
  });

  it('keeps the outbox bounded and refuses to hide a gap', () => {
    const job = new JobDriver(makeInput(1));
    job.send({ type: 'job.start', at: T0 });
    let at = T0;
    for (let attempt = 1; attempt <= 300; attempt += 1) {
      job.send({ type: 'call.dial-failed', callId: 'call-1', attempt, reason: 'x', retryable: true, at });
      at += REDIAL_MAX_MS;
      job.send({ type: 'timer.fired', timer: 'redial', callId: 'call-1', at });
    }
    const { outbox, nextIntentId } = job.actor.getSnapshot().context;
    expect(outbox).toHaveLength(OUTBOX_LIMIT);
    expect(outbox.at(-1)?.id).toBe(nextIntentId - 1);
    expect(() => pendingIntents(job.actor.getSnapshot(), 0)).toThrow(IntentGapError);
    expect(pendingIntents(job.actor.getSnapshot(), nextIntentId - 2)).toHaveLength(1);
    expect(pendingIntents(job.actor.getSnapshot(), nextIntentId - 1 - OUTBOX_LIMIT)).toHaveLength(OUTBOX_LIMIT);
  });
});
