/**
 * Busy lines, two calls on one device, and the SIP fault hooks, with the unchanged ringcentral-softphone@1.3.7:
 * 486 after the 183 (the library emits `busy`) for the all-busy scenario and for `busyNextInvites`; a device's
 * connection cut mid-call ends its calls; refused TLS; a reset ends SIP calls with a BYE.
 */
import { describe, expect, it } from 'vitest';
import { control } from '../../support/simulator-harness.ts';
import { IRS_PPS, eventually, once, softphoneFor, sipRig, waitForCall } from './softphone-harness.ts';
import type { Device } from './softphone-harness.ts';

describe('busy, concurrency and SIP faults', () => {
  const rig = sipRig(4);



  it("'all-busy': 183, then 486 Busy Here; both parties end TargetBusy", async () => {
    await control(rig.sim, 'POST', '/_sim/reset', { scenario: 'all-busy', seed: 42, timeScale: 60 });
    const line = await rig.registered(0);
    const call = await line.softphone.call(IRS_PPS);
    await once(call, 'busy');
    const ended = await waitForCall(rig.sim, call.sessionId, (r) => r.endedAt !== null);
    expect(ended.parties.map((p: { reason?: string }) => p.reason)).toEqual(['TargetBusy', 'TargetBusy']);
    await control(rig.sim, 'POST', '/_sim/reset', { scenario: 'fast-agent', seed: 42, timeScale: 60 });
  });

  it('busyNextInvites: the next INVITE is answered busy, the one after goes through', async () => {
    const line = await rig.registered(1);
    expect(await control(rig.sim, 'POST', '/_sim/sip/faults', { busyNextInvites: 1 })).toMatchObject({ busyNextInvites: 1 });
    const first = await line.softphone.call(IRS_PPS);
    await once(first, 'busy');
    const busy = await waitForCall(rig.sim, first.sessionId, (r) => r.endedAt !== null);
    expect(busy.parties.map((p: { reason?: string }) => p.reason)).toEqual(['TargetBusy', 'TargetBusy']);
    const second = await line.softphone.call(IRS_PPS);
    await once(second, 'answered');
    const disposed = once(second, 'disposed');
    await second.hangup();
    await disposed;
  });

  it('two calls on one device at once, each with its own ids and audio', async () => {
    const line = await rig.registered(2);
    const [a, b] = await Promise.all([line.softphone.call(IRS_PPS), line.softphone.call(IRS_PPS)]);
    expect(a.sessionId).not.toBe(b.sessionId);
    const counts = new Map([[a, 0], [b, 0]]);
    for (const call of [a, b]) call.on('audioPacket', () => counts.set(call, (counts.get(call) ?? 0) + 1));
    await Promise.all([once(a, 'answered'), once(b, 'answered')]);
    await eventually(() => ([...counts.values()].every((n) => n >= 10) ? true : undefined), 5000, 'audio on both calls');
    const status = await control(rig.sim, 'GET', '/_sim/sip');
    const live = status.calls.filter((c: any) => c.deviceId === rig.devices[2]?.deviceId && c.state === 'answered');
    expect(live.map((c: any) => c.telephonySessionId).sort()).toEqual([a.sessionId, b.sessionId].sort());
    for (const call of [a, b]) {
      const disposed = once(call, 'disposed');
      await call.hangup();
      await disposed;
    }
  });

  it("cutting a device's TLS connection mid-call ends its call; the simulator carries on", async () => {
    const line = await rig.registered(3);
    const call = await line.softphone.call(IRS_PPS);
    await once(call, 'answered');
    const closed = once(line.softphone.client, 'close');
    expect(await control(rig.sim, 'POST', `/_sim/sip/devices/${rig.devices[3]?.deviceId}/disconnect`)).toEqual({ closed: 1 });
    await closed;
    const ended = await waitForCall(rig.sim, call.sessionId, (r) => r.endedAt !== null);
    expect(ended.milestones.hangupBy).toBe('caller');
    expect(ended.timeline.find((e: any) => e.event === 'hangup' && e.by === 'caller').detail).toEqual({ sip: 'connection lost' });
    const again = await rig.registered(3);
    expect(again.errors).toEqual([]);
  });

  it('refuseTls: new connections are cut; the client sees an error event, not a crash', async () => {
    await control(rig.sim, 'POST', '/_sim/sip/faults', { refuseTls: true });
    const line = softphoneFor(rig.devices[0] as Device);
    rig.lines.push(line);
    await eventually(() => (line.errors.length > 0 ? true : undefined), 5000, 'a TLS error');
    expect(await control(rig.sim, 'DELETE', '/_sim/sip/faults')).toEqual({ refuseTls: false, busyNextInvites: 0 });
  });

  it('a reset ends live SIP calls with a BYE from the server', async () => {
    const line = await rig.registered(0);
    const call = await line.softphone.call(IRS_PPS);
    await once(call, 'answered');
    const disposed = once(call, 'disposed');
    await control(rig.sim, 'POST', '/_sim/reset', {});
    await disposed;
    const status = await control(rig.sim, 'GET', '/_sim/sip');
    expect(status.calls.find((c: any) => c.telephonySessionId === call.sessionId)).toMatchObject({ state: 'ended', endReason: 'simulator reset' });
  });
});
