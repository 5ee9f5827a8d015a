/**
 * Line mode `softphone`, 6 and then 70 lines: every line is a SIP call placed by the unchanged
 * ringcentral-softphone library from the line's own Existing Phone device, against the simulator's SIP listener
 * (TLS, digest auth, SRTP). The product keys the IVR as RFC 4733 DTMF, hears each line — frame by frame what the
 * simulator sent, µ-law decoded — hangs the losers up with BYE, and hands the winner off with the REST transfer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { SIMULATOR_SEED, control } from '../support/simulator-harness.ts';
import { decodeMuLaw } from '../../src/media/mu-law.ts';
import type { CallView } from '../../src/engine/hunt-types.ts';
import { knownPromptsFrom } from '../../src/engine/line-listening.ts';
import { saveDestination } from '../../src/engine/destination-store.ts';
import { readDetections } from '../../src/engine/detection-records.ts';
import { LoopLibrary, RedisLoopLibraryStore, createLineDetector } from '../../src/detection/index.ts';
import { labelledLineRecordings } from '../../src/simulator/line/audio/labelled-recordings.ts';
import { listenRoute } from '../../src/web/listen-route.ts';
import { ChannelFan } from '../../src/store/channel-fan.ts';
import { loadFixtures } from '../../src/simulator/line/audio/fixture-library.ts';
import { buildHoldLoop } from '../../src/simulator/line/hold-loop.ts';
import { getScenario } from '../../src/simulator/line/scenarios.ts';

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
      // Frames the pacer skipped under load shift what follows: read out far enough to cover them.
      const window = received.length + sip!.audio.skippedFrames + 10;
      const readout = new Uint8Array(await (await fetch(`${h.sim.url}/_sim/calls/${call.telephonySessionId}/audio?from=${from}&frames=${window}`)).arrayBuffer());
      const sent = Array.from({ length: window }, (_, i) => decodeMuLaw(readout.subarray(i * FRAME, (i + 1) * FRAME)));
      if (sip!.audio.skippedFrames === 0) {
        expect(received.map((f) => Buffer.from(f.buffer).toString('base64'))).toEqual(sent.slice(0, received.length).map((f) => Buffer.from(f.buffer).toString('base64')));
      } else {
        // The simulator's pacer skipped frames under load: every frame heard must still be one it sent.
        const sentSet = new Set(sent.map((f) => Buffer.from(f.buffer).toString('base64')));
        const matched = received.filter((f) => sentSet.has(Buffer.from(f.buffer).toString('base64'))).length;
        expect(matched / received.length).toBeGreaterThan(0.9);
      }
    }
  }
});

/**
 * Hunts that listen: 20 hunts over softphone lines with nobody confirming by hand. Each line hears the simulated
 * IRS line (IVR prompts, the hold loop's music and announcements, then an agent's greeting); the detector in the
 * engine confirms the agent and the hunt hands that call off. The destination's hold loop was learned by earlier
 * hunts (kept in Redis), as it would be after a firm's first day.
 */
