/**
 * Line mode `softphone`: every line is a SIP call placed by the unchanged ringcentral-softphone library from the
 * line's own device, against the simulator's SIP listener (TLS, digest auth, SRTP). The product keys the IVR
 * as RFC 4733 DTMF, hears each line (µ-law decoded to linear audio), hangs the losers up with BYE, and hands the
 * winner off with the REST transfer — with RingCentral's real rate limits on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness({ db: 12, lineMode: 'softphone' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

interface Report {
  telephonySessionId: string;
  origin?: string;
  endedAt: string | null;
  milestones: { ivrCompletedAt: string | null; hangupBy: string | null };
}

describe('a hunt over softphone lines', () => {
  it('keys the IVR, hears the lines, transfers one and hangs up the rest', async () => {
    const heard = new Map<string, number>();
    const loudest = new Map<string, number>();
    h.audio.subscribeAll((sessionId, frame) => {
      heard.set(sessionId, (heard.get(sessionId) ?? 0) + 1);
      let peak = 0;
      for (const sample of frame.pcm) peak = Math.max(peak, Math.abs(sample));
      loudest.set(sessionId, Math.max(loudest.get(sessionId) ?? 0, peak));
    });
    const job = await h.engine.commands.create({ lines: 4, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const holding = await eventually(async () => {
      const held = (await h.engine.commands.get(job.id))?.calls.filter((c) => c.status === 'holding') ?? [];
      return held.length >= 2 ? held : undefined;
    }, 90_000);
    // The IVR was passed by our DTMF (no postfix rides on a SIP call).
    const reports = await eventually(async () => {
      const all = await Promise.all(holding.map((c) => control<Report>(h.sim, 'GET', `/_sim/calls/${c.telephonySessionId}`)));
      return all.every((r) => r.milestones.ivrCompletedAt !== null) ? all : undefined;
    }, 30_000);
    expect(reports.length).toBe(holding.length);
    // Each line is heard as audio (decoded from µ-law, not read as PCM: real speech and music have peaks).
    for (const call of holding) {
      expect(heard.get(call.telephonySessionId!) ?? 0).toBeGreaterThan(50);
      expect(loudest.get(call.telephonySessionId!) ?? 0).toBeGreaterThan(1000);
    }

    const chosen = holding[0]!;
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);
    await waitForJob(h, job.id, 'completed', 60_000);
    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);
  }, 180_000);
});
