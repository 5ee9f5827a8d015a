/**
 * Detection wired to the engine: the frames a softphone line publishes are listened to, live decisions reach the
 * job's stream as hunt events, every decision (live and shadow) is recorded with its evidence and a clip, and the
 * IRS voice check becomes an operator alert instead of a confirmation. Real Redis, the production detector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { CallAudioHub } from '../../src/media/call-audio.ts';
import { LineListening } from '../../src/engine/line-listening.ts';
import type { DetectionRecord } from '../../src/engine/line-listening.ts';
import { DetectionSettingsStore } from '../../src/engine/detection-settings.ts';
import { shadowReport } from '../../src/engine/shadow-report.ts';
import { readDetections } from '../../src/engine/detection-records.ts';
import { parseJobStreamEntries } from '../../src/engine/job-stream.ts';
import { writeNewJob } from '../../src/engine/job-records.ts';
import type { JobSpec } from '../../src/engine/hunt-types.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import { KnownPromptLibrary, LoopLibrary, RedisLoopLibraryStore, createLineDetector } from '../../src/detection/index.ts';
import { IVR_SETTLE_MS } from '../../machines/hunt-rules.ts';
import { uniqueId } from '../store/redis-fixture.ts';
import { testRedis } from '../web/web-fixtures.ts';
import { FakeJobCommands } from '../web/fake-job-commands.ts';
import { createApp } from '../../src/web/create-app.tsx';
import { eventually } from '../support/eventually.ts';
import { concat, fixtures, music, pcmOf, silence, stream } from '../detection/support.ts';

const db = testRedis();
const log = pino({ level: 'silent' });
const destinationId = uniqueId('dest');
const loop = concat(music().subarray(0, 20 * 8000), silence(0.5), pcmOf('hold-announcement-1-en'), silence(0.5), music().subarray(8000 * 5, 8000 * 20), pcmOf('hold-announcement-2-en'), silence(0.5));
const CLIP_MS = 1_000;

const jobIds: string[] = [];
let audio: CallAudioHub;
let listening: LineListening;

function spec(jobId: string): JobSpec {
  return {
    id: jobId,
    destination: { id: destinationId, name: 'Test line', phoneNumber: '+18668604259', ivr: [] },
    target: { kind: 'queue', extensionNumber: '801' },
    lines: 2,
    extensionIds: [],
    handoff: 'transfer',
    deadlineAt: Date.now() + 3_600_000,
    detection: 'audio',
    createdAt: Date.now(),
    createdBy: 'tester',
  };
}

async function newLine(label: string): Promise<{ jobId: string; callId: string; sessionId: string }> {
  const jobId = uniqueId(`job-${label}`);
  const callId = 'call-1';
  const sessionId = uniqueId(`s-${label}`);
  await writeNewJob(db.redis, spec(jobId));
  await db.redis.hset(globalKeys.sessionMap, sessionId, `${jobId} ${callId}`);
  db.trackField(globalKeys.sessionMap, sessionId);
  jobIds.push(jobId);
  const keys = jobKeys(jobId);
  db.track(keys.record, keys.events, keys.detections, keys.alerts);
  return { jobId, callId, sessionId };
}

/** Publishes `pcm` as a line's 20 ms frames, as a softphone does, after the listener has picked the line up. */
async function play(sessionId: string, pcm: Int16Array, startAt: number): Promise<number> {
  let at = startAt;
  const frame = (i: number) => ({ pcm: pcm.slice(i, i + 160), sampleRate: 8000, at });
  const before = listening.listening;
  audio.publish(sessionId, frame(0));
  await eventually(() => listening.listening > before || undefined, 10_000, 'the line to be picked up');
  for (let i = 160; i + 160 <= pcm.length; i += 160) {
    at += 20;
    audio.publish(sessionId, frame(i));
  }
  return at;
}

