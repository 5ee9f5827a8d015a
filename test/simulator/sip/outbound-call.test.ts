/**
 * A call from a registered device to the IRS PPS line over SIP, with the unchanged ringcentral-softphone@1.3.7:
 * 407 challenge, 183 with SDP and `p-rc-api-ids`, 200 once the IRS answers, SRTP audio the device hears (PCMU and
 * OPUS/16000), the same ids the REST API and the control API show, and BYE either way.
 */
import { describe, expect, it } from 'vitest';
import { muLawRms } from '../../../src/simulator/line/index.ts';
import { control } from '../../support/simulator-harness.ts';
import { ownerToken, request } from '../sim-client.ts';
import { IRS_PPS, eventually, once, sipRig, waitForCall } from './softphone-harness.ts';

describe('outbound SIP calls to the IRS line', () => {
  const rig = sipRig(4);



  it('places the call through the registry: same ids over SIP, REST and /_sim/calls; PCMU audio; client BYE', async () => {
    const line = await rig.registered(0);
    const call = await line.softphone.call(IRS_PPS);
    const answered = once(call, 'answered');
    const audio: Buffer[] = [];
    call.on('audioPacket', (packet: { payload: Buffer }) => audio.push(packet.payload));

    const report = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
    expect(report.deviceId).toBe(rig.devices[0]?.deviceId);
    expect(report.parties[0]).toMatchObject({ id: call.partyId, role: 'caller' });
    const token = await ownerToken(rig.sim);
    const rest = await request(rig.sim, 'GET', `/restapi/v1.0/account/~/telephony/sessions/${call.sessionId}`, { token });
    expect(rest.status).toBe(200);
    expect(rest.body.origin).toEqual({ type: 'Call' });
    expect(rest.body.parties[0]).toMatchObject({ id: call.partyId, direction: 'Outbound', from: { deviceId: rig.devices[0]?.deviceId } });

    await answered;
    await eventually(() => (audio.length >= 25 ? true : undefined), 5000, '25 audio packets');
    expect(audio.every((p) => p.length === 160)).toBe(true);
    const loud = audio.filter((p) => muLawRms(p) > 100);
    expect(loud.length).toBeGreaterThan(0);
    // Frame by frame what the line's far end played, as the audio read-out gives it (PCMU is not re-encoded).
    const heard = Buffer.concat(audio);
    const sip = (await control(rig.sim, 'GET', '/_sim/sip')).calls.find((c: any) => c.telephonySessionId === call.sessionId);
    expect(sip.audio.skippedFrames).toBe(0);
    const from = Date.parse(sip.audio.firstFrameAt);
    const readout = Buffer.from(await (await fetch(`${rig.sim.url}/_sim/calls/${call.sessionId}/audio?from=${from}&frames=${heard.length / 160}`)).arrayBuffer());
    expect(heard.equals(readout)).toBe(true);

    const disposed = once(call, 'disposed');
    await call.hangup();
    await disposed; // the simulator's 200 to the BYE is what disposes the client session
    const ended = await waitForCall(rig.sim, call.sessionId, (r) => r.endedAt !== null);
    expect(ended.milestones.hangupBy).toBe('caller');
    expect(ended.parties.map((p: { status: string }) => p.status)).toEqual(['Disconnected', 'Disconnected']);
    expect(line.errors).toEqual([]);
  });

  it.each([
    ['OPUS/16000', 1, 640], // device index, decoded bytes per 20 ms
    ['OPUS/48000/2', 3, 3840],
  ] as const)('%s: 20 ms frames of the line audio, decoded by the library', async (codec, device, bytes) => {
    const line = await rig.registered(device, codec);
    const call = await line.softphone.call(IRS_PPS);
    const audio: Buffer[] = [];
    call.on('audioPacket', (packet: { payload: Buffer }) => audio.push(packet.payload));
    await once(call, 'answered');
    await eventually(() => (audio.length >= 25 ? true : undefined), 5000, '25 audio packets');
    expect(audio.every((p) => p.length === bytes)).toBe(true);
    const status = await control(rig.sim, 'GET', '/_sim/sip');
    expect(status.calls.find((c: { telephonySessionId: string }) => c.telephonySessionId === call.sessionId)).toMatchObject({ codec, state: 'answered', awaitingAck: false });
    const disposed = once(call, 'disposed');
    await call.hangup();
    await disposed;
  });

  it('a number inside the account rings that queue, as a call-out to it does: 200 once a member answers', async () => {
    const line = await rig.registered(0);
    const call = await line.softphone.call('801');
    await once(call, 'answered');
    const report = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
    expect(report.parties).toMatchObject([{ role: 'caller', status: 'Answered' }, { role: 'firm', status: 'Answered' }]);
    expect(report.plan).toBeNull(); // no IRS line behind it
    const disposed = once(call, 'disposed');
    await call.hangup();
    await disposed;
  });

  it('the IRS hanging up sends a BYE from the server', async () => {
    const line = await rig.registered(2);
    const call = await line.softphone.call(IRS_PPS);
    await once(call, 'answered');
    const disposed = once(call, 'disposed');
    await control(rig.sim, 'POST', `/_sim/calls/${call.sessionId}/disconnect`);
    await disposed;
    const ended = await waitForCall(rig.sim, call.sessionId, (r) => r.endedAt !== null);
    expect(ended.milestones.hangupBy).toBe('irs');
    const status = await control(rig.sim, 'GET', '/_sim/sip');
    expect(status.calls.find((c: { telephonySessionId: string }) => c.telephonySessionId === call.sessionId)).toMatchObject({ state: 'ended' });
  });
});
