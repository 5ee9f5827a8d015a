/**
 * The IRS voice check answered by a person through the product, over real softphone lines: the simulator's
 * `voice-check` line asks its question, the detector escalates it as an operator alert (never answering it), the
 * operator's voice goes in through the dashboard's talk route → Redis → the engine holding the line → RTP, the
 * simulated IRS hears speech and lets the call through to hold, detection resumes and the alert goes, and the
 * agent who then picks up is confirmed by the detector and handed off. A Redis of the test's own (the harness
 * flushes its database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { SIMULATOR_SEED, control } from '../support/simulator-harness.ts';
import { knownPromptsFrom } from '../../src/engine/line-listening.ts';
import { saveDestination } from '../../src/engine/destination-store.ts';
import { readDetections } from '../../src/engine/detection-records.ts';
import { LoopLibrary, RedisLoopLibraryStore, createLineDetector } from '../../src/detection/index.ts';
import { labelledLineRecordings } from '../../src/simulator/line/audio/labelled-recordings.ts';
import { loadFixtures } from '../../src/simulator/line/audio/fixture-library.ts';
import { buildHoldLoop } from '../../src/simulator/line/hold-loop.ts';
import { getScenario } from '../../src/simulator/line/scenarios.ts';
import { decodeMuLaw } from '../../src/media/mu-law.ts';
import { talkRoute } from '../../src/web/talk-route.ts';
import type { CallView } from '../../src/engine/hunt-types.ts';

const FRAME = 160;
const CHUNK = 5 * FRAME; // 100 ms per request, as the browser sends

interface Entry {
  at: string;
  event: string;
  by?: string;
  detail?: Record<string, unknown>;
}
interface Report {
  phase: string | null;
  endedAt: string | null;
  milestones: { voiceCheckAt: string | null; voiceCheckAnsweredAt: string | null; holdStartAt: string | null; transferReceivedAt: string | null };
  timeline: Entry[];
}

let redisServer: PrivateRedis;
let h: EngineHarness;

beforeAll(async () => {
  redisServer = await startPrivateRedis();
  h = await startEngineHarness({
    db: 0,
    redisUrl: redisServer.url,
    lineMode: 'softphone',
    relaxLimits: true,
    sim: { scenario: 'voice-check' },
    detection: { knownPrompts: knownPromptsFrom(labelledLineRecordings()) },
  });
}, 90_000);

afterAll(async () => {
  await h?.close();
  await redisServer?.close();
});

/** A destination whose hold loop earlier hunts learned, so the detector can confirm an agent after the check. */
async function listenedDestination() {
  const destination = { ...QUICK_IVR_DESTINATION, id: 'test-pps-voice-check', ivr: [{ digits: '1', afterMs: 2_000 }, { digits: '2', afterMs: 20_000 }] };
  const loop = buildHoldLoop({ seed: SIMULATOR_SEED, toNumber: QUICK_IVR_DESTINATION.phoneNumber, params: getScenario('voice-check').hold.loop, fixtures: loadFixtures() });
  const library = new LoopLibrary();
  const learner = createLineDetector({ loopLibrary: library });
  const pcm = decodeMuLaw(loop.audio);
  for (let pass = 0, t = 0; pass < 2; pass++) for (let i = 0; i + FRAME <= pcm.length; i += FRAME, t += 20) learner.pushFrame(pcm.subarray(i, i + FRAME), t);
  await library.save(new RedisLoopLibraryStore(h.redis), destination.id);
  await saveDestination(h.redis, destination);
  return destination;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the IRS voice check, answered by an operator', () => {
  it('is escalated, answered through talk-through, and the hunt goes on to hand off the agent', { timeout: 300_000 }, async () => {
    const destination = await listenedDestination();
    const talk = talkRoute({ redis: h.redis, jobs: h.engine.commands });
    const job = await h.engine.commands.create({ lines: 1, destinationId: destination.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');

    // The detector recognises the question and alerts the operators (a line whose plan ends earlier is redialled).
    const alerted = await eventually(async () => {
      const view = await h.engine.commands.get(job.id);
      const alert = view?.alerts.find((a) => a.kind === 'voice-check');
      return alert ? { view: view!, alert } : undefined;
    }, 180_000, 'the voice-check alert');
    const call = alerted.view.calls.find((c) => c.callId === alerted.alert.callId) as CallView;
    const report = () => control<Report>(h.sim, 'GET', `/_sim/calls/${call.telephonySessionId}`);
    const asked = await report();
    expect(asked.phase).toBe('voice-check');
    expect(asked.milestones.voiceCheckAnsweredAt).toBeNull();
    // Nothing went up the line but the IVR's digits (12 RFC 4733 packets): the machine does not answer.
    const sipCall = async () => (await control<{ calls: { telephonySessionId: string; media: { received: number } }[] }>(h.sim, 'GET', '/_sim/sip')).calls.find((c) => c.telephonySessionId === call.telephonySessionId)!;
    const beforeTalk = (await sipCall()).media.received;
    expect(beforeTalk).toBeLessThanOrEqual(12);

    // The operator hears the beep, then answers: 1.5 s of a voice, 100 ms per request, in real time.
    const listensFrom = asked.timeline.find((e) => e.event === 'voice-check')!.detail!.listensFromAt as number;
    await sleep(Math.max(0, listensFrom - Date.now()));
    const voice = loadFixtures().get('agent-kim-greeting').audio.subarray(0, 8000 * 1.5);
    const talkedAt = Date.now();
    for (let at = 0; at + CHUNK <= voice.length; at += CHUNK) {
      const response = await talk.request(`/jobs/${job.id}/calls/${call.callId}/talk`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: voice.slice(at, at + CHUNK) });
      expect(response.status).toBe(204);
      await sleep(100);
    }

    const answered = await eventually(async () => {
      const r = await report();
      return r.milestones.voiceCheckAnsweredAt ? r : undefined;
    }, 10_000, 'the IRS to hear the answer');
    const entry = answered.timeline.find((e) => e.event === 'voice-check-answered')!;
    expect(entry.detail).toMatchObject({ via: 'speech' });
    expect(Date.parse(answered.milestones.voiceCheckAnsweredAt!)).toBeGreaterThanOrEqual(talkedAt);
    // Paced frames, in order, none rejected by SRTP: what the operator said, and only that.
    const talked = (await sipCall()).media.received - beforeTalk;
    expect(talked).toBeGreaterThan(50);
    expect(talked).toBeLessThanOrEqual(voice.length / FRAME);

    // The operator stops; detection resumes and the alert goes.
    await eventually(async () => ((await h.engine.commands.get(job.id))?.alerts.length === 0 ? true : undefined), 10_000, 'the alert to clear');
    await eventually(async () => ((await report()).milestones.holdStartAt ? true : undefined), 20_000, 'hold after the check');

    // An agent picks up; the detector confirms them and the hunt hands the line off.
    await sleep(3_000);
    await control(h.sim, 'POST', `/_sim/calls/${call.telephonySessionId}/pickup`);
    const done = await waitForJob(h, job.id, 'completed', 90_000);
    expect(done.winnerCallId).toBe(call.callId);
    await expectOneTransferAndRestEnded(h, call.telephonySessionId);
    const detections = await readDetections(h.redis, job.id);
    const live = detections.filter((d) => d.mode === 'live' && d.callId === call.callId).map((d) => d.event);
    expect(live).toContain('escalated');
    expect(live.indexOf('escalated')).toBeLessThan(live.lastIndexOf('confirmed'));
    expect(live.filter((e) => e === 'confirmed')).toHaveLength(1);
  });

  it('refuses talk that is not whole μ-law frames, too long, the wrong type, or for a line that is not there', async () => {
    const talk = talkRoute({ redis: h.redis, jobs: h.engine.commands });
    const job = await h.engine.commands.create({ lines: 1, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const post = (path: string, body: Uint8Array, type = 'application/octet-stream') => talk.request(path, { method: 'POST', headers: { 'Content-Type': type }, body });
    const line = `/jobs/${job.id}/calls/call-1/talk`;
    expect((await post(line, new Uint8Array(FRAME), 'text/plain')).status).toBe(415);
    expect((await post(line, new Uint8Array(0))).status).toBe(400);
    expect((await post(line, new Uint8Array(FRAME + 1))).status).toBe(400);
    const tooLong = await post(line, new Uint8Array(FRAME * 101));
    expect(tooLong.status).toBe(413);
    expect(await tooLong.text()).toMatch(/at most 16000 bytes/);
    expect((await post(`/jobs/${job.id}/calls/nope/talk`, new Uint8Array(FRAME))).status).toBe(404);
    expect((await post(`/jobs/nope/calls/call-1/talk`, new Uint8Array(FRAME))).status).toBe(404);
    await h.engine.commands.send(job.id, { type: 'cancel' }, 'test-operator');
    await waitForJob(h, job.id, 'cancelled', 60_000);
    const over = await post(line, new Uint8Array(FRAME));
    expect(over.status).toBe(409);
    expect(await over.text()).toMatch(/is over/);
  }, 120_000);
});
