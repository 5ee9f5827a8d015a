import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectConforms, loadRcOpenApi } from '../../support/rc-openapi.ts';
import type { SubscriptionHubDeps } from '../../../src/simulator/subscriptions/subscription-hub.ts';
import {
  ACCOUNT_ID,
  OTHER_EXT,
  OWNER,
  makeHub,
  ourParty,
  pstnParty,
  rejection,
  sessionEvent,
  webhookRequest,
} from './hub-fixture.ts';
import type { HubFixture } from './hub-fixture.ts';
import type { NotificationParty } from '../../../src/simulator/telephony/session-event.ts';
import { WebhookReceiver, politeReply } from './webhook-receiver.ts';

const ACCOUNT_FILTER = '/restapi/v1.0/account/~/telephony/sessions';
const EXTENSION_FILTER = '/restapi/v1.0/account/~/extension/~/telephony/sessions';

describe('SubscriptionHub', () => {
  let receiver: WebhookReceiver;
  let fx: HubFixture;
  const spec = loadRcOpenApi();

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    fx = makeHub();
  });
  afterEach(async () => {
    fx.hub.close();
    await receiver.close();
  });

  function rebuild(overrides: Partial<SubscriptionHubDeps>): void {
    fx.hub.close();
    fx = makeHub(overrides);
  }

  describe('create', () => {
    it('answers a SubscriptionInfo with real ids and no verificationToken', async () => {
      const info = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER, EXTENSION_FILTER], { verificationToken: 's3cret' }));
      expectConforms(spec.validateSchema('SubscriptionInfo', info), 'SubscriptionInfo');
      expect(spec.unknownProperties('SubscriptionInfo', info)).toEqual([]);
      expect(info).toEqual({
        uri: `http://127.0.0.1:4010/restapi/v1.0/subscription/${info.id}`,
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        creationTime: new Date(fx.clock.now()).toISOString(),
        status: 'Active',
        eventFilters: [
          `/restapi/v1.0/account/${ACCOUNT_ID}/telephony/sessions`,
          `/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OWNER}/telephony/sessions`,
        ],
        expirationTime: new Date(fx.clock.now() + 3600_000).toISOString(),
        expiresIn: 3600,
        deliveryMode: { transportType: 'WebHook', encryption: false, address: receiver.url() },
      });
      expect(JSON.stringify(info)).not.toContain('s3cret');
      expect(receiver.requests).toHaveLength(1); // the handshake
    });

    it('defaults expiresIn to 604800 s (7 days)', async () => {
      const { expiresIn: _omit, ...request } = webhookRequest(receiver.url(), [ACCOUNT_FILTER]);
      expect((await fx.hub.create(OWNER, request)).expiresIn).toBe(604_800);
    });

    it.each([
      ['no eventFilters', { deliveryMode: { transportType: 'WebHook', address: 'http://x.test/' } }, 'CMN-100', 'eventFilters'],
      ['empty eventFilters', { eventFilters: [], deliveryMode: { transportType: 'WebHook', address: 'http://x.test/' } }, 'CMN-101', 'eventFilters'],
      ['no deliveryMode', { eventFilters: [ACCOUNT_FILTER] }, 'CMN-100', 'deliveryMode'],
      ['PubNub', { eventFilters: [ACCOUNT_FILTER], deliveryMode: { transportType: 'PubNub' } }, 'CMN-101', 'deliveryMode.transportType'],
      ['no address', { eventFilters: [ACCOUNT_FILTER], deliveryMode: { transportType: 'WebHook' } }, 'CMN-100', 'deliveryMode.address'],
      ['relative address', { eventFilters: [ACCOUNT_FILTER], deliveryMode: { transportType: 'WebHook', address: '/hook' } }, 'CMN-101', 'deliveryMode.address'],
      ['ftp address', { eventFilters: [ACCOUNT_FILTER], deliveryMode: { transportType: 'WebHook', address: 'ftp://x.test/' } }, 'CMN-101', 'deliveryMode.address'],
      [
        'expiresIn 0',
        { eventFilters: [ACCOUNT_FILTER], deliveryMode: { transportType: 'WebHook', address: 'http://x.test/' }, expiresIn: 0 },
        'CMN-101',
        'expiresIn',
      ],
      [
        'expiresIn over 10 years',
        { eventFilters: [ACCOUNT_FILTER], deliveryMode: { transportType: 'WebHook', address: 'http://x.test/' }, expiresIn: 315_360_001 },
        'CMN-101',
        'expiresIn',
      ],
    ])('%s → 400 %s on %s', async (_label, request, errorCode, parameterName) => {
      expect(await rejection(() => fx.hub.create(OWNER, request))).toMatchObject({ status: 400, errorCode, detail: { parameterName } });
      expect(receiver.requests).toHaveLength(0);
    });

    it('creates nothing when the handshake fails', async () => {
      receiver.respond = () => ({ headers: { 'Content-Type': 'application/json' } });
      expect(await rejection(() => fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER])))).toMatchObject({ errorCode: 'SUB-520' });
      expect(fx.hub.list()).toEqual([]);
    });

    it('refuses more than maxSubscriptionsPerOwner with 403 SUB-505', async () => {
      rebuild({ maxSubscriptionsPerOwner: 2 });
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      expect(await rejection(() => fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER])))).toMatchObject({
        status: 403,
        errorCode: 'SUB-505',
      });
      await fx.hub.create(OTHER_EXT, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
    });
  });

  describe('notifications', () => {
    it('POSTs one party per notification with RingCentral headers and the Verification-Token', async () => {
      const info = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER], { verificationToken: 's3cret' }));
      fx.clock.advance(1234);
      fx.hub.publish(sessionEvent(4, pstnParty({ status: { code: 'Answered', rcc: false } })));
      await receiver.waitForNotifications(1);

      const [req] = receiver.notifications();
      expect(req?.headers).toMatchObject({
        'content-type': 'application/json; charset=UTF-8',
        'user-agent': 'RingCentral-Webhook/8.3',
        'verification-token': 's3cret',
      });
      const [n] = receiver.bodies();
      expectConforms(spec.validateSchema('AccountTelephonySessionsEvent', n), 'notification');
      expect(spec.unknownProperties('AccountTelephonySessionsEvent', n)).toEqual([]);
      expect(n).toEqual({
        uuid: expect.stringMatching(/^[1-9]\d{18}$/),
        event: `/restapi/v1.0/account/${ACCOUNT_ID}/telephony/sessions`,
        timestamp: new Date(fx.clock.now()).toISOString(),
        subscriptionId: info.id,
        ownerId: OWNER,
        body: {
          sequence: 4,
          sessionId: '429182699016',
          telephonySessionId: 's-c23b203d62db4f6aaee00717bafa99be',
          serverId: '10.13.22.243.TAM',
          eventTime: '2026-03-03T15:00:04.000Z',
          origin: { type: 'CallOut' },
          parties: [pstnParty({ status: { code: 'Answered', rcc: false } })],
        },
      });
      await fx.hub.drain();
      expect(fx.hub.deliveries()).toEqual([
        expect.objectContaining({ subscriptionId: info.id, uuid: n?.uuid, sequence: 4, outcome: 'delivered', status: 200, lost: false, duplicated: false, reordered: false }),
      ]);
    });

    it('sends no Verification-Token when none was set', async () => {
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      fx.hub.publish(sessionEvent(1, ourParty()));
      await receiver.waitForNotifications(1);
      expect(receiver.notifications()[0]?.headers['verification-token']).toBeUndefined();
    });

    it('account filters get every party, extension filters only their extension', async () => {
      const account = await fx.hub.create(OWNER, webhookRequest(receiver.url('/account'), [ACCOUNT_FILTER]));
      const mine = await fx.hub.create(OWNER, webhookRequest(receiver.url('/mine'), [EXTENSION_FILTER]));
      await fx.hub.create(OWNER, webhookRequest(receiver.url('/other'), [`/restapi/v1.0/account/~/extension/${OTHER_EXT}/telephony/sessions`]));
      fx.hub.publish(sessionEvent(1, ourParty()));
      fx.hub.publish(sessionEvent(2, pstnParty()));
      await receiver.waitForNotifications(3);
      await fx.hub.drain();
      const byPath = (path: string) => receiver.notifications().filter((r) => r.url === path).map((r) => JSON.parse(r.body) as { subscriptionId: string; event: string; body: { sequence: number } });
      expect(byPath('/account').map((n) => n.body.sequence)).toEqual([1, 2]);
      expect(byPath('/account').every((n) => n.subscriptionId === account.id)).toBe(true);
      expect(byPath('/mine')).toEqual([
        expect.objectContaining({ subscriptionId: mine.id, event: `/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OWNER}/telephony/sessions` }),
      ]);
      expect(byPath('/other')).toEqual([]);
      expectConforms(spec.validateSchema('ExtensionTelephonySessionsEvent', byPath('/mine')[0]), 'extension notification');
    });

    it('one notification per subscription even when several of its filters match', async () => {
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [EXTENSION_FILTER, ACCOUNT_FILTER]));
      fx.hub.publish(sessionEvent(1, ourParty()));
      await receiver.waitForNotifications(1);
      await fx.hub.drain();
      expect(receiver.bodies()).toEqual([expect.objectContaining({ event: `/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OWNER}/telephony/sessions` })]);
    });

    it('honours filter query options', async () => {
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [`${ACCOUNT_FILTER}?statusCode=Answered`]));
      fx.hub.publish(sessionEvent(1, pstnParty()));
      fx.hub.publish(sessionEvent(2, pstnParty({ status: { code: 'Answered', rcc: false } })));
      await receiver.waitForNotifications(1);
      await fx.hub.drain();
      expect(receiver.bodies().map((n) => n.body.sequence)).toEqual([2]);
      expect(receiver.bodies()[0]?.event).toBe(`/restapi/v1.0/account/${ACCOUNT_ID}/telephony/sessions?statusCode=Answered`);
    });

    it('sends in publish order without awaiting responses', async () => {
      // Every notification waits 150 ms for its answer; ten in sequence would take 1.5 s.
      receiver.respond = (req) => ({ ...(politeReply(req) as object), delayMs: req.headers['validation-token'] ? 0 : 150 });
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      const started = Date.now();
      for (let seq = 1; seq <= 10; seq++) fx.hub.publish(sessionEvent(seq, pstnParty()));
      await receiver.waitForNotifications(10);
      await fx.hub.drain();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(receiver.bodies().map((n) => n.body.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(fx.hub.deliveries().every((d) => d.outcome === 'delivered')).toBe(true);
    });

    it('freezes the party at publish time and sends only schema fields', async () => {
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      // A registry object may carry more at run time than the contract types say.
      const party = pstnParty({ from: { phoneNumber: '+12125550123', deviceId: '802398776016' } as NotificationParty['from'] });
      fx.hub.publish(sessionEvent(1, party));
      party.status.code = 'Disconnected';
      await receiver.waitForNotifications(1);
      const [n] = receiver.bodies();
      expect(n?.body.parties[0]?.status.code).toBe('Proceeding');
      expect(n?.body.parties[0]?.from).toEqual({ phoneNumber: '+12125550123' });
      expect(spec.unknownProperties('AccountTelephonySessionsEvent', n)).toEqual([]);
    });
  });

  describe('faults', () => {
    beforeEach(async () => {
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
    });

    it('webhookLoss drops the notification and logs it as lost', async () => {
      fx.faults.update({ webhookLoss: 1 });
      fx.hub.publish(sessionEvent(1, pstnParty()));
      await fx.hub.drain();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(receiver.notifications()).toHaveLength(0);
      expect(fx.hub.deliveries()).toEqual([expect.objectContaining({ outcome: 'lost', lost: true, sequence: 1 })]);
    });

    it('webhookDuplication sends the same uuid twice', async () => {
      fx.faults.update({ webhookDuplication: 1 });
      fx.hub.publish(sessionEvent(1, pstnParty()));
      await receiver.waitForNotifications(2);
      await fx.hub.drain();
      const [a, b] = receiver.bodies();
      expect(a?.uuid).toBe(b?.uuid);
      expect(fx.hub.deliveries().map((d) => [d.duplicated, d.outcome])).toEqual([
        [false, 'delivered'],
        [true, 'delivered'],
      ]);
    });

    it('webhookReorder holds a notification until the next one of its session has gone', async () => {
      fx.faults.update({ webhookReorder: 1 });
      fx.hub.publish(sessionEvent(1, ourParty()));
      fx.hub.publish(sessionEvent(2, pstnParty()));
      await receiver.waitForNotifications(2);
      expect(receiver.bodies().map((n) => n.body.sequence)).toEqual([2, 1]);
      await fx.hub.drain();
      expect(fx.hub.deliveries().map((d) => [d.sequence, d.reordered])).toEqual([
        [1, true],
        [2, false],
      ]);
    });

    it('a held notification goes at once when the next one is lost', async () => {
      fx.faults.update({ webhookReorder: 1 });
      fx.hub.publish(sessionEvent(1, ourParty()));
      fx.faults.update({ webhookReorder: 0, webhookLoss: 1 });
      fx.hub.publish(sessionEvent(2, pstnParty()));
      await receiver.waitForNotifications(1);
      await fx.hub.drain();
      expect(receiver.bodies().map((n) => n.body.sequence)).toEqual([1]);
      expect(fx.hub.deliveries().map((d) => [d.sequence, d.outcome])).toEqual([
        [1, 'delivered'],
        [2, 'lost'],
      ]);
    });

    it('a held notification goes after reorderHoldMs when no other comes', async () => {
      fx.faults.update({ webhookReorder: 1 });
      fx.hub.publish(sessionEvent(1, ourParty()));
      fx.hub.publish(sessionEvent(7, pstnParty(), 'another-session'));
      fx.clock.advance(1999);
      await receiver.waitForNotifications(0);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(receiver.notifications()).toHaveLength(0);
      fx.clock.advance(1);
      await receiver.waitForNotifications(2);
      expect(receiver.bodies().map((n) => n.body.sequence).sort()).toEqual([1, 7]);
    });

    it('webhookDelayMs postpones delivery on the sim clock', async () => {
      fx.faults.update({ webhookDelayMs: [500, 500] });
      fx.hub.publish(sessionEvent(1, pstnParty()));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(receiver.notifications()).toHaveLength(0);
      expect(fx.hub.deliveries()).toEqual([expect.objectContaining({ outcome: 'pending', delayMs: 500 })]);
      fx.clock.advance(500);
      await receiver.waitForNotifications(1);
    });
  });

  describe('blacklisting', () => {
    const failing = (status: number) => (req: Parameters<typeof politeReply>[0]) =>
      req.headers['validation-token'] ? politeReply(req) : { status };

    it('blacklists after failuresBeforeBlacklist consecutive failures and delivers nothing more', async () => {
      rebuild({ blacklist: { failuresBeforeBlacklist: 3 } });
      receiver.respond = failing(404);
      const { id } = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      for (let seq = 1; seq <= 3; seq++) fx.hub.publish(sessionEvent(seq, pstnParty()));
      await receiver.waitForNotifications(3);
      await fx.hub.drain();
      const info = fx.hub.get(id);
      expectConforms(spec.validateSchema('SubscriptionInfo', info), 'blacklisted SubscriptionInfo');
      expect(info.status).toBe('Blacklisted');
      expect(info.blacklistedData).toEqual({
        blacklistedAt: new Date(fx.clock.now()).toISOString(),
        reason: 'Webhook responses with code: [404], reason: [Not Found]',
      });

      fx.hub.publish(sessionEvent(4, pstnParty()));
      await fx.hub.drain();
      expect(receiver.notifications()).toHaveLength(3);
      // Renewal does not revive it (RC: delete and recreate).
      expect(fx.hub.renew(id).status).toBe('Blacklisted');
      expect(fx.hub.update(id, { expiresIn: 7200 }).status).toBe('Blacklisted');
    });

    it('blacklists when consecutive failures span failureWindowMs', async () => {
      rebuild({ blacklist: { failuresBeforeBlacklist: 100, failureWindowMs: 60_000 } });
      receiver.respond = failing(500);
      const { id } = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      fx.hub.publish(sessionEvent(1, pstnParty()));
      await receiver.waitForNotifications(1);
      await fx.hub.drain();
      fx.clock.advance(59_999);
      fx.hub.publish(sessionEvent(2, pstnParty()));
      await receiver.waitForNotifications(2);
      await fx.hub.drain();
      expect(fx.hub.get(id).status).toBe('Active');
      fx.clock.advance(1);
      fx.hub.publish(sessionEvent(3, pstnParty()));
      await receiver.waitForNotifications(3);
      await fx.hub.drain();
      expect(fx.hub.get(id).blacklistedData?.reason).toBe('Webhook responses with code: [500], reason: [Internal Server Error]');
    });

    it('a success resets the failure streak', async () => {
      rebuild({ blacklist: { failuresBeforeBlacklist: 2 } });
      let fail = true;
      receiver.respond = (req) => (req.headers['validation-token'] || !fail ? politeReply(req) : { status: 503 });
      const { id } = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      fx.hub.publish(sessionEvent(1, pstnParty()));
      await receiver.waitForNotifications(1);
      await fx.hub.drain();
      fail = false;
      fx.hub.publish(sessionEvent(2, pstnParty()));
      await receiver.waitForNotifications(2);
      await fx.hub.drain();
      fail = true;
      fx.hub.publish(sessionEvent(3, pstnParty()));
      await receiver.waitForNotifications(3);
      await fx.hub.drain();
      expect(fx.hub.get(id).status).toBe('Active');
    });

    it('an address that stopped listening fails with Connection refused', async () => {
      rebuild({ blacklist: { failuresBeforeBlacklist: 1 } });
      const { id } = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      await receiver.close();
      fx.hub.publish(sessionEvent(1, pstnParty()));
      await fx.hub.drain();
      expect(fx.hub.get(id).blacklistedData?.reason).toBe('I/O operation is failed. Details: [Connection refused]');
    });

    it('timeouts and oversize responses count, with RingCentral reasons', async () => {
      rebuild({ blacklist: { failuresBeforeBlacklist: 1 }, deliveryTimeoutMs: 100 });
      receiver.respond = (req) => (req.headers['validation-token'] ? politeReply(req) : req.url === '/slow' ? 'hang' : { body: 'x'.repeat(2000) });
      const slow = await fx.hub.create(OWNER, webhookRequest(receiver.url('/slow'), [ACCOUNT_FILTER]));
      const big = await fx.hub.create(OWNER, webhookRequest(receiver.url('/big'), [ACCOUNT_FILTER]));
      fx.hub.publish(sessionEvent(1, pstnParty()));
      await receiver.waitForNotifications(2);
      await fx.hub.drain();
      expect(fx.hub.get(slow.id).blacklistedData?.reason).toBe('I/O operation is failed. Details: [Read timed out]');
      expect(fx.hub.get(big.id).blacklistedData?.reason).toBe('Webhook response exceeds max size. Read bytes count: [1024]');
      expect(fx.hub.deliveries().map((d) => d.outcome)).toEqual(['failed', 'failed']);
    });
  });

  describe('lifecycle', () => {
    it('an expired subscription gets nothing, is not listed, and answers 404 SUB-507', async () => {
      const { id } = await fx.hub.create(OWNER, { ...webhookRequest(receiver.url(), [ACCOUNT_FILTER]), expiresIn: 60 });
      fx.clock.advance(59_000);
      expect(fx.hub.get(id).expiresIn).toBe(1);
      fx.clock.advance(1000);
      fx.hub.publish(sessionEvent(1, pstnParty()));
      await fx.hub.drain();
      expect(receiver.notifications()).toHaveLength(0);
      expect(fx.hub.list()).toEqual([]);
      for (const call of [() => fx.hub.get(id), () => fx.hub.renew(id), () => fx.hub.update(id, {})]) {
        expect(await rejection(call)).toMatchObject({ status: 404, errorCode: 'SUB-507' });
      }
      expect(await rejection(() => fx.hub.delete(id))).toMatchObject({ status: 404, errorCode: 'SUB-507' });
      expect(await rejection(() => fx.hub.get(id))).toMatchObject({ status: 404, errorCode: 'CMN-102' });
    });

    it('renew restarts the lifetime from now', async () => {
      const { id } = await fx.hub.create(OWNER, { ...webhookRequest(receiver.url(), [ACCOUNT_FILTER]), expiresIn: 600 });
      fx.clock.advance(400_000);
      const renewed = fx.hub.renew(id);
      expect(renewed.expiresIn).toBe(600);
      expect(renewed.expirationTime).toBe(new Date(fx.clock.now() + 600_000).toISOString());
    });

    it('update replaces filters and lifetime, and renews; an empty update just renews', async () => {
      const { id } = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      fx.clock.advance(1000);
      const updated = fx.hub.update(id, { eventFilters: [EXTENSION_FILTER], expiresIn: 7200 });
      expect(updated.eventFilters).toEqual([`/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OWNER}/telephony/sessions`]);
      expect(updated.expiresIn).toBe(7200);
      fx.clock.advance(1000);
      expect(fx.hub.update(id, {}).expirationTime).toBe(new Date(fx.clock.now() + 7_200_000).toISOString());
      expect(await rejection(() => fx.hub.update(id, { eventFilters: ['/restapi/v1.0/glip/posts'] }))).toMatchObject({ errorCode: 'SUB-508' });
      expect(fx.hub.get(id).eventFilters).toEqual(updated.eventFilters);

      fx.hub.publish(sessionEvent(1, pstnParty()));
      fx.hub.publish(sessionEvent(2, ourParty()));
      await receiver.waitForNotifications(1);
      await fx.hub.drain();
      expect(receiver.bodies().map((n) => n.body.sequence)).toEqual([2]);
    });

    it('delete removes it; pending deliveries are skipped', async () => {
      const { id } = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      fx.faults.update({ webhookDelayMs: [100, 100] });
      fx.hub.publish(sessionEvent(1, pstnParty()));
      fx.hub.delete(id);
      fx.clock.advance(100);
      await fx.hub.drain();
      expect(receiver.notifications()).toHaveLength(0);
      expect(fx.hub.deliveries()).toEqual([expect.objectContaining({ outcome: 'skipped', error: 'Subscription is not active' })]);
      expect(await rejection(() => fx.hub.get(id))).toMatchObject({
        status: 404,
        errorCode: 'CMN-102',
        message: 'Resource for parameter [subscriptionId] is not found',
      });
      expect(await rejection(() => fx.hub.delete(id))).toMatchObject({ status: 404, errorCode: 'CMN-102' });
    });

    it("scopes by owner: another extension's subscription is not found", async () => {
      const { id } = await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      await fx.hub.create(OTHER_EXT, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      expect(fx.hub.list(OWNER).map((s) => s.id)).toEqual([id]);
      expect(fx.hub.list()).toHaveLength(2);
      expect(await rejection(() => fx.hub.get(id, OTHER_EXT))).toMatchObject({ status: 404, errorCode: 'CMN-102' });
      expect(await rejection(() => fx.hub.delete(id, OTHER_EXT))).toMatchObject({ status: 404, errorCode: 'CMN-102' });
      expect(fx.hub.get(id, OWNER).id).toBe(id);
    });

    it('close cancels pending deliveries and ignores later events', async () => {
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      fx.faults.update({ webhookDelayMs: [100, 100] });
      fx.hub.publish(sessionEvent(1, pstnParty()));
      fx.hub.close();
      fx.clock.advance(100);
      fx.hub.publish(sessionEvent(2, pstnParty()));
      await fx.hub.drain();
      expect(receiver.notifications()).toHaveLength(0);
    });

    it('caps the delivery log, dropping the oldest', async () => {
      rebuild({ deliveryLogLimit: 3 });
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      fx.faults.update({ webhookLoss: 1 });
      for (let seq = 1; seq <= 5; seq++) fx.hub.publish(sessionEvent(seq, pstnParty()));
      expect(fx.hub.deliveries().map((d) => d.sequence)).toEqual([3, 4, 5]);
    });

    it('totals count every attempt per outcome, those dropped from the capped log included', async () => {
      rebuild({ deliveryLogLimit: 3 });
      await fx.hub.create(OWNER, webhookRequest(receiver.url(), [ACCOUNT_FILTER]));
      fx.faults.update({ webhookLoss: 1 });
      for (let seq = 1; seq <= 4; seq++) fx.hub.publish(sessionEvent(seq, pstnParty()));
      fx.faults.update({ webhookLoss: 0 });
      for (let seq = 5; seq <= 6; seq++) fx.hub.publish(sessionEvent(seq, pstnParty()));
      await fx.hub.drain();
      expect(fx.hub.deliveries()).toHaveLength(3);
      expect(fx.hub.deliveryTotals()).toEqual({ pending: 0, delivered: 2, failed: 0, lost: 4, skipped: 0 });
    });
  });
});
