/**
 * Talk-through, engine side: an operator's voice onto a line this thread holds. The web side publishes what the
 * operator's browser captured (8 kHz μ-law, whole 20 ms frames) on the line's Redis channel; every engine thread
 * hears every line's channel (one pattern subscription; an operator's voice is 8 KB/s) and the one holding the
 * line's SIP call sends it, paced at 20 ms, as RTP on the call's uplink. Frames arrive in bursts (one HTTP request
 * per 100 ms), so each talk spurt starts after a short pre-buffer and the queue is capped at a second: late audio
 * is dropped rather than let the delay grow. Nothing is ever sent on a line except what an operator said.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { globalKeys } from '../store/redis-keys.ts';

/** The lines this thread holds, as talk-through needs them (SoftphoneTelephony). */
export interface TalkLines {
  uplink(telephonySessionId: string): TalkUplink | undefined;
}

export interface TalkUplink {
  readonly open: boolean;
  send(ulaw: Uint8Array, options?: { first?: boolean; skippedFrames?: number }): boolean;
}

export type TalkState = 'talking' | 'ended';

export interface TalkThroughOptions {
  redis: Redis;
  lines: TalkLines;
  log: Logger;
  /** A line's operator started talking, or has been quiet for `idleMs` (detection resumes). */
  onTalk?: (telephonySessionId: string, state: TalkState) => void;
  /** Nothing to play for this long ends the operator's turn (default 1.5 s). */
  idleMs?: number;
}

export const TALK_FRAME_BYTES = 160;
const FRAME_MS = 20;
/** Frames held before a spurt starts (absorbs the gaps between requests). */
const PREBUFFER_FRAMES = 8;
/** A spurt shorter than the pre-buffer starts anyway once its first frame has waited this long. */
const PREBUFFER_WAIT_MS = 200;
const MAX_QUEUED_FRAMES = 50;
/** The largest message accepted from the channel (the web side allows 2 s per request). */
const MAX_MESSAGE_BYTES = 16_000;

interface Talker {
  uplink: TalkUplink;
  queue: Uint8Array[];
  playing: boolean;
  firstQueuedAt: number;
  lastMessageAt: number;
  lastSentAt: number | undefined;
  dropped: number;
}

export class TalkThrough {
  private readonly talkers = new Map<string, Talker>();
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextTickAt = 0;
  private closed = false;

  constructor(private readonly options: TalkThroughOptions) {}

  async start(): Promise<void> {
    const sub = this.options.redis.duplicate();
    this.subscriber = sub;
    sub.on('error', (error: unknown) => this.options.log.debug({ err: error }, 'talk-through subscriber error'));
    sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, message: Buffer) => this.onMessage(channel.toString(), message));
    await sub.psubscribe(globalKeys.talkPattern);
  }

  /** Lines an operator is talking on right now. */
  get talking(): number {
    return this.talkers.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const sessionId of [...this.talkers.keys()]) this.end(sessionId);
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  private onMessage(channel: string, message: Buffer): void {
    if (this.closed) return;
    const sessionId = channel.slice(globalKeys.lineTalk('').length);
    if (!sessionId || message.length === 0 || message.length > MAX_MESSAGE_BYTES) return;
    let talker = this.talkers.get(sessionId);
    if (!talker) {
      // Another thread's (or instance's) line, or a call already over: not ours to speak on.
      const uplink = this.options.lines.uplink(sessionId);
      if (!uplink) return;
      talker = { uplink, queue: [], playing: false, firstQueuedAt: 0, lastMessageAt: 0, lastSentAt: undefined, dropped: 0 };
      this.talkers.set(sessionId, talker);
      this.options.log.info({ telephonySessionId: sessionId }, 'operator talking on a line');
      this.notify(sessionId, 'talking');
    }
    const now = Date.now();
    talker.lastMessageAt = now;
    if (talker.queue.length === 0) talker.firstQueuedAt = now;
    for (let at = 0; at < message.length; at += TALK_FRAME_BYTES) {
      talker.queue.push(new Uint8Array(message.subarray(at, Math.min(at + TALK_FRAME_BYTES, message.length))));
    }
    if (talker.queue.length > MAX_QUEUED_FRAMES) talker.dropped += talker.queue.splice(0, talker.queue.length - MAX_QUEUED_FRAMES).length;
    this.schedule();
  }

  /** One tick every 20 ms while anyone talks, drift-corrected against the wall clock. */
  private schedule(): void {
    if (this.timer || this.closed) return;
    this.nextTickAt = Date.now();
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    this.timer = undefined;
    const now = Date.now();
    const idleMs = this.options.idleMs ?? 1_500;
    for (const [sessionId, talker] of this.talkers) {
      if (!talker.uplink.open) {
        this.end(sessionId);
        continue;
      }
      if (!talker.playing && talker.queue.length > 0 && (talker.queue.length >= PREBUFFER_FRAMES || now - talker.firstQueuedAt >= PREBUFFER_WAIT_MS)) {
        talker.playing = true;
        const gap = talker.lastSentAt === undefined ? 0 : Math.max(0, Math.round((now - talker.lastSentAt) / FRAME_MS) - 1);
        this.send(talker, { first: true, skippedFrames: gap });
      } else if (talker.playing) {
        if (talker.queue.length > 0) this.send(talker, {});
        else talker.playing = false; // ran dry: the next frames start a new spurt
      }
      // The turn ends once the last frame has been played and nothing came for idleMs.
      if (!talker.playing && talker.queue.length === 0 && now - Math.max(talker.lastMessageAt, talker.lastSentAt ?? 0) >= idleMs) this.end(sessionId);
    }
    if (this.talkers.size === 0 || this.closed) return;
    // 20 ms after the previous scheduled tick, not after this one ran (no drift); after a stall, start afresh.
    this.nextTickAt += FRAME_MS;
    if (this.nextTickAt < now - FRAME_MS) this.nextTickAt = now + FRAME_MS;
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.nextTickAt - Date.now()));
  }

  private send(talker: Talker, options: { first?: boolean; skippedFrames?: number }): void {
    const frame = talker.queue.shift();
    if (!frame) return;
    try {
      talker.uplink.send(frame, options);
      talker.lastSentAt = Date.now();
    } catch (error) {
      this.options.log.warn({ err: error }, 'talk-through frame not sent');
    }
  }

  private end(sessionId: string): void {
    const talker = this.talkers.get(sessionId);
    if (!talker) return;
    this.talkers.delete(sessionId);
    this.options.log.info({ telephonySessionId: sessionId, dropped: talker.dropped }, 'operator stopped talking on a line');
    this.notify(sessionId, 'ended');
  }

  private notify(sessionId: string, state: TalkState): void {
    try {
      this.options.onTalk?.(sessionId, state);
    } catch (error) {
      this.options.log.error({ err: error, telephonySessionId: sessionId }, 'talk-through listener failed');
    }
  }
}