async function streamEvents(jobId: string) {
  const raw = (await db.redis.xrange(jobKeys(jobId).events, '-', '+')) as [string, string[]][];
  return parseJobStreamEntries(raw).map((e) => e.message);
}

beforeAll(async () => {
  // The destination's loop was learned by earlier jobs and kept in Redis.
  const library = new LoopLibrary();
  stream(createLineDetector({ loopLibrary: library }), concat(loop, loop, loop));
  expect(library.mature).toBe(true);
  const store = new RedisLoopLibraryStore(db.redis);
  await library.save(store, destinationId);
  db.track(store.key(destinationId));

  audio = new CallAudioHub();
  const knownPrompts = new KnownPromptLibrary().addMuLaw('voice-check-math-four-plus-one', 'voice-check', fixtures.get('voice-check-math-four-plus-one').audio);
  listening = new LineListening({ redis: db.redis, audio, log, clips: { beforeMs: CLIP_MS, afterMs: CLIP_MS, retentionSeconds: 60 }, knownPrompts, idleMs: 60_000 });
  listening.start();
});

afterAll(async () => {
  await listening.close();
  if (jobIds.length > 0) await db.redis.zrem(globalKeys.jobs, ...jobIds);
  await db.close();
});

describe('listening to softphone lines', () => {
  it('sends the live decisions to the job and records each with its evidence and the audio around it', async () => {
    const settings = new DetectionSettingsStore(db.redis);
    await settings.save(destinationId, { confirmThreshold: 0.95 }, 'engineer@firm', 'shadow');
    db.track(globalKeys.detectionSettingsHistory(destinationId));
    const { jobId, callId, sessionId } = await newLine('agent');
    // Gate: nothing counts before the IVR is done (answer + script + settle); then the loop, then an agent.
    await play(sessionId, concat(silence(IVR_SETTLE_MS / 1000 + 0.5), loop, silence(0.4), pcmOf('agent-kim-greeting'), silence(2)), Date.now());

    const events = await eventually(async () => {
      const hunt = (await streamEvents(jobId)).flatMap((m) => (m.kind === 'result' ? [m.event] : []));
      return hunt.some((e) => e.type === 'call.confirm') ? hunt : undefined;
    }, 10_000);
    expect(events.find((e) => e.type === 'call.suspect')).toMatchObject({ callId });
    expect(events.find((e) => e.type === 'call.confirm')).toMatchObject({ callId, by: 'detector' });
    // Suspected before confirmed, and nothing confirmed twice.
    expect(events.findIndex((e) => e.type === 'call.suspect')).toBeLessThan(events.findIndex((e) => e.type === 'call.confirm'));
    expect(events.filter((e) => e.type === 'call.confirm')).toHaveLength(1);

    const records = await eventually(async () => {
      const all = await readDetections(db.redis, jobId);
      return all.some((r) => r.mode === 'shadow' && r.event === 'confirmed') ? all : undefined;
    }, 10_000);
    const confirmed = records.find((r) => r.mode === 'live' && r.event === 'confirmed') as DetectionRecord;
    expect(confirmed).toMatchObject({ callId, telephonySessionId: sessionId, settingsVersion: 0 });
    expect(confirmed.evidence).toHaveProperty('thresholds');
    // The agent starts speaking after the gate, the loop and the pause.
    const onset = IVR_SETTLE_MS / 1000 + 0.5 + loop.length / 8000 + 0.4;
    expect(confirmed.t).toBeGreaterThan(onset);
    expect(confirmed.t - onset).toBeLessThan(2.5);
    expect(records.find((r) => r.mode === 'shadow' && r.event === 'confirmed')).toMatchObject({ settingsVersion: 1 });

    // The clip: a second before and a second after the decision, as μ-law (8 bytes per ms).
    const clip = await eventually(() => db.redis.getBuffer(confirmed.clip!).then((b) => b ?? undefined), 5_000);
    db.track(...records.flatMap((r) => (r.clip ? [r.clip] : [])));
    expect(clip.length).toBe(2 * CLIP_MS * 8);
    expect(await db.redis.ttl(confirmed.clip!)).toBeGreaterThan(0);

    // The A/B report sees the call under both settings.
    const report = await shadowReport(db.redis, destinationId, 50);
    expect(report).toMatchObject({ calls: 1, bothConfirmed: 1, liveOnly: 0, shadowOnly: 0 });
    expect(report.shadowSoonerSeconds?.n).toBe(1);

    // Engineers replay the decision's audio (a μ-law WAV) and label what it really was.
    const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: '', connected: true }), webhooks: { redis: db.redis, verificationToken: 'unused', log }, jobs: new FakeJobCommands(), apiToken: 'review' });
    const api = (method: string, path: string, body?: unknown) =>
      Promise.resolve(app.request(`/api/v1/jobs/${jobId}${path}`, { method, headers: { Authorization: 'Bearer review', 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
    const { detections } = (await (await api('GET', `/detections?callId=${callId}`)).json()) as { detections: { id: string; event: string; mode: string; label?: unknown }[] };
    const decision = detections.find((d) => d.mode === 'live' && d.event === 'confirmed')!;
    const wav = await api('GET', `/detections/${decision.id}/clip`);
    expect(wav.status).toBe(200);
    expect(wav.headers.get('content-type')).toBe('audio/wav');
    const bytes = Buffer.from(await wav.arrayBuffer());
    expect([bytes.toString('ascii', 0, 4), bytes.toString('ascii', 8, 12), bytes.readUInt16LE(20), bytes.readUInt32LE(24)]).toEqual(['RIFF', 'WAVE', 7, 8000]);
    expect(bytes.readUInt32LE(54)).toBe(2 * CLIP_MS * 8);
    expect((await api('PUT', `/detections/${decision.id}/label`, { label: 'live-agent', note: 'Kim, greeting' })).status).toBe(200);
    expect((await api('PUT', `/detections/${decision.id}/label`, { label: 'person' })).status).toBe(400);
    expect((await api('PUT', '/detections/1-1/label', { label: 'music' })).status).toBe(404);
    expect((await api('GET', '/detections/nonsense/clip')).status).toBe(404);
    const labelled = (await (await api('GET', '/detections')).json()) as { detections: { id: string; label?: { label: string; by: string } }[] };
    expect(labelled.detections.find((d) => d.id === decision.id)?.label).toMatchObject({ label: 'live-agent', by: 'api-token' });
    db.track(jobKeys(jobId).detectionLabels);
  });

  it('never confirms the IRS voice check: it alerts an operator', async () => {
    const { jobId, callId, sessionId } = await newLine('voice-check');
    await play(sessionId, concat(silence(IVR_SETTLE_MS / 1000 + 0.5), pcmOf('voice-check-math-four-plus-one'), silence(3)), Date.now());

    const alert = await eventually(() => db.redis.hget(jobKeys(jobId).alerts, callId).then((raw) => (raw ? (JSON.parse(raw) as { kind: string }) : undefined)), 10_000);
    expect(alert.kind).toBe('voice-check');
    const records = await readDetections(db.redis, jobId);
    expect(records.some((r) => r.event === 'escalated')).toBe(true);
    const hunt = (await streamEvents(jobId)).flatMap((m) => (m.kind === 'result' ? [m.event] : []));
    expect(hunt.some((e) => e.type === 'call.confirm')).toBe(false);
  });

  it('hears nothing during the IVR, however much it sounds like a person', async () => {
    const { jobId, sessionId } = await newLine('ivr');
    // A person-like voice for the first 4.5 s after the answer, inside the 5 s the IVR settles.
    await play(sessionId, concat(pcmOf('agent-patel-greeting').subarray(0, 4 * 8000), silence(0.5)), Date.now());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await streamEvents(jobId)).toEqual([]);
  });
});
