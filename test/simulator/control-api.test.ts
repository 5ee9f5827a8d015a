/**
 * The simulator's /_sim control API over HTTP: state, faults (5xx, 429, latency, webhook loss, failed transfers),
 * call control and audio read-out with their bad-input answers, minted JWTs, device status, rate-limit changes,
 * and reset (a seed replays the same call plans; an unknown scenario changes nothing). Runs on a ManualClock at
 * time scale 60, so calls move only when the test advances the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK } from '@ringcentral/sdk';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { ManualClock } from '../../src/simulator/sim-clock.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { callOut, expectRcError, manualClock, ownerDevice, ownerToken, request } from './sim-client.ts';

const ME = '/restapi/v1.0/account/~/extension/~';
const ROOMY = { limit: 10_000, windowSeconds: 60, penaltySeconds: 60 };
const ALL_ROOMY = { Light: ROOMY, Medium: ROOMY, Heavy: ROOMY, Auth: ROOMY };
/** μ-law bytes of (near-)digital silence: ±0..2. */
const QUIET = new Set([0xff, 0x7f, 0xfe, 0x7e, 0xfd, 0x7d]);

let sim: RunningSimulator;
let receiver: WebhookReceiver;
let token: string;
let deviceId: string;

function loudShare(audio: Uint8Array): number {
  return audio.filter((b) => !QUIET.has(b)).length / Math.max(1, audio.length);
}

/** A call to the IRS line, advanced `ms` on the manual clock (300 ms device pickup, then the line). */
async function placeCall(ms = 1000, to?: Record<string, string>): Promise<string> {
  const reply = await callOut(sim, token, deviceId, to);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  manualClock(sim).advance(ms);
  return reply.body.session.id as string;
}

function entryAt(report: any, event: string): number {
  const entry = report.timeline.find((e: { event: string }) => e.event === event);
  if (!entry) throw new Error(`no ${event} in the timeline: ${report.timeline.map((e: { event: string }) => e.event).join(', ')}`);
  return Date.parse(entry.at);
}

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: 'fast-agent', timeScale: 60, makeClock: (scale) => new ManualClock(Date.now(), scale) });
  receiver = await startWebhookReceiver();
  await control(sim, 'PUT', '/_sim/rate-limits', ALL_ROOMY);
  token = await ownerToken(sim);
  deviceId = await ownerDevice(sim, token);
});

afterAll(async () => {
  await receiver.close();
  await sim.close();
});

describe('GET /_sim', () => {
  it('shows seed, scenario, time scale, account, owner, the scenarios, limits and faults', async () => {
    const state = await control(sim, 'GET', '/_sim');
    expect(state).toMatchObject({ seed: 42, scenario: 'fast-agent', timeScale: 60, clientId: TEST_CREDENTIALS.clientId });
    expect(state.accountId).toBe(sim.runtime.context.directory.accountId);
    expect(state.owner).toEqual({ extensionId: sim.runtime.context.directory.owner().id, extensionNumber: '101' });
    expect(state.scenarios.map((s: { name: string }) => s.name).sort()).toEqual(
      ['all-busy', 'closed', 'default', 'fast-agent', 'flaky-network', 'peak', 'quiet', 'voice-check'],
    );
    expect(state.rateLimits.Heavy).toEqual(ROOMY);
    expect(state.faults).toMatchObject({ api5xx: 0, api429: 0, webhookLoss: 0, apiLatencyMs: [0, 0] });
  });

  it('GET /_sim/load tells how loaded the simulator itself is: event-loop delay and audio ticks sent and skipped', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const load = await control(sim, 'GET', '/_sim/load');
    expect(load.eventLoopDelayMs.p99).toBeGreaterThan(0);
    expect(load.eventLoopDelayMs.max).toBeGreaterThanOrEqual(load.eventLoopDelayMs.p99);
    expect(load.media).toEqual({ ticks: expect.any(Number), skippedTicks: expect.any(Number), sessions: expect.any(Number) });
    const fresh = await control(sim, 'DELETE', '/_sim/load');
    expect(fresh.media).toMatchObject({ ticks: 0, skippedTicks: 0 });
  });
});

