/**
 * The simulator driven only through the official @ringcentral/sdk, as the product will drive RingCentral:
 * JWT login, refresh after expiry, directory paging, call-out, hold, transfer, hang-up, a webhook
 * subscription with its handshake, verified notifications, and a 429 with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK } from '@ringcentral/sdk';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import type { ReceivedNotification, WebhookReceiver } from '../support/webhook-receiver.ts';

const IRS_PPS = '+18668604259';
const VERIFICATION_TOKEN = 'e2e-verification-token';

let sim: RunningSimulator;
let receiver: WebhookReceiver;
let sdk: SDK;
let platform: ReturnType<SDK['platform']>;

async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

function partyEvent(sessionId: string, partyId: string, code: string): (n: ReceivedNotification) => boolean {
  return (n) =>
    n.body.body.telephonySessionId === sessionId && n.body.body.parties[0].id === partyId && n.body.body.parties[0].status.code === code;
}

async function ownerDeviceId(): Promise<string> {
  const devices = await json<{ records: { id: string; status: string; type: string }[] }>(
    await platform.get('/restapi/v1.0/account/~/extension/~/device'),
  );
  const device = devices.records.find((d) => d.status === 'Online' && d.type !== 'WebPhone');
  if (!device) throw new Error('owner has no online device');
  return device.id;
}

async function callOut(to = IRS_PPS): Promise<{ id: string; parties: { id: string }[] }> {
  const body = await json<{ session: { id: string; parties: { id: string }[] } }>(
    await platform.post('/restapi/v1.0/account/~/telephony/call-out', { from: { deviceId: await ownerDeviceId() }, to: { phoneNumber: to } }),
  );
  return body.session;
}

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: 'fast-agent', timeScale: 30 });
  receiver = await startWebhookReceiver();
  sdk = new SDK({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, enableDiscovery: false });
  platform = sdk.platform();
});

afterAll(async () => {
  await receiver.close();
  await sim.close();
});

describe('the simulator through @ringcentral/sdk', () => {
  it('logs in with the JWT bearer grant', async () => {
    await platform.login({ jwt: TEST_CREDENTIALS.jwt });
    const token = await platform.auth().data();
    expect(token.token_type).toBe('bearer');
    expect(Number(token.expires_in)).toBe(3600);
    expect(Number(token.refresh_token_expires_in)).toBe(604800);
    const me = await json(await platform.get('/restapi/v1.0/account/~/extension/~'));
    expect(me.extensionNumber).toBe('101');
  });

  it('refreshes after the access token expires and retries the request', async () => {
    const before = (await platform.auth().data()).access_token;
    await control(sim, 'POST', '/_sim/tokens/expire');
    const me = await json(await platform.get('/restapi/v1.0/account/~/extension/~'));
    expect(me.extensionNumber).toBe('101');
    const after = await platform.auth().data();
    expect(after.access_token).not.toBe(before);
    // The SDK refreshes with access_token_ttl=-1 after a 401; RingCentral clamps it to the 600 s minimum.
    expect(Number(after.expires_in)).toBe(600);
  });

  it('pages through extensions and queues with navigation links', async () => {
    const users: number[] = [];
    let url: string | undefined = '/restapi/v1.0/account/~/extension?type=User&perPage=30';
    while (url) {
      const page: any = await json(await platform.get(url));
      users.push(...page.records.map((r: { id: number }) => r.id));
      url = page.navigation.nextPage?.uri;
    }
    expect(users).toHaveLength(100);
    expect(new Set(users).size).toBe(100);
    expect(typeof users[0]).toBe('number');

    const queues: string[] = [];
    let page = 1;
    for (;;) {
      const body: any = await json(await platform.get('/restapi/v1.0/account/~/call-queues', { perPage: 20, page }));
      queues.push(...body.records.map((r: { id: string }) => r.id));
      if (page >= body.paging.totalPages) break;
      page += 1;
    }
    expect(queues).toHaveLength(47);
    expect(typeof queues[0]).toBe('string');
  });

  it('creates a webhook subscription after the Validation-Token handshake', async () => {
    const subscription = await json(
      await platform.post('/restapi/v1.0/subscription', {
        eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
        deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: VERIFICATION_TOKEN },
      }),
    );
    expect(receiver.handshakes).toHaveLength(1);
    expect(subscription.status).toBe('Active');
    expect(subscription.expiresIn).toBeGreaterThan(604000);
    expect(subscription.eventFilters[0]).not.toContain('~');
    expect(subscription.deliveryMode.verificationToken).toBeUndefined();
  });

  it('places a call-out, holds, and blind-transfers the IRS agent to a queue', async () => {
    const session = await callOut();
    const ours = session.parties[0]!.id;
    const irs = ours.replace(/-1$/, '-2');
    await receiver.waitFor(partyEvent(session.id, irs, 'Answered'));
    await receiver.waitFor(partyEvent(session.id, ours, 'Answered'));

    const held = await json(await platform.post(`/restapi/v1.0/account/~/telephony/sessions/${session.id}/parties/${ours}/hold`, {}));
    expect(held.status.code).toBe('Hold');
    await receiver.waitFor(partyEvent(session.id, ours, 'Hold'));
    await platform.post(`/restapi/v1.0/account/~/telephony/sessions/${session.id}/parties/${ours}/unhold`);
    await receiver.waitFor(partyEvent(session.id, ours, 'Answered'));

    const picked = await control(sim, 'POST', `/_sim/calls/${session.id}/pickup`);
    expect(picked.milestones.agentPickupAt).not.toBeNull();

    const transferred = await json(
      await platform.post(`/restapi/v1.0/account/~/telephony/sessions/${session.id}/parties/${ours}/transfer`, { extensionNumber: '801' }),
    );
    expect(transferred.id).toBe(ours);
    const gone = await receiver.waitFor(partyEvent(session.id, ours, 'Disconnected'));
    expect(gone.body.body.parties[0].status.reason).toBe('BlindTransfer');

    const report = await control(sim, 'GET', `/_sim/calls/${session.id}`);
    expect(report.milestones.transferReceivedAt).not.toBeNull();
    const live = await json(await platform.get(`/restapi/v1.0/account/~/telephony/sessions/${session.id}`));
    expect(live.parties.some((p: { extensionId?: string; status: { code: string } }) => p.status.code !== 'Disconnected' && p.extensionId)).toBe(true);
  });

  it('hangs up a call: 204, then both parties are Disconnected', async () => {
    const session = await callOut();
    const ours = session.parties[0]!.id;
    await receiver.waitFor(partyEvent(session.id, ours, 'Answered'));
    const response = await platform.delete(`/restapi/v1.0/account/~/telephony/sessions/${session.id}`);
    expect(response.status).toBe(204);
    await receiver.waitFor(partyEvent(session.id, ours, 'Disconnected'));
    await receiver.waitFor(partyEvent(session.id, ours.replace(/-1$/, '-2'), 'Disconnected'));
    await expect(platform.get(`/restapi/v1.0/account/~/telephony/sessions/${session.id}`)).rejects.toMatchObject({
      response: { status: 404 },
    });
    const report = await control(sim, 'GET', `/_sim/calls/${session.id}`);
    expect(report.milestones.hangupBy).toBe('caller');
  });

  it('delivers notifications with the Verification-Token, one party each, sequence rising per session', () => {
    expect(receiver.notifications.length).toBeGreaterThan(6);
    const lastSequence = new Map<string, number>();
    for (const n of receiver.notifications) {
      expect(n.headers['verification-token']).toBe(VERIFICATION_TOKEN);
      expect(n.body.body.parties).toHaveLength(1);
      const id: string = n.body.body.telephonySessionId;
      expect(n.body.body.sequence).toBeGreaterThan(lastSequence.get(id) ?? 0);
      lastSequence.set(id, n.body.body.sequence);
    }
  });

  it('refuses with 429 CMN-301 and Retry-After once the Heavy budget is spent', async () => {
    await control(sim, 'PUT', '/_sim/rate-limits', { Heavy: { limit: 1, windowSeconds: 60, penaltySeconds: 60 } });
    try {
      let refused: any;
      for (let i = 0; i < 3 && !refused; i++) {
        try {
          await callOut();
        } catch (error) {
          refused = error;
        }
      }
      expect(refused).toBeDefined();
      expect(refused.response.status).toBe(429);
      expect(refused.response.headers.get('retry-after')).toBe('60');
      expect(refused.response.headers.get('x-rate-limit-group')).toBe('heavy');
      expect(refused.retryAfter).toBe(60_000);
      const body = await refused.response.clone().json();
      expect(body.errorCode).toBe('CMN-301');
      expect(body.errors[0].errorCode).toBe('CMN-301');
    } finally {
      await control(sim, 'PUT', '/_sim/rate-limits', { Heavy: { limit: 10, windowSeconds: 60, penaltySeconds: 60 } });
    }
  });
});