describe('hunts with live-agent detection', () => {
  let h: EngineHarness;
  const JOBS = 20;
  const LINES = 2;
  /** A destination whose hold loop earlier hunts learned (kept in Redis). */
  async function listenedDestination() {
    // The script must cover the IVR, as the PPS default does: its prompts are recordings, but until the menus are
    // done the detector does not listen at all (the simulated IVR ends about 25 s after the answer).
    const destination = { ...QUICK_IVR_DESTINATION, id: 'test-pps-listening', ivr: [{ digits: '1', afterMs: 2_000 }, { digits: '2', afterMs: 20_000 }] };
    const loop = buildHoldLoop({ seed: SIMULATOR_SEED, toNumber: QUICK_IVR_DESTINATION.phoneNumber, params: getScenario('fast-agent').hold.loop, fixtures: loadFixtures() });
    const library = new LoopLibrary();
    const learner = createLineDetector({ loopLibrary: library });
    const pcm = decodeMuLaw(loop.audio);
    for (let pass = 0, t = 0; pass < 2; pass++) for (let i = 0; i + FRAME <= pcm.length; i += FRAME, t += 20) learner.pushFrame(pcm.subarray(i, i + FRAME), t);
    expect(library.mature).toBe(true);
    await library.save(new RedisLoopLibraryStore(h.redis), destination.id);
    await saveDestination(h.redis, destination);
    return destination;
  }

  beforeAll(async () => {
    h = await startEngineHarness({ db: 12, lineMode: 'softphone', relaxLimits: true, detection: { knownPrompts: knownPromptsFrom(labelledLineRecordings()) } });
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  });

  it('plays a line live: the browser gets 16-bit PCM decoded from what the line hears', async () => {
    const fan = new ChannelFan(h.redis);
    const app = listenRoute({ redis: h.redis, jobs: h.engine.commands, fan, markMs: 600 });
    const job = await h.engine.commands.create({ lines: 1, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const call = await eventually(async () => (await h.engine.commands.get(job.id))?.calls.find((c) => c.status === 'ivr' || c.status === 'holding'), 60_000);
    expect((await app.request(`/jobs/${job.id}/calls/nope/listen.wav`)).status).toBe(404);
    const response = await app.request(`/jobs/${job.id}/calls/${call.callId}/listen.wav`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (size < 44 + 2 * 8000) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
    await reader.cancel();
    const bytes = Buffer.concat(chunks);
    expect([bytes.toString('ascii', 0, 4), bytes.readUInt16LE(20), bytes.readUInt32LE(24), bytes.readUInt16LE(34)]).toEqual(['RIFF', 1, 8000, 16]);
    const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + 44 + 2 * 8000));
    // Decoded with the ITU table: every sample is one of the 256 μ-law levels, and the line is not silent.
    const levels = new Set(decodeMuLaw(Uint8Array.from({ length: 256 }, (_, i) => i)));
    expect(pcm.every((v) => levels.has(v))).toBe(true);
    expect(Math.sqrt(pcm.reduce((sum, v) => sum + v * v, 0) / pcm.length)).toBeGreaterThan(100);
    // What the browser got is what the device heard from the simulator, frame for frame.
    const heard = new Set(frames(await lineAudio(call.telephonySessionId!)).map(key));
    expect(frames(pcm).filter((f) => heard.has(key(f))).length / frames(pcm).length).toBeGreaterThan(0.9);
    await h.engine.commands.send(job.id, { type: 'cancel' }, 'test-operator');
    await waitForJob(h, job.id, 'cancelled', 60_000);
    expect((await app.request(`/jobs/${job.id}/calls/${call.callId}/listen.wav`)).status).toBe(409);
    await fan.close();

    async function lineAudio(sessionId: string): Promise<Int16Array> {
      const { calls } = await control<{ calls: SipCallView[] }>(h.sim, 'GET', '/_sim/sip');
      const sip = calls.find((c) => c.telephonySessionId === sessionId)!;
      const from = Date.parse(sip.audio.firstFrameAt!);
      const count = sip.audio.frames + 50;
      return decodeMuLaw(new Uint8Array(await (await fetch(`${h.sim.url}/_sim/calls/${sessionId}/audio?from=${from}&frames=${count}`)).arrayBuffer()));
    }
  }, 120_000);

  // The simulator has six recorded agents for 40 lines, but each call's agent speaks with a variation of its own
  // (src/simulator/line/audio/agent-voice.ts), as real agents never repeat identical audio; and a line does not
  // teach the shared library the words it hears just before it becomes suspected (an agent's first words). Before
  // both, a recording heard on one line was loop audio on the next, and a hunt could outlast the timeout.
  it('each hunt hands off the call whose agent spoke, and no call before its agent spoke', { timeout: 300_000 }, async () => {
    const destination = await listenedDestination();
    const before = new Set((await control<{ records: AgentReport[] }>(h.sim, 'GET', '/_sim/calls')).records.map((r) => r.telephonySessionId));
    const jobs = await Promise.all(
      Array.from({ length: JOBS }, () => h.engine.commands.create({ lines: LINES, destinationId: destination.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator')),
    );
    expect(jobs.every((job) => job.detection.mode === 'audio')).toBe(true);
    const done = await Promise.all(jobs.map((job) => waitForJob(h, job.id, 'completed', 240_000)));
    // This test's calls only (the simulator also holds the earlier tests' calls).
    const records = (await control<{ records: AgentReport[] }>(h.sim, 'GET', '/_sim/calls')).records.filter((r) => !before.has(r.telephonySessionId));
    const bySession = new Map(records.map((r) => [r.telephonySessionId, r]));
    for (const job of done) {
      const winner = job.calls.find((c) => c.callId === job.winnerCallId);
      const report = bySession.get(winner?.telephonySessionId ?? '');
      expect(report?.milestones.transferReceivedAt, `${job.id} handed off`).toBeTruthy();
      const pickup = report!.timeline.find((e) => e.event === 'agent-pickup');
      expect(pickup, `${job.id}: the handed-off call has an agent`).toBeDefined();
      // The agent had started to speak when the transfer reached RingCentral.
      expect(Date.parse(report!.milestones.transferReceivedAt!)).toBeGreaterThanOrEqual(pickup!.detail!.greetingStartAt as number);
      // Confirmed by the detector, not by a person.
      const confirmed = (await readDetections(h.redis, job.id)).find((d) => d.mode === 'live' && d.event === 'confirmed' && d.callId === winner!.callId);
      expect(confirmed, `${job.id}: detector confirmation`).toBeDefined();
    }
    // No call was handed off before its agent spoke, in any hunt.
    for (const report of records.filter((r) => r.milestones.transferReceivedAt !== null)) {
      const pickup = report.timeline.find((e) => e.event === 'agent-pickup');
      expect(pickup, `${report.telephonySessionId} transferred without an agent`).toBeDefined();
      expect(Date.parse(report.milestones.transferReceivedAt!)).toBeGreaterThanOrEqual(pickup!.detail!.greetingStartAt as number);
    }
    expect(records.filter((r) => r.milestones.transferReceivedAt !== null)).toHaveLength(JOBS);
  });
});

interface AgentReport {
  telephonySessionId: string;
  milestones: { transferReceivedAt: string | null };
  timeline: { event: string; detail?: Record<string, unknown> }[];
}

const frames = (pcm: Int16Array): Int16Array[] => Array.from({ length: Math.floor(pcm.length / FRAME) }, (_, i) => pcm.subarray(i * FRAME, (i + 1) * FRAME));
const key = (frame: Int16Array): string => Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64');