describe('faults', () => {
  it('api5xx=1: every REST call is 503 CMN-201 (with the rate-limit headers); DELETE resets', async () => {
    await control(sim, 'POST', '/_sim/faults', { api5xx: 1 });
    try {
      const read = await request(sim, 'GET', ME, { token });
      expectRcError(read, 503, 'CMN-201');
      expect(read.headers.get('x-rate-limit-group')).toBe('light');
      expectRcError(await callOut(sim, token, deviceId), 503, 'CMN-201');
      expectRcError(await request(sim, 'GET', '/restapi/v1.0/subscription', { token }), 503, 'CMN-201');
    } finally {
      const reset = await control(sim, 'DELETE', '/_sim/faults');
      expect(reset.api5xx).toBe(0);
    }
    expect((await request(sim, 'GET', ME, { token })).status).toBe(200);
  });

  it('api429=1: 429 CMN-301 with Retry-After 60', async () => {
    await control(sim, 'POST', '/_sim/faults', { api429: 1 });
    try {
      const refused = await request(sim, 'GET', ME, { token });
      expectRcError(refused, 429, 'CMN-301');
      expect(refused.headers.get('retry-after')).toBe('60');
      expect(refused.headers.get('x-rate-limit-remaining')).toBe('0');
    } finally {
      await control(sim, 'DELETE', '/_sim/faults');
    }
    expect((await request(sim, 'GET', ME, { token })).status).toBe(200);
  });

  it('failNextTransfers=n: the next n transfers are 503 CMN-201 and change nothing; the one after goes through', async () => {
    const placed = await callOut(sim, token, deviceId);
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const sessionId = placed.body.session.id as string;
    manualClock(sim).advance(2000);
    const transfer = `/restapi/v1.0/account/~/telephony/sessions/${sessionId}/parties/${placed.body.session.parties[0].id as string}/transfer`;
    await control(sim, 'POST', '/_sim/faults', { failNextTransfers: 2 });
    try {
      for (let i = 0; i < 2; i++) expectRcError(await request(sim, 'POST', transfer, { token, body: { extensionNumber: '801' } }), 503, 'CMN-201');
      expect((await control(sim, 'GET', `/_sim/calls/${sessionId}`)).milestones.transferReceivedAt).toBeNull();
      expect((await control(sim, 'GET', '/_sim/faults')).failNextTransfers).toBe(0);
      const taken = await request(sim, 'POST', transfer, { token, body: { extensionNumber: '801' } });
      expect(taken.status, JSON.stringify(taken.body)).toBe(200);
      expect((await control(sim, 'GET', `/_sim/calls/${sessionId}`)).milestones.transferReceivedAt).not.toBeNull();
    } finally {
      await control(sim, 'DELETE', '/_sim/faults');
    }
  });

  it('apiLatencyMs delays REST replies', async () => {
    await control(sim, 'POST', '/_sim/faults', { apiLatencyMs: [150, 150] });
    try {
      const slow = await request(sim, 'GET', ME, { token });
      expect(slow.status).toBe(200);
      expect(slow.ms).toBeGreaterThanOrEqual(120); // loosely: >= 80% of the injected minimum
    } finally {
      await control(sim, 'DELETE', '/_sim/faults');
    }
  });

  it('webhookLoss=1: the receiver gets nothing and GET /_sim/webhooks records every notification as lost', async () => {
    const created = await request(sim, 'POST', '/restapi/v1.0/subscription', {
      token,
      body: { eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'], deliveryMode: { transportType: 'WebHook', address: receiver.url } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    await control(sim, 'POST', '/_sim/faults', { webhookLoss: 1 });
    let session: string;
    try {
      session = await placeCall(2000);
      await sim.runtime.context.subscriptions.drain();
    } finally {
      await control(sim, 'DELETE', '/_sim/faults');
    }
    const { records } = await control(sim, 'GET', '/_sim/webhooks');
    const mine = records.filter((r: { telephonySessionId: string }) => r.telephonySessionId === session);
    expect(mine.length).toBeGreaterThanOrEqual(5); // Setup, Proceeding x2, Answered x2
    for (const record of mine) expect(record).toMatchObject({ outcome: 'lost', lost: true, subscriptionId: created.body.id });
    expect(receiver.notifications.filter((n) => n.body.body.telephonySessionId === session)).toEqual([]);

    // With the faults reset, the next call's notifications arrive.
    const next = await placeCall(2000);
    await receiver.waitFor((n) => n.body.body.telephonySessionId === next, 5000);
    expect((await request(sim, 'DELETE', `/restapi/v1.0/subscription/${created.body.id}`, { token })).status).toBe(204);
  });

  it('refuses bad fault settings with 400 and keeps the current ones', async () => {
    const before = await control(sim, 'GET', '/_sim/faults');
    for (const body of [{ api5xx: 2 }, { api429: -0.1 }, { nope: 1 }, { apiLatencyMs: [5, 1] }, { webhookDelayMs: 'slow' }, { apiLatencyMs: [0, 1e9] }, { failNextTransfers: -1 }, { failNextTransfers: 1.5 }, '{bad', '[]']) {
      const reply = await request(sim, 'POST', '/_sim/faults', { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.errors[0].errorCode).toMatch(/^CMN-10[13]$/);
    }
    expect(await control(sim, 'GET', '/_sim/faults')).toEqual(before);
  });
});

describe('call control and audio', () => {
  it('serves the far end as audio/basic, frames x 160 bytes, with sound while ringing and in the IVR', async () => {
    const session = await placeCall(1000);
    const report = await control(sim, 'GET', `/_sim/calls/${session}`);
    expect(report.phase).toBe('ivr');

    const ringing = await request(sim, 'GET', `/_sim/calls/${session}/audio?from=${entryAt(report, 'proceeding')}&frames=1`);
    expect(ringing.status).toBe(200);
    expect(ringing.headers.get('content-type')).toBe('audio/basic');
    expect(ringing.body).toHaveLength(160);
    expect(loudShare(ringing.body)).toBeGreaterThan(0.5);

    const ivr = await request(sim, 'GET', `/_sim/calls/${session}/audio?from=${entryAt(report, 'ivr-started')}&frames=100`);
    expect(ivr.body).toHaveLength(100 * 160);
    expect(loudShare(ivr.body)).toBeGreaterThan(0.2);

    const latest = await request(sim, 'GET', `/_sim/calls/${session}/audio?frames=10`);
    expect(latest.body).toHaveLength(1600);
    expect((await request(sim, 'GET', `/_sim/calls/${session}/audio`)).body).toHaveLength(50 * 160);

    for (const query of ['frames=0', 'frames=3001', 'frames=abc', 'frames=1.5', 'from=-1', 'from=soon']) {
      expectRcError(await request(sim, 'GET', `/_sim/calls/${session}/audio?${query}`), 400, 'CMN-101');
    }
    expectRcError(await request(sim, 'GET', '/_sim/calls/s-nope/audio'), 404, 'CMN-102');
    await control(sim, 'POST', `/_sim/calls/${session}/disconnect`);
  });

  it('dtmf validates its digits; pickup, disconnect, voice-check-answer and dtmf answer 404 for an unknown call', async () => {
    const session = await placeCall(1000);
    for (const body of [{}, { digits: '' }, { digits: '12a' }, { digits: 12 }, { digits: '1', extra: true }, { digits: '1'.repeat(33) }, '{bad', 'null']) {
      const reply = await request(sim, 'POST', `/_sim/calls/${session}/dtmf`, { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.errors[0].errorCode).toMatch(/^CMN-10[13]$/);
    }
    const pressed = await control(sim, 'POST', `/_sim/calls/${session}/dtmf`, { digits: '1#' });
    expect(pressed.timeline.some((e: any) => e.event === 'dtmf' && e.detail.digits === '1#')).toBe(true);
    for (const action of ['pickup', 'disconnect', 'voice-check-answer', 'dtmf']) {
      expectRcError(await request(sim, 'POST', `/_sim/calls/s-nope/${action}`, { body: { digits: '1' } }), 404, 'CMN-102');
    }
    expectRcError(await request(sim, 'GET', '/_sim/calls/s-nope'), 404, 'CMN-102');
    await control(sim, 'POST', `/_sim/calls/${session}/disconnect`);
  });

  it('pickup brings an agent on at once; disconnect makes the IRS hang up', async () => {
    const session = await placeCall(1000);
    const picked = await control(sim, 'POST', `/_sim/calls/${session}/pickup`);
    expect(picked.phase).toBe('agent');
    expect(picked.milestones.holdStartAt).not.toBeNull();
    expect(picked.milestones.agentPickupAt).not.toBeNull();
    const ended = await control(sim, 'POST', `/_sim/calls/${session}/disconnect`);
    expect(ended.milestones.hangupBy).toBe('irs');
    expect(ended.parties.map((p: { status: string }) => p.status)).toEqual(['Disconnected', 'Disconnected']);
    expect(ended.endedAt).not.toBeNull();
  });

  it('a call to an extension has no IRS line to control: 409', async () => {
    const session = await placeCall(100, { extensionNumber: '801' });
    expectRcError(await request(sim, 'POST', `/_sim/calls/${session}/pickup`), 409, 'TAS-102');
    expectRcError(await request(sim, 'GET', `/_sim/calls/${session}/audio`), 409, 'TAS-102');
    expect((await request(sim, 'DELETE', `/restapi/v1.0/account/~/telephony/sessions/${session}`, { token })).status).toBe(204);
  });
});

describe('REST error replies', () => {
  it('4xx replies carry the X-Rate-Limit headers of the route’s group, like successes', async () => {
    const checks: [Promise<any>, number, string, string][] = [
      [request(sim, 'GET', '/restapi/v1.0/account/~/telephony/sessions/s-nope', { token }), 404, 'CMN-102', 'light'],
      [request(sim, 'POST', '/restapi/v1.0/account/~/telephony/call-out', { token, body: '{"from":' }), 400, 'CMN-103', 'heavy'],
      [request(sim, 'GET', '/restapi/v1.0/account/~/extension?perPage=0', { token }), 400, 'CMN-101', 'medium'],
    ];
    for (const [pending, status, code, group] of checks) {
      const reply = await pending;
      expectRcError(reply, status, code);
      expect(reply.headers.get('x-rate-limit-group')).toBe(group);
      expect(reply.headers.get('x-rate-limit-limit')).toBe(String(ROOMY.limit));
      expect(Number(reply.headers.get('x-rate-limit-remaining'))).toBeGreaterThan(0);
      expect(reply.headers.get('x-rate-limit-window')).toBe('60');
    }
  });

  it('hold takes only HoldCallPartyRequest: a known proto or nothing', async () => {
    const session = await placeCall(1000);
    const party = `/restapi/v1.0/account/~/telephony/sessions/${session}/parties/${session.replace(/^s-/, 'p-')}-1`;
    expectRcError(await request(sim, 'POST', `${party}/hold`, { token, body: { proto: 'Carrier' } }), 400, 'CMN-101');
    expectRcError(await request(sim, 'POST', `${party}/hold`, { token, body: [1] }), 400, 'CMN-101');
    expect((await request(sim, 'POST', `${party}/hold`, { token, body: { proto: 'BroadWorks' } })).body.status.code).toBe('Hold');
    expect((await request(sim, 'POST', `${party}/unhold`, { token })).body.status.code).toBe('Answered');
    expect((await request(sim, 'POST', `${party}/hold`, { token })).body.status.code).toBe('Hold');
    expect((await request(sim, 'DELETE', `/restapi/v1.0/account/~/telephony/sessions/${session}`, { token })).status).toBe(204);
  });
});

describe('credentials, devices, rate limits', () => {
  it('POST /_sim/jwt mints a credential that logs in as that extension through the SDK', async () => {
    const { directory } = sim.runtime.context;
    const user = directory.users().find((u) => u.id !== directory.owner().id && u.status === 'Enabled')!;
    const { jwt } = await control(sim, 'POST', '/_sim/jwt', { extensionId: user.id });
    const sdk = new SDK({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, enableDiscovery: false });
    await sdk.platform().login({ jwt });
    const me: any = await (await sdk.platform().get(ME)).json();
    expect(me.id).toBe(user.id);
    expect(me.extensionNumber).toBe(user.extensionNumber);
    await sdk.platform().logout();

    expect((await request(sim, 'POST', '/_sim/jwt', { body: { extensionId: 'x' } })).status).toBe(400);
    expect((await request(sim, 'POST', '/_sim/jwt', { body: {} })).status).toBe(400);
    expectRcError(await request(sim, 'POST', '/_sim/jwt', { body: { extensionId: 1 } }), 404, 'CMN-102');
  });

  it('an Offline device cannot place a call-out (400 CMN-101 on from.deviceId); Online again, it can', async () => {
    const offline = await control(sim, 'POST', `/_sim/devices/${deviceId}`, { status: 'Offline' });
    expect(offline.status).toBe('Offline');
    try {
      const refused = await callOut(sim, token, deviceId);
      expectRcError(refused, 400, 'CMN-101');
      expect(refused.body.errors[0].parameterName).toBe('from.deviceId');
      const devices = await request(sim, 'GET', '/restapi/v1.0/account/~/extension/~/device', { token });
      expect(devices.body.records.find((d: { id: string }) => d.id === deviceId).status).toBe('Offline');
    } finally {
      await control(sim, 'POST', `/_sim/devices/${deviceId}`, { status: 'Online' });
    }
    const placed = await callOut(sim, token, deviceId);
    expect(placed.status).toBe(201);
    expect((await request(sim, 'DELETE', `/restapi/v1.0/account/~/telephony/sessions/${placed.body.session.id}`, { token })).status).toBe(204);

    expect((await request(sim, 'POST', `/_sim/devices/${deviceId}`, { body: { status: 'Busy' } })).status).toBe(400);
    expectRcError(await request(sim, 'POST', '/_sim/devices/999', { body: { status: 'Offline' } }), 404, 'CMN-102');
  });

  it('PUT /_sim/rate-limits validates, then applies the new limits', async () => {
    const before = await control(sim, 'GET', '/_sim');
    const bad = [
      { Light: { limit: 0, windowSeconds: 60, penaltySeconds: 60 } },
      { Light: { limit: 1.5, windowSeconds: 60, penaltySeconds: 60 } },
      { Light: { limit: 5 } },
      { Light: { limit: 5, windowSeconds: 0, penaltySeconds: 60 } },
      { Light: { limit: 5, windowSeconds: 60, penaltySeconds: 60, extra: 1 } },
      { Huge: ROOMY },
      '{bad',
    ];
    for (const body of bad) {
      expect((await request(sim, 'PUT', '/_sim/rate-limits', { body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await control(sim, 'GET', '/_sim')).rateLimits).toEqual(before.rateLimits);

    const applied = await control(sim, 'PUT', '/_sim/rate-limits', { Light: { limit: 2, windowSeconds: 60, penaltySeconds: 60 } });
    expect(applied.Light.limit).toBe(2);
    expect(applied.Heavy).toEqual(ROOMY);
    try {
      expect((await request(sim, 'GET', ME, { token })).status).toBe(200);
      expect((await request(sim, 'GET', ME, { token })).status).toBe(200);
      expectRcError(await request(sim, 'GET', ME, { token }), 429, 'CMN-301');
    } finally {
      await control(sim, 'PUT', '/_sim/rate-limits', ALL_ROOMY);
    }
  });
});

describe('POST /_sim/reset', () => {
  /** Resets with `seed`, places three calls to the IRS line and returns their ids and pre-drawn plans. */
  async function plansFor(seed: number): Promise<{ id: string; plan: unknown }[]> {
    const reset = await control(sim, 'POST', '/_sim/reset', { seed, scenario: 'default' });
    expect(reset).toEqual({ seed, scenario: 'default', timeScale: 60 });
    token = await ownerToken(sim);
    deviceId = await ownerDevice(sim, token);
    for (let i = 0; i < 3; i++) await placeCall(0);
    manualClock(sim).advance(1000);
    const { records } = await control(sim, 'GET', '/_sim/calls');
    expect(records).toHaveLength(3);
    return records.map((r: { telephonySessionId: string; plan: unknown }) => ({ id: r.telephonySessionId, plan: r.plan }));
  }

  it('a seed replays the same calls and plans; another seed draws others', async () => {
    const first = await plansFor(7);
    expect(first.every((c) => c.plan !== null)).toBe(true);
    const again = await plansFor(7);
    expect(again).toEqual(first);
    const other = await plansFor(8);
    expect(other.map((c) => c.id)).not.toEqual(first.map((c) => c.id));
    expect(other.map((c) => c.plan)).not.toEqual(first.map((c) => c.plan));
  });

  it('an unknown scenario or a bad time scale is 400 with a clear message, and nothing changes', async () => {
    const before = await control(sim, 'GET', '/_sim');
    const calls = (await control(sim, 'GET', '/_sim/calls')).records.length;
    expect(calls).toBeGreaterThan(0);

    const unknown = await request(sim, 'POST', '/_sim/reset', { body: { scenario: 'tuesday-rush', seed: 99 } });
    expectRcError(unknown, 400, 'CMN-101');
    expect(unknown.body.message).toContain('unknown scenario "tuesday-rush"');
    expect(unknown.body.message).toContain('fast-agent');
    for (const body of [{ timeScale: 0.5 }, { seed: 1.5 }, { seed: '' }, { scenario: 'default', extra: 1 }, '{bad']) {
      expect((await request(sim, 'POST', '/_sim/reset', { body })).status, JSON.stringify(body)).toBe(400);
    }

    expect(await control(sim, 'GET', '/_sim')).toEqual(before);
    expect((await control(sim, 'GET', '/_sim/calls')).records).toHaveLength(calls);
    expect((await request(sim, 'GET', ME, { token })).status).toBe(200); // tokens survive too
  });

  it('a good reset drops calls and tokens', async () => {
    await control(sim, 'POST', '/_sim/reset', {});
    expect((await control(sim, 'GET', '/_sim/calls')).records).toEqual([]);
    expectRcError(await request(sim, 'GET', ME, { token }), 401, 'OAU-129');
  });
});
