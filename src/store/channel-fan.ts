/**
 * One Redis subscriber connection per process, fanned out to any number of local listeners per channel: a
 * channel is subscribed while at least one listener wants it. Messages arrive as Buffers, so binary payloads
 * (a line's audio) pass unchanged; text is `buffer.toString()`.
 */
import type { Redis } from 'ioredis';

export type ChannelListener = (message: Buffer) => void;

export class ChannelFan {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<ChannelListener>>();

  constructor(private readonly redis: Redis) {}

  /** Calls `listener` with every message on `channel` until the returned function is called. */
  async subscribe(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
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
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      await sub.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Channels subscribed right now. */
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
      sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
        for (const listener of this.listeners.get(channel.toString()) ?? []) listener(message);
      });
      // ioredis re-subscribes its channels by itself after a reconnect.
      sub.on('error', () => undefined);
      this.subscriber = sub;
    }
    return this.subscriber;
  }
}
