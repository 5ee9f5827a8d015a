/**
 * TalkThrough (engine side of talk-through) over real Redis pub/sub, with a stand-in uplink that records what it
 * is asked to send: frames go out in order, one talk spurt marked at its start, a later spurt says how long the
 * gap was, a backlog is capped (late audio dropped, never a growing delay), only lines this thread holds are
 * spoken on, and the operator's turn ends (for detection to resume) once the frames stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { TalkThrough } from '../../src/engine/talk-through.ts';
import type { TalkState, TalkUplink } from '../../src/engine/talk-through.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { uniqueId } from '../store/redis-fixture.ts';
import { testRedis } from '../web/web-fixtures.ts';
import { eventually } from '../support/eventually.ts';

const db = testRedis();

class RecordingUplink implements TalkUplink {
  open = true;
  readonly sent: { index: number; first: boolean; skippedFrames: number }[] = [];
  send(ulaw: Uint8Array, options: { first?: boolean; skippedFrames?: number } = {}): boolean {
    this.sent.push({ index: ulaw[0] as number, first: options.first ?? false, skippedFrames: options.skippedFrames ?? 0 });
    return true;
  }
}

const ours = uniqueId('s-talk');
const uplink = new RecordingUplink();
const turns: [string, TalkState][] = [];
let talk: TalkThrough;

/** `count` frames, frame i filled with the byte (from + i) % 256. */
function frames(count: number, from = 0): Buffer {
  const bytes = Buffer.alloc(count * 160);
  for (let i = 0; i < count; i++) bytes.fill((from + i) % 256, i * 160, (i + 1) * 160);
  return bytes;
}

beforeAll(async () => {
  talk = new TalkThrough({ redis: db.redis, lines: { uplink: (sessionId) => (sessionId === ours ? uplink : undefined) }, log: pino({ level: 'silent' }), onTalk: (sessionId, state) => turns.push([sessionId, state]), idleMs: 600 });
  await talk.start();
});

afterAll(async () => {
  await talk.close();
  await db.close();
});

describe('talk-through in the engine', () => {
  it('sends an operator’s frames in order as talk spurts, capped, and ends the turn when they stop', async () => {
    await db.redis.publish(globalKeys.lineTalk(uniqueId('s-not-ours')), frames(10));
    await db.redis.publish(globalKeys.lineTalk(ours), frames(12));
    await eventually(() => (uplink.sent.length === 12 ? true : undefined), 5_000, 'the first spurt');
    expect(uplink.sent.map((s) => s.index)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(uplink.sent.map((s) => s.first)).toEqual([true, ...Array<boolean>(11).fill(false)]);
    expect(turns).toEqual([[ours, 'talking']]);

    // A pause, then three frames: fewer than the pre-buffer, so they go after a short wait, as a new spurt whose
    // timestamp jumps by the frames not sent meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await db.redis.publish(globalKeys.lineTalk(ours), frames(3, 100));
    await eventually(() => (uplink.sent.length === 15 ? true : undefined), 5_000, 'the second spurt');
    const second = uplink.sent.slice(12);
    expect(second.map((s) => s.index)).toEqual([100, 101, 102]);
    expect(second[0]).toMatchObject({ first: true });
    expect(second[0]!.skippedFrames).toBeGreaterThan(0);

    // Quiet for idleMs: the turn ends.
    await eventually(() => (turns.length === 2 ? true : undefined), 5_000, 'the end of the turn');
    expect(turns[1]).toEqual([ours, 'ended']);
    expect(talk.talking).toBe(0);

    // A backlog beyond a second (50 frames) keeps only the newest.
    await db.redis.publish(globalKeys.lineTalk(ours), frames(80, 0));
    await eventually(() => (uplink.sent.length === 15 + 50 ? true : undefined), 10_000, 'the capped backlog');
    expect(uplink.sent.slice(15).map((s) => s.index)).toEqual(Array.from({ length: 50 }, (_, i) => 30 + i));
  }, 30_000);
});
