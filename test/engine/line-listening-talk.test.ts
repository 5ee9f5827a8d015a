/**
 * Detection while an operator talks on a line (talk-through): the detectors are not fed while the operator talks
 * (a network echo of their voice must neither teach the loop library nor look like an agent) and resume after;
 * when the operator is done with an escalated line (the IRS voice check), detection resumes with a `cleared`
 * decision and the alert goes; a line that ends while escalated loses its alert. Real Redis, the production detector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { CallAudioHub } from '../../src/media/call-audio.ts';
import { LineListening } from '../../src/engine/line-listening.ts';
import { readDetections } from '../../src/engine/detection-records.ts';
import { parseJobStreamEntries } from '../../src/engine/job-stream.ts';
import { writeNewJob } from '../../src/engine/job-records.ts';
import type { JobSpec } from '../../src/engine/hunt-types.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import { KnownPromptLibrary, LoopLibrary, RedisLoopLibraryStore, createLineDetector } from '../../src/detection/index.ts';
import { IVR_SETTLE_MS } from '../../machines/hunt-rules.ts';
import { uniqueId } from '../store/redis-fixture.ts';
import { testRedis } from '../web/web-fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { concat, fixtures, music, pcmOf, silence, stream } from '../detection/support.ts';

const db = testRedis();
const destinationId = uniqueId('dest-talk');
const loop = concat(music().subarray(0, 20 * 8000), silence(0.5), pcmOf('hold-announcement-1-en'), silence(0.5), music().subarray(8000 * 5, 8000 * 20), pcmOf('hold-announcement-2-en'), silence(0.5));
const jobIds: string[] = [];
let audio: CallAudioHub;
let listening: LineListening;

async function newLine(label: string): Promise<{ jobId: string; callId: string; sessionId: string }> {
  const jobId = uniqueId(`job-${label}`);
  const callId = 'call-1';
  const sessionId = uniqueId(`s-${label}`);
  const spec: JobSpec = {
    id: jobId,
    destination: { id: destinationId, name: 'Test line', phoneNumber: '+18668604259', ivr: [] },
    target: { kind: 'queue', extensionNumber: '801' },
    lines: 1,
    extensionIds: [],
    handoff: 'transfer',
    deadlineAt: Date.now() + 3_600_000,
    detection: 'audio',
    createdAt: Date.now(),
    createdBy: 'tester',
  };
  await writeNewJob(db.redis, spec);
  await db.redis.hset(globalKeys.sessionMap, sessionId, `${jobId} ${callId}`);
  db.trackField(globalKeys.sessionMap, sessionId);
  jobIds.push(jobId);
  const keys = jobKeys(jobId);
  db.track(keys.record, keys.events, keys.detections, keys.alerts);
  return { jobId, callId, sessionId };
}

/** A line's frames from `at`, as a softphone publishes them; returns the time after the last. */
function publish(sessionId: string, pcm: Int16Array, at: number): number {
  for (let i = 0; i + 160 <= pcm.length; i += 160, at += 20) audio.publish(sessionId, { pcm: pcm.slice(i, i + 160), sampleRate: 8000, at });
  return at;
}

/** The first frame, then waits until the line is listened to. */
async function pickedUp(sessionId: string): Promise<number> {
  const before = listening.listening;
  const at = Date.now();
  audio.publish(sessionId, { pcm: new Int16Array(160), sampleRate: 8000, at });
  await eventually(() => listening.listening > before || undefined, 10_000, 'the line to be picked up');
  return at + 20;
}

async function huntEvents(jobId: string) {
  const raw = (await db.redis.xrange(jobKeys(jobId).events, '-', '+')) as [string, string[]][];
  return parseJobStreamEntries(raw).flatMap((e) => (e.message.kind === 'result' ? [e.message.event] : []));
}

