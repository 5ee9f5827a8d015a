/**
 * RFC 4733 digits from the unchanged ringcentral-softphone@1.3.7 drive the IRS line's IVR, no dial-string postfix
 * needed; CANCEL before the answer and hold/unhold re-INVITEs. The IVR greeting is ~25 s of recordings, so the
 * simulator runs on a ManualClock (time scale 60) that the test advances; audio and SIP keep real time.
 */
import { describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../src/simulator/simulator-server.ts';
import { ManualClock } from '../../../src/simulator/sim-clock.ts';
import { control } from '../../support/simulator-harness.ts';
import { manualClock, ownerToken, request } from '../sim-client.ts';
import { IRS_PPS, eventually, sleep, sipRig, waitForCall } from './softphone-harness.ts';

/** Advances the simulator clock in steps, yielding to I/O between them, until `check` holds. */
async function advanceUntil<T>(sim: RunningSimulator, check: () => Promise<T | undefined>, stepMs = 100, maxMs = 120_000): Promise<T> {
  for (let advanced = 0; advanced <= maxMs; advanced += stepMs) {
    const value = await check();
    if (value !== undefined) return value;
    manualClock(sim).advance(stepMs);
    await sleep(5);
  }
  throw new Error(`not reached within ${maxMs} ms of simulator time`);
}

describe('DTMF, CANCEL and hold over SIP', () => {
  const rig = sipRig(3, { timeScale: 60, makeClock: (scale) => new ManualClock(Date.now(), scale) });



  it('digits sent with sendDTMF work the IVR to hold', async () => {
    const line = await rig.registered(0);
    const call = await line.softphone.call(IRS_PPS);
    let answered = false;
    call.once('answered', () => (answered = true));
    const inIvr = await advanceUntil(rig.sim, async () => {
      const report = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
      return answered && report.phase === 'ivr' ? report : undefined;
    }, 20);
    expect(inIvr.plan.outcome).toBe('agent');
    await sleep(100); // the device's "hello" reaches the media port: DTMF now has somewhere to go back from

    // Typed ahead during the greeting, as the product's script does: 1 (individual), 2 (notice/account question).
    call.sendDTMF('1');
    await sleep(300);
    call.sendDTMF('2');
    await eventually(async () => {
      const report = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
      const digits = report.timeline.filter((e: any) => e.event === 'dtmf').map((e: any) => e.detail.digits);
      return digits.length === 2 ? digits : undefined;
    }, 5000, 'both digits at the line');

    const held = await advanceUntil(rig.sim, async () => {
      const report = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
      return report.milestones.holdStartAt ? report : undefined;
    }, 1000);
    const accepted = held.timeline
      .filter((e: any) => e.event === 'ivr-input' && e.detail.result === 'accepted')
      .map((e: any) => [e.detail.menu, e.detail.digit]);
    expect(accepted).toEqual([['account-type', '1'], ['topic', '2']]);
    expect(held.timeline.filter((e: any) => e.event === 'dtmf').map((e: any) => e.detail.digits)).toEqual(['1', '2']);
    await call.hangup();
    expect(line.errors).toEqual([]);
  });

  it('CANCEL before the answer: 200 and 487, and the session ends as a hang-up', async () => {
    const line = await rig.registered(1);
    const call = await line.softphone.call(IRS_PPS);
    await call.cancel();
    const ended = await waitForCall(rig.sim, call.sessionId, (r) => r.endedAt !== null);
    expect(ended.milestones.hangupBy).toBe('caller');
    expect(ended.milestones.answeredAt).toBeNull();
    const status = await control(rig.sim, 'GET', '/_sim/sip');
    expect(status.calls.find((c: any) => c.telephonySessionId === call.sessionId)).toMatchObject({ state: 'ended', endReason: 'CANCEL from the device' });
  });

  it('hold and unhold re-INVITEs: 200 + ACK, and the party is on Hold as after the REST hold', async () => {
    const line = await rig.registered(2);
    const call = await line.softphone.call(IRS_PPS);
    let answered = false;
    call.once('answered', () => (answered = true));
    await advanceUntil(rig.sim, async () => (answered ? true : undefined), 20);
    const token = await ownerToken(rig.sim);
    const party = async (): Promise<string> =>
      (await request(rig.sim, 'GET', `/restapi/v1.0/account/~/telephony/sessions/${call.sessionId}/parties/${call.partyId}`, { token })).body.status.code;

    await call.hold();
    expect(await party()).toBe('Hold');
    await call.unhold();
    expect(await party()).toBe('Answered');
    const status = await control(rig.sim, 'GET', '/_sim/sip');
    // Both 200s (INVITE, re-INVITEs) were ACKed: nothing is being retransmitted.
    expect(status.calls.find((c: any) => c.telephonySessionId === call.sessionId)).toMatchObject({ state: 'answered', awaitingAck: false });
    await call.hangup();
    await waitForCall(rig.sim, call.sessionId, (r) => r.endedAt !== null);
  });
});
