/**
 * One `serve`-shaped instance for ops tests, wired as serve-command wires it but in-process: a private Redis, the
 * simulator, the RingCentral account through the official SDK, the webhook receiver on a real port with the
 * subscription keeper (checking every 200 ms), a hunt engine, and `/readyz` + `/metrics` from instanceOps.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Redis } from 'ioredis';
import { createApp } from '../../src/web/create-app.tsx';
import { WEBHOOK_PATH } from '../../src/web/webhook-receiver.ts';
import { WebhookSubscriptionKeeper } from '../../src/web/webhook-subscription-keeper.ts';
import { ringCentralAccount } from '../../src/telephony/ringcentral-account.ts';
import type { RingCentralAccount } from '../../src/telephony/ringcentral-account.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { HuntEngine } from '../../src/engine/hunt-engine.ts';
import { RedisExtensionPool } from '../../src/store/redis-extension-pool.ts';
import { instanceOps } from '../../src/observability/instance-ops.ts';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

export interface OpsRig {
  url: string;
  redisServer: PrivateRedis;
  redis: Redis;
  sim: RunningSimulator;
  account: RingCentralAccount;
  keeper: WebhookSubscriptionKeeper;
  engine: HuntEngine;
  ops: ReturnType<typeof instanceOps>;
  readyz(): Promise<{ status: number; body: { status: string; failing?: string[]; checks: Record<string, { ok: boolean; error?: string }> } }>;
  close(): Promise<void>;
}

export async function startOpsRig(): Promise<OpsRig> {
  const redisServer = await startPrivateRedis();
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  // Fail fast while Redis is down, as the product's command connection does.
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1, connectTimeout: 1_000 });
  redis.on('error', () => undefined);
  const sim = await startTestSimulator();
  const account = ringCentralAccount({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt }, new InMemoryRateBudget(), log);
  await account.loginAll();
  const engine = new HuntEngine({ redisUrl: redisServer.url, redis, telephony: account.telephony, pool: new RedisExtensionPool(redis), log });
  engine.start();
  const keeperRef: { current?: WebhookSubscriptionKeeper } = {};
  const ops = instanceOps({
    redis,
    authHealth: () => account.authHealth(),
    subscription: () => keeperRef.current?.health(),
    // The engine in this process: its workers, and this thread's registry (which the engine writes to).
    engine: { report: async () => [{ workers: engine.workersRunning(), metrics: [] }] },
    draining: () => false,
    budgetCredentials: account.budgetCredentials,
  });
  const verificationToken = 'ops-rig-token';
  const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: sim.url, connected: true }), webhooks: { redis, verificationToken, log }, ops });
  let server: ReturnType<typeof serve> | undefined;
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  const url = `http://127.0.0.1:${address.port}`;
  const keeper = new WebhookSubscriptionKeeper({ telephony: account.telephony, redis, address: `${url}${WEBHOOK_PATH}`, verificationToken, log, checkEveryMs: 200, lockWaitMs: 500 });
  keeperRef.current = keeper;
  keeper.start();
  const rig: OpsRig = {
    url,
    redisServer,
    redis,
    sim,
    account,
    keeper,
    engine,
    ops,
    async readyz() {
      const response = await fetch(`${url}/readyz`);
      return { status: response.status, body: (await response.json()) as Awaited<ReturnType<OpsRig['readyz']>>['body'] };
    },
    async close() {
      await keeper.stop();
      await engine.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await sim.close();
      redis.disconnect();
      await redisServer.close();
    },
  };
  return rig;
}