beforeAll(async () => {
  const library = new LoopLibrary();
  stream(createLineDetector({ loopLibrary: library }), concat(loop, loop, loop));
  const store = new RedisLoopLibraryStore(db.redis);
  await library.save(store, destinationId);
  db.track(store.key(destinationId));
  audio = new CallAudioHub();
  const knownPrompts = new KnownPromptLibrary().addMuLaw('voice-check-math-four-plus-one', 'voice-check', fixtures.get('voice-check-math-four-plus-one').audio);
  listening = new LineListening({ redis: db.redis, audio, log: pino({ level: 'silent' }), clips: false, knownPrompts, idleMs: 1_000 });
  listening.start();
});

afterAll(async () => {
  await listening.close();
  if (jobIds.length > 0) await db.redis.zrem(globalKeys.jobs, ...jobIds);
  await db.close();
});

describe('detection while an operator talks', () => {
  it('hears nothing while the operator talks, and listens again after', async () => {
    const { jobId, sessionId } = await newLine('talking');
    let at = await pickedUp(sessionId);
    at = publish(sessionId, concat(silence(IVR_SETTLE_MS / 1000 + 0.5), loop), at);
    // The operator talks; meanwhile the line carries a voice (as an echo of theirs could): nothing is suspected.
    listening.operatorTalk(sessionId, 'talking');
    at = publish(sessionId, concat(pcmOf('agent-kim-greeting'), silence(1)), at);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await huntEvents(jobId)).filter((e) => e.type === 'call.suspect' || e.type === 'call.confirm')).toEqual([]);

    // The operator stops; after the echo tail the detector hears the line again and confirms the agent.
    listening.operatorTalk(sessionId, 'ended');
    await new Promise((resolve) => setTimeout(resolve, 600));
    publish(sessionId, concat(silence(0.4), pcmOf('agent-patel-greeting'), silence(2)), at);
    await eventually(async () => ((await huntEvents(jobId)).some((e) => e.type === 'call.confirm') ? true : undefined), 10_000, 'the agent confirmed');
  });

  it('resumes detection and clears the alert when the operator is done with the voice check', async () => {
    const { jobId, callId, sessionId } = await newLine('answered');
    let at = await pickedUp(sessionId);
    at = publish(sessionId, concat(silence(IVR_SETTLE_MS / 1000 + 0.5), pcmOf('voice-check-math-four-plus-one'), silence(1)), at);
    await eventually(() => db.redis.hget(jobKeys(jobId).alerts, callId).then((raw) => raw ?? undefined), 10_000, 'the alert');
    listening.operatorTalk(sessionId, 'talking');
    publish(sessionId, silence(1), at);
    listening.operatorTalk(sessionId, 'ended');
    await eventually(async () => ((await db.redis.hexists(jobKeys(jobId).alerts, callId)) === 0 ? true : undefined), 5_000, 'the alert to go');
    const live = (await readDetections(db.redis, jobId)).filter((r) => r.mode === 'live');
    expect(live.map((r) => r.event)).toEqual(['escalated', 'cleared']);
    expect(live[1]?.evidence).toMatchObject({ reason: 'voice check handled' });
    expect((await huntEvents(jobId)).map((e) => e.type)).toEqual(['call.clear']);
  });

  it('drops the alert of a line that ends during the voice check (nobody answered in time)', async () => {
    const { jobId, callId, sessionId } = await newLine('unanswered');
    const at = await pickedUp(sessionId);
    publish(sessionId, concat(silence(IVR_SETTLE_MS / 1000 + 0.5), pcmOf('voice-check-math-four-plus-one'), silence(1)), at);
    await eventually(() => db.redis.hget(jobKeys(jobId).alerts, callId).then((raw) => raw ?? undefined), 10_000, 'the alert');
    // No more frames: after idleMs (1 s here) the line has ended.
    await eventually(async () => ((await db.redis.hexists(jobKeys(jobId).alerts, callId)) === 0 ? true : undefined), 10_000, 'the alert to go');
  });
});
