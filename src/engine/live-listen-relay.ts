/**
 * Live listening, engine side: a line's audio stays in the thread whose softphone hears it, except while an
 * operator listens. Then its frames go out as 8 kHz μ-law on the line's Redis channel, 100 ms at a time, so the
 * instance serving that operator's browser (any instance) can play them. Who listens is a Redis sorted set the
 * web side refreshes while a browser is connected.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CallAudio } from '../media/call-audio.ts';
import { encodeMuLaw } from '../media/mu-law.ts';
import { PhoneFrames } from '../media/phone-frames.ts';
import { globalKeys } from '../store/redis-keys.ts';

const FRAMES_PER_CHUNK = 5;

export class LiveListenRelay {
  private listened = new Set<string>();
  private readonly pending = new Map<string, Uint8Array[]>();
  private readonly phoneFrames = new Map<string, PhoneFrames>();
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(private readonly deps: { redis: Redis; audio: CallAudio; log: Logger; refreshMs?: number; now?: () => number }) {}

  start(): void {
    this.unsubscribe = this.deps.audio.subscribeAll((sessionId, frame) => {
      if (!this.listened.has(sessionId)) return;
      const frames = this.pending.get(sessionId) ?? [];
      let line = this.phoneFrames.get(sessionId);
      if (!line) this.phoneFrames.set(sessionId, (line = new PhoneFrames()));
      for (const pcm of line.of(frame)) frames.push(encodeMuLaw(pcm));
      this.pending.set(sessionId, frames);
      if (frames.length >= FRAMES_PER_CHUNK) this.flush(sessionId);
    });
    this.timer = setInterval(() => void this.refresh(), this.deps.refreshMs ?? 1_000);
    this.timer.unref();
    void this.refresh();
  }

  close(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
  }

  private flush(sessionId: string): void {
    const frames = this.pending.get(sessionId);
    if (!frames?.length) return;
    this.pending.set(sessionId, []);
    this.deps.redis.publish(globalKeys.lineAudio(sessionId), Buffer.concat(frames)).catch((error: unknown) => this.deps.log.debug({ err: error }, 'live audio not relayed'));
  }

  private async refresh(): Promise<void> {
    try {
      const now = (this.deps.now ?? Date.now)();
      const listened = new Set(await this.deps.redis.zrangebyscore(globalKeys.listening, now, '+inf'));
      for (const sessionId of this.listened) {
        if (listened.has(sessionId)) continue;
        this.pending.delete(sessionId);
        this.phoneFrames.delete(sessionId);
      }
      this.listened = listened;
    } catch (error) {
      this.deps.log.debug({ err: error }, 'who listens: not refreshed');
    }
  }
}
