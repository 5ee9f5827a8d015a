/** WebhookSubscriptionKeeper against a fake RingCentral subscription API and real Redis. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSubscriptionKeeper } from '../../src/web/webhook-subscription-keeper.ts';
import type { WebhookSubscriptionKeeperOptions } from '../../src/web/webhook-subscription-keeper.ts';
import { FakeSubscriptionTelephony } from './fake-telephony.ts';
import { capturingLogger, runTag, silentLogger, testRedis } from './web-fixtures.ts';
import type { TestRedis } from './web-fixtures.ts';

const ADDRESS = 'https://hunter.example.com/webhooks/ringcentral';
const TOKEN = 'keeper-test-token-77aa';
const DAY = 24 * 60 * 60 * 1000;

let db: TestRedis;
beforeAll(() => {
  db = testRedis();
});
afterAll(async () => {
  await db.close();
});

function setup(overrides: Partial<WebhookSubscriptionKeeperOptions> = {}) {
  const redisKey = `hh:test:subscription:${runTag()}`;
  db.track(redisKey, `${redisKey}:lock`);
  const telephony = new FakeSubscriptionTelephony();
  const options: WebhookSubscriptionKeeperOptions = { telephony, redis: db.redis, address: ADDRESS, verificationToken: TOKEN, log: silentLogger, redisKey, ...overrides };
  return { telephony, redisKey, options, keeper: new WebhookSubscriptionKeeper(options) };
}

describe('WebhookSubscriptionKeeper.ensure', () => {
  it('creates a subscription with the defaults and stores its id', async () => {
    const { keeper, telephony, redisKey } = setup();
    const subscription = await keeper.ensure();
    expect(subscription).toMatchObject({ status: 'Active', address: ADDRESS, eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'] });
    const created = telephony.subscriptions.get(subscription.id)!;
    expect(created.verificationToken).toBe(TOKEN);
    expect(created.expiresIn).toBe(604_800);
    expect(await db.redis.hgetall(redisKey)).toMatchObject({ id: subscription.id, address: ADDRESS, status: 'Active', expirationTime: subscription.expirationTime });
    expect(keeper.current).toEqual(subscription);
    expect(await db.redis.exists(`${redisKey}:lock`)).toBe(0);
  });

  it('passes configured filters and lifetime', async () => {
    const { keeper, telephony } = setup({ eventFilters: ['/restapi/v1.0/account/~/extension/~/telephony/sessions'], expiresIn: 3600, renewBeforeMs: 60_000 });
    const subscription = await keeper.ensure();
    expect(telephony.subscriptions.get(subscription.id)).toMatchObject({ expiresIn: 3600, eventFilters: ['/restapi/v1.0/account/~/extension/~/telephony/sessions'] });
  });

  it('reuses a healthy stored subscription without creating or renewing', async () => {
    const { keeper, telephony, options } = setup();
    const first = await keeper.ensure();
    telephony.calls.length = 0;
    // Another instance (same Redis key) finds it too.
    const second = await new WebhookSubscriptionKeeper(options).ensure();
    expect(second.id).toBe(first.id);
    expect(telephony.calls).toEqual([`get ${first.id}`]);
  });

  it('renews when the subscription expires within renewBeforeMs', async () => {
    const { keeper, telephony, redisKey } = setup();
    const first = await keeper.ensure();
    const soon = new Date(Date.now() + DAY - 60_000).toISOString();
    telephony.patch(first.id, { expirationTime: soon });
    telephony.calls.length = 0;
    const renewed = await keeper.ensure();
    expect(renewed.id).toBe(first.id);
    expect(telephony.calls).toEqual([`get ${first.id}`, `renew ${first.id}`]);
    expect(Date.parse(renewed.expirationTime)).toBeGreaterThan(Date.now() + 6 * DAY);
    expect(await db.redis.hget(redisKey, 'expirationTime')).toBe(renewed.expirationTime);
  });

  it('creates a new one when the stored one is gone (expired or deleted)', async () => {
    const { keeper, telephony, redisKey } = setup();
    const first = await keeper.ensure();
    telephony.subscriptions.delete(first.id);
    telephony.calls.length = 0;
    const second = await keeper.ensure();
    expect(second.id).not.toBe(first.id);
    expect(telephony.calls).toEqual([`get ${first.id}`, 'create']);
    expect(await db.redis.hget(redisKey, 'id')).toBe(second.id);
  });

  it('deletes a blacklisted one, then creates a new one', async () => {
    const { keeper, telephony } = setup();
    const first = await keeper.ensure();
    telephony.patch(first.id, { status: 'Blacklisted' });
    telephony.calls.length = 0;
    const second = await keeper.ensure();
    expect(telephony.calls).toEqual([`get ${first.id}`, `delete ${first.id}`, 'create']);
    expect(second.status).toBe('Active');
    expect(telephony.subscriptions.has(first.id)).toBe(false);
  });

  it('recreates when the address changed (PUBLIC_URL moved)', async () => {
    const { telephony, options } = setup();
    const first = await new WebhookSubscriptionKeeper(options).ensure();
    telephony.calls.length = 0;
    const moved = await new WebhookSubscriptionKeeper({ ...options, address: 'https://new.example.com/webhooks/ringcentral' }).ensure();
    expect(telephony.calls).toEqual([`get ${first.id}`, `delete ${first.id}`, 'create']);
    expect(moved.address).toBe('https://new.example.com/webhooks/ringcentral');
  });

  it('creates a new one when renewal finds it gone', async () => {
    const { keeper, telephony } = setup();
    const first = await keeper.ensure();
    telephony.patch(first.id, { expirationTime: new Date(Date.now() + 1000).toISOString() });
    const realGet = telephony.getSubscription.bind(telephony);
    telephony.getSubscription = async (id) => {
      const found = await realGet(id);
      telephony.subscriptions.delete(id); // expires between the check and the renewal
      return found;
    };
    telephony.calls.length = 0;
    const second = await keeper.ensure();
    expect(telephony.calls).toEqual([`get ${first.id}`, `renew ${first.id}`, 'create']);
    expect(second.id).not.toBe(first.id);
  });

  it('lets only one of two instances create the subscription', async () => {
    const { telephony, options } = setup();
    telephony.createDelayMs = 150;
    const [a, b] = await Promise.all([new WebhookSubscriptionKeeper(options).ensure(), new WebhookSubscriptionKeeper(options).ensure()]);
    expect(a.id).toBe(b.id);
    expect(telephony.calls.filter((call) => call === 'create')).toHaveLength(1);
    expect(telephony.subscriptions.size).toBe(1);
  });

  it('gives up when another instance holds the lock too long', async () => {
    const { redisKey, options } = setup({ lockWaitMs: 200 });
    await db.redis.set(`${redisKey}:lock`, 'someone-else', 'PX', 30_000);
    await expect(new WebhookSubscriptionKeeper(options).ensure()).rejects.toThrow(/another instance/);
    expect(await db.redis.get(`${redisKey}:lock`)).toBe('someone-else');
  });

  it('propagates a failure of RingCentral and releases the lock', async () => {
    const { keeper, telephony, redisKey } = setup();
    await keeper.ensure();
    telephony.failGet = new Error('socket hang up');
    await expect(keeper.ensure()).rejects.toThrow('socket hang up');
    expect(await db.redis.exists(`${redisKey}:lock`)).toBe(0);
  });

  it('refuses an empty verification token', () => {
    expect(() => setup({ verificationToken: '' })).toThrow(/verification token/);
  });
});

describe('WebhookSubscriptionKeeper.start/stop', () => {
  it('checks at once and on every interval, logging failures instead of throwing', async () => {
    const { log, lines } = capturingLogger('info');
    const { keeper, telephony } = setup({ checkEveryMs: 40, log });
    keeper.start();
    keeper.start(); // idempotent
    await expect.poll(() => keeper.current?.status).toBe('Active');
    telephony.failGet = new Error('RingCentral is down');
    await expect.poll(() => lines.some((line) => line.includes('webhook subscription check failed'))).toBe(true);
    telephony.failGet = undefined;
    const id = keeper.current!.id;
    telephony.patch(id, { status: 'Blacklisted' });
    await expect.poll(() => keeper.current?.id).not.toBe(id);
    await keeper.stop();
    const after = telephony.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(telephony.calls.length).toBe(after);
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it('stop() without start() is harmless', async () => {
    const { keeper } = setup();
    await keeper.stop();
  });
});
