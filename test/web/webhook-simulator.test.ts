/**
 * The whole webhook path against the real simulator through the official SDK: the keeper creates the
 * subscription (the simulator's Validation-Token handshake hits our receiver over HTTP), a real call's
 * notifications arrive with the Verification-Token and land in Redis, and the keeper recreates a deleted
 * subscription.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../../src/engine/telephony-event.ts';
import { parseJobStreamEntries } from '../../src/engine/job-stream.ts';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { connectRingCentral } from '../../src/telephony/ringcentral-platform.ts';
import { RingCentralTelephony } from '../../src/telephony/ringcentral-telephony.ts';
import { createApp } from '../../src/web/create-app.tsx';
import { WEBHOOK_PATH } from '../../src/web/webhook-receiver.ts';
import { WebhookSubscriptionKeeper } from '../../src/web/webhook-subscription-keeper.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { runTag, silentLogger, testRedis } from './web-fixtures.ts';
import type { TestRedis } from './web-fixtures.ts';
import { eventually } from '../support/eventually.ts';

const TOKEN = 'sim-webhook-token-5e6f';
const IRS_PPS = '+18668604259';

let sim: RunningSimulator;
let db: TestRedis;
let server: ReturnType<typeof serve> | undefined;
let address: string;
let telephony: RingCentralTelephony;
const redisKey = `hh:test:subscription:${runTag()}`;

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: 'fast-agent', timeScale: 60 });
  db = testRedis();
  db.track(redisKey, `${redisKey}:lock`);
  const app = createApp({
    connectionStatus: () => Promise.reject(new Error('not used')),
    webhooks: { redis: db.redis, verificationToken: TOKEN, log: silentLogger },
  });
  const info = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  address = `http://127.0.0.1:${info.port}${WEBHOOK_PATH}`;
  const connected = await connectRingCentral({ server: sim.url, ...TEST_CREDENTIALS });
  telephony = new RingCentralTelephony({ platform: connected.platform, credential: 'web-test', budget: new InMemoryRateBudget(), log: silentLogger });
});

afterAll(async () => {
  await sim?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await db?.close();
});

function keeper() {
  return new WebhookSubscriptionKeeper({ telephony, redis: db.redis, address, verificationToken: TOKEN, log: silentLogger, redisKey });
}

describe('webhooks from the simulator', () => {
  let subscriptionId: string;

  it('creates the subscription through the real handshake with our receiver, and reuses it', async () => {
    const subscription = await keeper().ensure();
    expect(subscription.status).toBe('Active');
    expect(subscription.address).toBe(address);
    expect(Date.parse(subscription.expirationTime)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    subscriptionId = subscription.id;
    expect(await db.redis.hget(redisKey, 'id')).toBe(subscriptionId);
    expect((await keeper().ensure()).id).toBe(subscriptionId);
  });

  it('stores a real call’s verified notifications: parked before the session is mapped, streamed after', async () => {
    const owner = (await telephony.listExtensions()).find((e) => e.extensionNumber === '101')!;
    const device = (await telephony.listDevices(owner.id)).find((d) => d.status === 'Online' && d.type !== 'WebPhone')!;
    const call = await telephony.placeCall({ deviceId: device.id, to: IRS_PPS });
    const sid = call.telephonySessionId;
    const jobId = `job-${runTag()}`;
    db.track(globalKeys.parkedEvents(sid), jobKeys(jobId).events);
    db.trackField(globalKeys.sessionMap, sid);

    const parked = await eventually(async () => {
      const raw = await db.redis.lrange(globalKeys.parkedEvents(sid), 0, -1);
      return raw.length > 0 ? raw.map((entry) => JSON.parse(entry) as TelephonyEvent) : undefined;
    }, 8_000, 'parked events');
    expect(parked[0]).toMatchObject({ telephonySessionId: sid, sequence: expect.any(Number), party: { id: expect.any(String), code: expect.any(String) } });

    // The engine maps the session (as it does after the call-out reply); later events go to the job's stream.
    await db.redis.hset(globalKeys.sessionMap, sid, `${jobId} call-1`);
    await telephony.hangup(sid);
    const streamed = await eventually(async () => {
      const entries = parseJobStreamEntries((await db.redis.xrange(jobKeys(jobId).events, '-', '+')));
      const disconnected = entries.some((e) => e.message.kind === 'telephony' && e.message.event.party.code === 'Disconnected');
      return disconnected ? entries : undefined;
    }, 8_000, 'streamed events');
    expect(streamed.every((e) => e.message.kind === 'telephony' && e.message.event.telephonySessionId === sid)).toBe(true);

    // Every delivery to us succeeded; clean up the dedup keys of this call.
    type Delivery = { subscriptionId: string; uuid: string; outcome: string; status?: number; telephonySessionId: string };
    const records = await eventually(async () => {
      const { records: all } = await control<{ records: Delivery[] }>(sim, 'GET', '/_sim/webhooks');
      return all.some((r) => r.telephonySessionId === sid && r.outcome === 'pending') ? undefined : all;
    }, 8_000, 'settled deliveries');
    const ours = records.filter((r) => r.subscriptionId === subscriptionId && r.telephonySessionId === sid);
    expect(ours.length).toBeGreaterThan(1);
    for (const record of ours) {
      db.track(globalKeys.webhookSeen(record.uuid));
      expect(record).toMatchObject({ outcome: 'delivered', status: 200 });
    }
  });

  it('recreates the subscription after it was deleted', async () => {
    await telephony.deleteSubscription(subscriptionId);
    const replacement = await keeper().ensure();
    expect(replacement.id).not.toBe(subscriptionId);
    expect(replacement.status).toBe('Active');
    await telephony.deleteSubscription(replacement.id);
  });
});
