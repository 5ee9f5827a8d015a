/**
 * Fans the engine's live updates (Redis pub/sub channel `hh:ui:job:<id>`, published after every engine step on
 * whichever instance owns the job) out to this instance's SSE viewers: one subscriber connection per instance,
 * one channel subscription per watched job however many browsers watch it.
 */
import type { Redis } from 'ioredis';
import { uiChannel } from '../engine/job-history.ts';

export type FeedListener = (message: string) => void;

export class JobLiveFeed {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<FeedListener>>();

  constructor(private readonly redis: Redis) {}

  /** Calls `listener` with every message published for the job until the returned function is called. */
  async subscribe(jobId: string, listener: FeedListener): Promise<() => Promise<void>> {
    const channel = uiChannel(jobId);
    const sub = this.connection();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await sub.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(channel);
        await sub.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  /** How many jobs this instance watches right now (for tests and metrics). */
  get channels(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = undefined;
    this.listeners.clear();
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  private connection(): Redis {
    if (!this.subscriber) {
      const sub = this.redis.duplicate();
      sub.on('message', (channel: string, message: string) => {
        for (const listener of this.listeners.get(channel) ?? []) listener(message);
      });
      // ioredis re-subscribes its channels by itself after a reconnect.
      sub.on('error', () => undefined);
      this.subscriber = sub;
    }
    return this.subscriber;
  }
}
