/**
 * Fans the engine's live updates (Redis pub/sub channel `hh:ui:job:<id>`, published after every engine step on
 * whichever instance owns the job) out to this instance's SSE viewers: one subscriber connection per instance,
 * one channel subscription per watched job however many browsers watch it. Its `fan` also carries the audio of
 * lines being listened to (src/web/listen-route.ts).
 */
import type { Redis } from 'ioredis';
import { uiChannel } from '../engine/job-history.ts';
import { ChannelFan } from '../store/channel-fan.ts';

export type FeedListener = (message: string) => void;

export class JobLiveFeed {
  readonly fan: ChannelFan;

  constructor(redis: Redis) {
    this.fan = new ChannelFan(redis);
  }

  /** Calls `listener` with every message published for the job until the returned function is called. */
  subscribe(jobId: string, listener: FeedListener): Promise<() => Promise<void>> {
    return this.fan.subscribe(uiChannel(jobId), (message) => listener(message.toString()));
  }

  /** How many channels this instance subscribes to right now (for tests and metrics). */
  get channels(): number {
    return this.fan.channels;
  }

  close(): Promise<void> {
    return this.fan.close();
  }
}
