/**
 * Line mode `softphone`, 6 and then 70 lines: every line is a SIP call placed by the unchanged
 * ringcentral-softphone library from the line's own Existing Phone device, against the simulator's SIP listener
 * (TLS, digest auth, SRTP). The product keys the IVR as RFC 4733 DTMF, hears each line — frame by frame what the
 * simulator sent, µ-law decoded — hangs the losers up with BYE, and hands the winner off with the REST transfer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';
import { decodeMuLaw } from '../../src/media/mu-law.ts';
import type { CallView } from '../../src/engine/hunt-types.ts';

interface Report {
  telephonySessionId: string;
  endedAt: string | null;
  milestones: { ivrCompletedAt: string | null };
  timeline: { event: string; by?: string; detail?: Record<string, unknown> }[];
}

interface SipCallView {
  telephonySessionId: string;
  audio: { firstFrameAt: string | null; frames: number; skippedFrames: number };
}

const FRAME = 160;

describe.each([
  // 6 lines with RingCentral's real limits; 70 with them relaxed, since each new device's sip-info is a Light
  // request (40 a minute at dial priority) — a cold start's cost, not the hunt's.
  { lines: 6, relaxLimits: false },
  { lines: 70, relaxLimits: true },
])('a hunt over $lines softphone lines', ({ lines, relaxLimits }) => {
  let h: EngineHarness;
  const heard = new Map<string, Int16Array[]>();

  beforeAll(async () => {
    h = await startEngineHarness({ db: 12, lineMode: 'softphone', relaxLimits });
    h.audio.subscribeAll((sessionId, frame) => {
      const frames = heard.get(sessionId) ?? [];
      frames.push(frame.pcm);
      heard.set(sessionId, frames);
    });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('keys the IVR, hears every line as sent, transfers one and hangs up the rest with BYE', async () => {
    const job = await h.engine.commands.create({ lines, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    // Most lines holding (the fast-agent scenario's agents may already drop a few, which are then redialled).
    const holding = await eventually(async () => {
      const held = (await h.engine.commands.get(job.id))?.calls.filter((c) => c.status === 'holding') ?? [];
      return held.length >= Math.ceil(lines * 0.8) ? held : undefined;
    }, 120_000);

    // The IVR was passed by our DTMF (no postfix rides on a SIP call).
    await eventually(async () => {
      const reports = await Promise.all(holding.map((c) => control<Report>(h.sim, 'GET', `/_sim/calls/${c.telephonySessionId}`)));
      return reports.every((r) => r.milestones.ivrCompletedAt !== null || r.endedAt !== null) ? reports : undefined;
    }, 30_000);

    await expectHeardAsSent(holding);

    const chosen = holding[0]!;
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);
    await waitForJob(h, job.id, 'completed', 90_000);
    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);

    // Every other line we ended, we ended over SIP (BYE, or CANCEL before the answer), not with REST quota.
    const { records } = await control<{ records: Report[] }>(h.sim, 'GET', '/_sim/calls');
    const ours = records.filter((r) => r.telephonySessionId !== chosen.telephonySessionId && r.timeline.some((e) => e.event === 'hangup' && e.by === 'caller'));
    expect(ours.length).toBeGreaterThan(0);
    for (const report of ours) {
      const hangup = report.timeline.find((e) => e.event === 'hangup' && e.by === 'caller');
      expect(['BYE', 'CANCEL']).toContain(hangup?.detail?.sip);
    }
  }, 300_000);

  /** What each line heard is, frame by frame, the µ-law the simulator sent for that call (decoded). */
  async function expectHeardAsSent(calls: CallView[]): Promise<void> {
    const { calls: sipCalls } = await control<{ calls: SipCallView[] }>(h.sim, 'GET', '/_sim/sip');
    for (const call of calls) {
      const received = (heard.get(call.telephonySessionId!) ?? []).slice(0, 50);
      expect(received.length, `audio of ${call.callId}`).toBeGreaterThan(10);
      const sip = sipCalls.find((c) => c.telephonySessionId === call.telephonySessionId);
      expect(sip?.audio.firstFrameAt).toBeTruthy();
      const from = Date.parse(sip!.audio.firstFrameAt!);
      const readout = new Uint8Array(await (await fetch(`${h.sim.url}/_sim/calls/${call.telephonySessionId}/audio?from=${from}&frames=${received.length}`)).arrayBuffer());
      const sent = Array.from({ length: received.length }, (_, i) => decodeMuLaw(readout.subarray(i * FRAME, (i + 1) * FRAME)));
      if (sip!.audio.skippedFrames === 0) {
        expect(received.map((f) => Buffer.from(f.buffer).toString('base64'))).toEqual(sent.map((f) => Buffer.from(f.buffer).toString('base64')));
      } else {
        // The simulator's pacer skipped frames under load: every frame heard must still be one it sent.
        const sentSet = new Set(sent.map((f) => Buffer.from(f.buffer).toString('base64')));
        const matched = received.filter((f) => sentSet.has(Buffer.from(f.buffer).toString('base64'))).length;
        expect(matched / received.length).toBeGreaterThan(0.9);
      }
    }
  }
});
