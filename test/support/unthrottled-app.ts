/**
 * The whole web app on a private redis-server, with rate limits out of the way: for tests that send thousands of
 * requests (fuzzing, validation sweeps) and put only the input on trial, and that snapshot Redis, so no other
 * test's writes may blur it.
 */
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp } from '../../src/web/create-app.tsx';
import { JobLiveFeed } from '../../src/web/job-live-feed.ts';
import type { JobCommands } from '../../src/engine/job-commands.ts';
import { startPrivateRedis } from './private-redis.ts';

export interface UnthrottledApp {
  redis: Redis;
  feed: JobLiveFeed;
  app: ReturnType<typeof createApp>;
  /** Closes the feed, the client and the redis-server. */
  close(): Promise<void>;
}

const silentLogger = pino({ level: 'silent' });
const UNLIMITED = { limit: 10_000_000, windowMs: 60_000 };

export async function startUnthrottledApp(options: { webhookToken: string; apiToken: string; jobs: JobCommands }): Promise<UnthrottledApp> {
  const priv = await startPrivateRedis();
  const redis = new Redis(priv.url);
  const feed = new JobLiveFeed(redis);
  const app = createApp({
    connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }),
    webhooks: { redis, verificationToken: options.webhookToken, log: silentLogger },
    jobs: options.jobs,
    apiToken: options.apiToken,
    log: silentLogger,
    dashboard: { redis, feed, lineMode: 'softphone' },
    auth: { redis, rateLimits: { api: UNLIMITED, anonymous: UNLIMITED, login: UNLIMITED } },
  });
  return {
    redis,
    feed,
    app,
    async close() {
      await feed.close();
      redis.disconnect();
      await priv.close();
    },
  };
}
