/**
 * The IRS voice check hears the caller: speech on the device's uplink RTP after the beep, inside the window,
 * passes it and the call goes on to hold; silence fails it ("we could not verify", hang-up). The device is the
 * unchanged ringcentral-softphone@1.3.7 over SIP/SRTP, speaking through the product's own UplinkAudio (the
 * talk-through writer), in PCMU and in OPUS/16000. The simulator runs on a ManualClock (the IVR takes ~25 s of
 * recordings); audio and SIP keep real time.
 */
import { describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../src/simulator/simulator-server.ts';
import { ManualClock } from '../../../src/simulator/sim-clock.ts';
import { loadFixtures } from '../../../src/simulator/line/audio/fixture-library.ts';
import { UplinkAudio } from '../../../src/telephony/softphone/uplink-audio.ts';
import { control } from '../../support/simulator-harness.ts';
import { manualClock } from '../sim-client.ts';
import { IRS_PPS, eventually, sleep, sipRig } from './softphone-harness.ts';
import type { Codec, SipLine } from './softphone-harness.ts';

const FRAME = 160;

async function advanceUntil<T>(sim: RunningSimulator, check: () => Promise<T | undefined>, stepMs = 200, maxMs = 180_000): Promise<T> {
  for (let advanced = 0; advanced <= maxMs; advanced += stepMs) {
    const value = await check();
    if (value !== undefined) return value;
    manualClock(sim).advance(stepMs);
    await sleep(2);
  }
  throw new Error(`not reached within ${maxMs} ms of simulator time`);
}

/** Sends `ulaw` as 20 ms RTP frames, paced in real time. */
async function speak(uplink: UplinkAudio, ulaw: Uint8Array): Promise<void> {
  for (let at = 0, first = true; at + FRAME <= ulaw.length; at += FRAME, first = false) {
    uplink.send(ulaw.subarray(at, at + FRAME), { first });
    await sleep(20);
  }
}

describe('the IRS voice check over SIP', () => {
  const rig = sipRig(3, { scenario: 'voice-check', timeScale: 60, makeClock: (scale) => new ManualClock(Date.now(), scale) });

  /** A call through the IVR to the voice check, its beep reached on the simulator clock. Redials a call whose plan ends before it. */
  async function atVoiceCheck(line: SipLine) {
    for (let attempt = 0; attempt < 6; attempt++) {
      const call = await line.softphone.call(IRS_PPS);
      let answered = false;
      call.once('answered', () => (answered = true));
      const report = await advanceUntil(rig.sim, async () => {
        const r = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
        return (answered && r.phase === 'ivr') || r.endedAt ? r : undefined;
      }, 20);
      if (!report.plan?.voiceCheck || report.endedAt) {
        await call.hangup().catch(() => undefined);
        continue;
      }
      await sleep(100); // the device's "hello" reaches the media port first
      call.sendDTMF('1');
      await sleep(300);
      call.sendDTMF('2');
      const asked = await advanceUntil(rig.sim, async () => {
        const r = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
        return r.phase === 'voice-check' || r.endedAt ? r : undefined;
      });
      if (asked.phase !== 'voice-check') continue;
      const entry = asked.timeline.find((e: { event: string }) => e.event === 'voice-check');
      const { listensFromAt, responseWindowMs } = entry.detail as { listensFromAt: number; responseWindowMs: number };
      const clock = manualClock(rig.sim);
      clock.advance(listensFromAt - clock.now() + 20);
      return { call, responseWindowMs, listensFromAt };
    }
    throw new Error('no call reached the voice check');
  }

  it.each<Codec>(['PCMU/8000', 'OPUS/16000'])('passes when the caller speaks after the beep (%s)', async (codec) => {
    const line = await rig.registered(codec === 'PCMU/8000' ? 0 : 1, codec);
    const { call } = await atVoiceCheck(line);
    const uplink = new UplinkAudio(call);
    await speak(uplink, loadFixtures().get('agent-kim-greeting').audio.subarray(0, 8000 * 1.5));

    const answered = await eventually(async () => {
      const r = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
      return r.milestones.voiceCheckAnsweredAt ? r : undefined;
    }, 5_000, 'the answer heard');
    const entry = answered.timeline.find((e: { event: string }) => e.event === 'voice-check-answered');
    expect(entry.by).toBe('caller');
    expect(entry.detail).toMatchObject({ via: 'speech' });
    expect(entry.detail.voicedMs).toBeGreaterThanOrEqual(300);
    const sip = (await control(rig.sim, 'GET', '/_sim/sip')).calls.find((c: { telephonySessionId: string }) => c.telephonySessionId === call.sessionId);
    expect(sip.media.rejected).toBe(0);

    // "Thank you", then the queue: the call goes on to hold.
    const held = await advanceUntil(rig.sim, async () => {
      const r = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
      return r.milestones.holdStartAt ? r : undefined;
    });
    expect(held.endedAt).toBeNull();
    expect(held.timeline.some((e: { event: string }) => e.event === 'voice-check-failed')).toBe(false);
    await call.hangup();
  }, 120_000);

  it('fails with "we could not verify" and a hang-up when the caller sends only silence', async () => {
    const line = await rig.registered(2);
    const { call, responseWindowMs, listensFromAt } = await atVoiceCheck(line);
    await speak(new UplinkAudio(call), new Uint8Array(8000).fill(0xff));
    await sleep(100);
    const clock = manualClock(rig.sim);
    clock.advance(listensFromAt + responseWindowMs - clock.now() + 20);

    const failed = await advanceUntil(rig.sim, async () => {
      const r = await control(rig.sim, 'GET', `/_sim/calls/${call.sessionId}`);
      return r.endedAt ? r : undefined;
    });
    expect(failed.milestones.voiceCheckAnsweredAt).toBeNull();
    const entry = failed.timeline.find((e: { event: string }) => e.event === 'voice-check-failed');
    // The check heard the caller's second of silence: audio, but no voice.
    expect(entry.detail.heardMs).toBeGreaterThan(500);
    expect(entry.detail.voicedMs).toBe(0);
    expect(failed.timeline.find((e: { event: string }) => e.event === 'hangup')?.detail).toMatchObject({ reason: 'voice-check-failed' });
  }, 120_000);
});
