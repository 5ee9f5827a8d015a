/**
 * The whole app as `hold-hunter serve` builds it (webhooks, JSON API, dashboard, ops), in process, on real Redis
 * (db 0, unique users), with one signed-in session and one API token per role: what the security tests drive.
 */
import type { Redis } from 'ioredis';
import { createApp } from '../../src/web/create-app.tsx';
import type { AppDeps } from '../../src/web/create-app.tsx';
import { JobLiveFeed } from '../../src/web/job-live-feed.ts';
import { ROLES } from '../../src/web/auth/roles.ts';
import type { Role } from '../../src/web/auth/roles.ts';
import { createTestToken, createTestUser, requesterFor, signIn } from '../support/auth-session.ts';
import type { Requester, SignedIn, TestUser } from '../support/auth-session.ts';
import { FakeJobCommands } from './fake-job-commands.ts';
import { REDIS_URL, silentLogger } from './web-fixtures.ts';
import { createRedis } from '../../src/store/redis-client.ts';

export const WEBHOOK_TOKEN = 'fixture-webhook-token';
export const BOOTSTRAP_TOKEN = 'fixture-bootstrap-api-token';

export interface SecuredApp {
  app: ReturnType<typeof createApp>;
  request: Requester;
  redis: Redis;
  jobs: FakeJobCommands;
  users: Record<Role, TestUser>;
  sessions: Record<Role, SignedIn>;
  tokens: Record<Role, string>;
  close(): Promise<void>;
}

export async function securedApp(auth: AppDeps['auth'] = {}): Promise<SecuredApp> {
  const redis = createRedis(REDIS_URL);
  const feed = new JobLiveFeed(redis);
  const jobs = new FakeJobCommands();
  const app = createApp({
    connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }),
    webhooks: { redis, verificationToken: WEBHOOK_TOKEN, log: silentLogger },
    jobs,
    apiToken: BOOTSTRAP_TOKEN,
    log: silentLogger,
    dashboard: { redis, feed, lineMode: 'softphone', syncDirectory: () => Promise.resolve({ extensions: 0, queues: 0 }) },
    // Limits far above what the tests send (the rate-limit tests set their own).
    auth: { redis, rateLimits: { api: { limit: 1_000_000, windowMs: 60_000 }, anonymous: { limit: 1_000_000, windowMs: 60_000 }, login: { limit: 1_000_000, windowMs: 60_000 } }, ...auth },
  });
  const request = requesterFor(app);
  const users = {} as Record<Role, TestUser>;
  const sessions = {} as Record<Role, SignedIn>;
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    users[role] = await createTestUser(redis, role);
    sessions[role] = await signIn(request, users[role]);
    tokens[role] = await createTestToken(redis, users[role], role === 'viewer' ? 'read' : role === 'operator' ? 'operate' : 'admin');
  }
  return {
    app,
    request,
    redis,
    jobs,
    users,
    sessions,
    tokens,
    async close() {
      for (const role of ROLES) await users[role].remove();
      await feed.close();
      redis.disconnect();
    },
  };
}
