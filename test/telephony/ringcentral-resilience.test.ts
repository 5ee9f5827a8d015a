/**
 * RingCentral resilience against the simulator through the official SDK: an expired access token is refreshed, a
 * revoked session is replaced by a new JWT login without the caller noticing, failed logins back off, the webhook
 * subscription is renewed in place, and a subscription blacklisted for failed deliveries is replaced by a working
 * one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Redis } from 'ioredis';
import { ringCentralAccount, sharedLogin } from '../../src/telephony/ringcentral-account.ts';
import type { RingCentralAccount } from '../../src/telephony/ringcentral-account.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { WebhookSubscriptionKeeper } from '../../src/web/webhook-subscription-keeper.ts';
import { WEBHOOK_PATH, webhookRoutes } from '../../src/web/webhook-receiver.ts';
import { registry } from '../../src/observability/metrics.ts';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { eventually } from '../support/eventually.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

const log = pino({ level: 'silent' });
const RELAXED = { Light: { limit: 100_000, windowMs: 60_000 }, Medium: { limit: 100_000, windowMs: 60_000 }, Heavy: { limit: 100_000, windowMs: 60_000 } };
let sim: RunningSimulator;
let account: RingCentralAccount;
let redisServer: PrivateRedis;
let redis: Redis;
let server: ReturnType<typeof serve> | undefined;
let webhookUrl: string;
/** While true the receiver answers 503 to every notification (but not to the subscription's handshake). */
let failing = false;

beforeAll(async () => {
  sim = await startTestSimulator();
  const relaxed = { limit: 100_000, windowSeconds: 60, penaltySeconds: 60 };
  await control(sim, 'PUT', '/_sim/rate-limits', { Light: relaxed, Medium: relaxed, Heavy: relaxed, Auth: relaxed });
  account = ringCentralAccount({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt }, new InMemoryRateBudget({ limits: RELAXED }), log);
  redisServer = await startPrivateRedis();
  redis = new Redis(redisServer.url);
  const app = new Hono();
  app.use(WEBHOOK_PATH, async (c, next) => (failing && !c.req.header('validation-token') ? c.text('down', 503) : next()));
  app.route('/', webhookRoutes({ redis, verificationToken: 'resilience-token', log }));
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  webhookUrl = `http://127.0.0.1:${address.port}${WEBHOOK_PATH}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await sim?.close();
  redis?.disconnect();
  await redisServer?.close();
});

describe('RingCentral login', () => {
  it('refreshes an expired access token and carries on', async () => {
    await account.telephony.listExtensions();
    const { expired } = await control<{ expired: number }>(sim, 'POST', '/_sim/tokens/expire');
    expect(expired).toBeGreaterThan(0);
    expect((await account.telephony.listExtensions()).length).toBeGreaterThan(0);
    expect(account.authHealth()).toEqual({ ok: true });
  });

  it('logs in again with the JWT when the session was revoked, and the request that hit it still succeeds', async () => {
    await account.telephony.listExtensions();
    await control(sim, 'POST', '/_sim/auth', { revokeSessions: true });
    // The SDK gets 401, its refresh is refused (session gone): the account logs in anew and resends once.
    expect((await account.telephony.listExtensions()).length).toBeGreaterThan(0);
    expect(account.authHealth()).toEqual({ ok: true });
  });

  it('backs off between failed logins instead of hammering the Auth group, and recovers when next asked', async () => {
    let now = 1_000_000;
    const login = sharedLogin({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt }, log, () => now);
    await control(sim, 'POST', '/_sim/auth', { refuseLogins: true });
    try {
      await expect(login.connect()).rejects.toThrow(/Invalid resource owner credentials/);
      expect(login.generation()).toBe(1);
      expect(login.health()).toMatchObject({ ok: false, error: expect.stringMatching(/Invalid resource owner/) });
      // Within the back-off: the last error again, no new attempt.
      await expect(login.connect()).rejects.toThrow(/Invalid resource owner credentials/);
      expect(login.generation()).toBe(1);
      now += 1_000;
      await expect(login.connect()).rejects.toThrow();
      expect(login.generation()).toBe(2);
      // The wait doubles: 1 s was the first, 2 s now.
      now += 1_500;
      await expect(login.connect()).rejects.toThrow();
      expect(login.generation()).toBe(2);
    } finally {
      await control(sim, 'POST', '/_sim/auth', { refuseLogins: false });
    }
    // Nobody needs RingCentral now: asking for its health (a readiness probe) is what logs in again.
    now += 60_000;
    expect(login.health().ok).toBe(false);
    await eventually(async () => (login.health().ok ? true : undefined), 10_000, 20);
    expect(login.generation()).toBe(3);
  });
});

describe('the webhook subscription against the simulator', () => {
  const keeperWith = (renewBeforeMs?: number) =>
    new WebhookSubscriptionKeeper({ telephony: account.telephony, redis, address: webhookUrl, verificationToken: 'resilience-token', log, ...(renewBeforeMs === undefined ? {} : { renewBeforeMs }) });

  it('is renewed in place before it expires', async () => {
    const first = await keeperWith().ensure();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Renew when less than 8 days are left: a week-long subscription always is.
    const renewed = await keeperWith(8 * 86_400_000).ensure();
    expect(renewed.id).toBe(first.id);
    expect(renewed.status).toBe('Active');
    expect(Date.parse(renewed.expirationTime)).toBeGreaterThan(Date.parse(first.expirationTime));
  });

  it('is replaced by a working one after RingCentral blacklists it for failed deliveries', async () => {
    const keeper = keeperWith();
    const first = await keeper.ensure();
    failing = true;
    // Calls make notifications; every delivery fails until the simulator blacklists the subscription.
    const deviceId = await onlineDevice();
    await eventually(async () => {
      const call = await account.telephony.placeCall({ deviceId, to: '+18668604259' });
      await account.telephony.hangup(call.telephonySessionId);
      const status = (await account.telephony.getSubscription(first.id))?.status;
      return status === 'Blacklisted' ? status : undefined;
    }, 60_000, 200);
    failing = false;
    expect(keeper.health()).toEqual({ ok: true }); // not checked since

    const before = await recreatedBlacklisted();
    const second = await keeper.ensure();
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('Active');
    expect(keeper.health()).toEqual({ ok: true });
    expect(await account.telephony.getSubscription(first.id)).toBeUndefined();
    expect(await recreatedBlacklisted()).toBe(before + 1);

    // Notifications arrive again, through the new subscription.
    const call = await account.telephony.placeCall({ deviceId, to: '+18668604259' });
    await eventually(async () => {
      const { records } = await control<{ records: { subscriptionId: string; outcome: string }[] }>(sim, 'GET', '/_sim/webhooks');
      return records.some((r) => r.subscriptionId === second.id && r.outcome === 'delivered') ? true : undefined;
    }, 15_000, 100);
    await account.telephony.hangup(call.telephonySessionId);
  }, 90_000);
});

async function onlineDevice(): Promise<string> {
  for (const extension of await account.telephony.listExtensions()) {
    const device = (await account.telephony.listDevices(extension.id)).find((d) => d.status === 'Online');
    if (device) return device.id;
  }
  throw new Error('the simulator has no online device');
}

async function recreatedBlacklisted(): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'hold_hunter_webhook_subscription_recreated_total');
  return Number(metric?.values.find((v) => v.labels.reason === 'blacklisted')?.value ?? 0);
}
