/**
 * The RingCentral adapter driving the official SDK against the simulator: calls, hand-offs, directory paging,
 * presence, webhook subscriptions, and how 429s, 5xx and the rate budget shape what gets sent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { RINGCENTRAL_DEFAULT_LIMITS } from '../../src/simulator/rate-limit/rate-limiter.ts';
import { connectRingCentral } from '../../src/telephony/ringcentral-platform.ts';
import type { ConnectedPlatform } from '../../src/telephony/ringcentral-platform.ts';
import { RingCentralTelephony } from '../../src/telephony/ringcentral-telephony.ts';
import type { RingCentralTelephonyOptions } from '../../src/telephony/ringcentral-telephony.ts';
import { InMemoryRateBudget, priorityAllowance } from '../../src/telephony/in-memory-rate-budget.ts';
import { toTelephonyError } from '../../src/telephony/sdk-errors.ts';
import type { RateBudget } from '../../src/telephony/rate-budget.ts';
import { PlacementWithdrawn, TelephonyError } from '../../src/telephony/telephony-port.ts';
import type { CallRef, PartyState, RequestPriority, ThrottleGroup } from '../../src/telephony/telephony-port.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { eventually } from '../support/eventually.ts';

const IRS_PPS = '+18668604259';
const QUEUE = '801';
const CREDENTIAL = `${TEST_CREDENTIALS.clientId}:101`;
const silent = pino({ level: 'silent' });
const roomy = { limit: 10_000, windowMs: 60_000 };

let sim: RunningSimulator;
let connected: ConnectedPlatform;
let telephony: RingCentralTelephony;
let ownerId: string;
let deviceId: string;

/** Records what the adapter asks of its budget; optionally ignores penalties so a retry happens at once. */
interface SpyBudget extends RateBudget {
  acquired: { group: ThrottleGroup; priority: RequestPriority }[];
  penalties: { credential: string; retryAfterMs: number | undefined }[];
}

function spyBudget(inner: RateBudget = permissiveBudget(), { honourPenalty = true } = {}): SpyBudget {
  const acquired: SpyBudget['acquired'] = [];
  const penalties: SpyBudget['penalties'] = [];
  return {
    acquired,
    penalties,
    async acquire(credential, group, priority, signal) {
      acquired.push({ group, priority });
      await inner.acquire(credential, group, priority, signal);
    },
    tryAcquire: (credential, group, priority) => inner.tryAcquire(credential, group, priority),
    async penalize(credential, retryAfterMs) {
      penalties.push({ credential, retryAfterMs });
      if (honourPenalty) await inner.penalize(credential, retryAfterMs);
    },
  };
}

function permissiveBudget(): InMemoryRateBudget {
  return new InMemoryRateBudget({ limits: { Light: roomy, Medium: roomy, Heavy: roomy, Auth: roomy } });
}

function adapter(budget: RateBudget, options: Partial<RingCentralTelephonyOptions> = {}): RingCentralTelephony {
  return new RingCentralTelephony({ platform: connected.platform, credential: CREDENTIAL, budget, log: silent, retryDelayMs: 20, ...options });
}

async function ourParty(call: CallRef): Promise<PartyState | undefined> {
  const session = await telephony.getSession(call.telephonySessionId);
  return session.parties.find((p) => p.id === call.partyId);
}

async function answered(call: CallRef): Promise<PartyState> {
  return eventually(async () => {
    const party = await ourParty(call);
    return party?.code === 'Answered' ? party : undefined;
  }, 5_000, `${call.telephonySessionId} answered`);
}

async function rejection(promise: Promise<unknown>): Promise<TelephonyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TelephonyError);
  return error as TelephonyError;
}

beforeAll(async () => {
  // Generous simulator limits: the tests below set tight ones where the limit is the point.
  const relaxed = Object.fromEntries(
    Object.entries(RINGCENTRAL_DEFAULT_LIMITS).map(([group, limit]) => [group, { ...limit, limit: 1_000 }]),
  ) as typeof RINGCENTRAL_DEFAULT_LIMITS;
  sim = await startTestSimulator({ scenario: 'fast-agent', timeScale: 60, rateLimits: relaxed });
  connected = await connectRingCentral({ server: sim.url, ...TEST_CREDENTIALS });
  telephony = adapter(permissiveBudget());
  const owner = (await telephony.listExtensions()).find((e) => e.extensionNumber === '101');
  ownerId = owner!.id;
  const device = (await telephony.listDevices(ownerId)).find((d) => d.status === 'Online' && d.type !== 'WebPhone');
  deviceId = device!.id;
});

afterAll(async () => {
  await sim.close();
});

describe('directory', () => {
  it('lists all 100 users across pages, with string ids', async () => {
    const budget = spyBudget();
    const users = await adapter(budget).listExtensions({ perPage: 30 });
    expect(users).toHaveLength(100);
    expect(new Set(users.map((u) => u.id)).size).toBe(100);
    expect(users.every((u) => typeof u.id === 'string' && /^\d+$/.test(u.id) && u.type === 'User')).toBe(true);
    expect(users.find((u) => u.extensionNumber === '101')).toMatchObject({ id: ownerId, status: 'Enabled' });
    // 4 pages of 30, each a Medium request at sync priority.
    expect(budget.acquired).toEqual(Array.from({ length: 4 }, () => ({ group: 'Medium', priority: 'sync' })));
  });

  it('includes the call queues (Department extensions) when asked', async () => {
    const all = await telephony.listExtensions({ includeDepartments: true });
    expect(all.filter((e) => e.type === 'User')).toHaveLength(100);
    expect(all.filter((e) => e.type === 'Department')).toHaveLength(47);
  });

  it('lists all 47 queues across pages', async () => {
    const queues = await telephony.listQueues({ perPage: 20 });
    expect(queues).toHaveLength(47);
    expect(typeof queues[0]!.id).toBe('string');
    expect(queues.find((q) => q.extensionNumber === QUEUE)).toBeDefined();
    expect(await telephony.listQueues()).toEqual(queues);
  });

  it("lists an extension's devices", async () => {
    const devices = await telephony.listDevices(ownerId);
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((d) => d.extensionId === ownerId && typeof d.id === 'string')).toBe(true);
  });
});

describe('calls', () => {
  it('places a call whose parties reach Answered, and presence shows it', async () => {
    const budget = spyBudget();
    const call = await adapter(budget).placeCall({ deviceId, to: IRS_PPS });
    expect(budget.acquired).toEqual([{ group: 'Heavy', priority: 'dial' }]);
    expect(call.telephonySessionId).toMatch(/^s-/);
    expect(call.partyId).toMatch(/-1$/);

    expect(await answered(call)).toEqual({ id: call.partyId, code: 'Answered', extensionId: ownerId, direction: 'Outbound' });
    const session = await telephony.getSession(call.telephonySessionId);
    expect(session.exists).toBe(true);
    expect(session.parties.find((p) => p.id !== call.partyId)).toMatchObject({ code: 'Answered', direction: 'Inbound' });

    const presence = await telephony.presence(ownerId);
    expect(presence.extensionId).toBe(ownerId);
    expect(presence.telephonyStatus).toBe('CallConnected');
    expect(presence.activeCalls).toContainEqual(expect.objectContaining({ telephonySessionId: call.telephonySessionId, partyId: call.partyId }));
    await telephony.hangup(call.telephonySessionId);
  });

  it('blind-transfers a picked-up call to a queue', async () => {
    const budget = spyBudget();
    const call = await telephony.placeCall({ deviceId, to: IRS_PPS });
    await answered(call);
    await control(sim, 'POST', `/_sim/calls/${call.telephonySessionId}/pickup`);

    await adapter(budget).transfer(call, { kind: 'queue', extensionNumber: QUEUE });
    expect(budget.acquired).toEqual([{ group: 'Light', priority: 'transfer' }]);
    expect(await ourParty(call)).toMatchObject({ code: 'Disconnected', reason: 'BlindTransfer' });
    const report = await control(sim, 'GET', `/_sim/calls/${call.telephonySessionId}`);
    expect(report.milestones.transferReceivedAt).not.toBeNull();
    await telephony.hangup(call.telephonySessionId);
  });

  it('refuses to transfer a call that is not answered yet (409 TAS-102)', async () => {
    const call = await telephony.placeCall({ deviceId, to: IRS_PPS });
    const error = await rejection(telephony.transfer(call, { kind: 'number', phoneNumber: '+12125550100' }));
    expect(error).toMatchObject({ status: 409, errorCode: 'TAS-102' });
    await telephony.hangup(call.telephonySessionId);
  });

  it('bridges the IRS call with a standby call to the queue', async () => {
    const budget = spyBudget();
    const phone = adapter(budget);
    const irs = await phone.placeCall({ deviceId, to: IRS_PPS });
    const standby = await phone.placeCall({ deviceId, to: QUEUE, priority: 'transfer' });
    await Promise.all([answered(irs), answered(standby)]);

    await phone.bridge(irs, standby);
    expect(budget.acquired).toEqual([
      { group: 'Heavy', priority: 'dial' },
      { group: 'Heavy', priority: 'transfer' },
      { group: 'Light', priority: 'transfer' },
    ]);
    expect(await ourParty(irs)).toMatchObject({ code: 'Gone', reason: 'AttendedTransfer' });
    expect(await ourParty(standby)).toMatchObject({ code: 'Gone', reason: 'AttendedTransfer' });
    const report = await control(sim, 'GET', `/_sim/calls/${irs.telephonySessionId}`);
    expect(report.milestones.transferReceivedAt).not.toBeNull();
    await telephony.hangup(irs.telephonySessionId);
    await telephony.hangup(standby.telephonySessionId);
  });

  it('hangs up; a second hang-up resolves and the session is gone', async () => {
    const budget = spyBudget();
    const phone = adapter(budget);
    const call = await phone.placeCall({ deviceId, to: IRS_PPS });
    await phone.hangup(call.telephonySessionId);
    await phone.hangup(call.telephonySessionId);
    expect(budget.acquired.slice(1)).toEqual([
      { group: 'Light', priority: 'hangup' },
      { group: 'Light', priority: 'hangup' },
    ]);
    expect(await phone.getSession(call.telephonySessionId)).toEqual({ telephonySessionId: call.telephonySessionId, exists: false, parties: [] });
    const report = await control(sim, 'GET', `/_sim/calls/${call.telephonySessionId}`);
    expect(report.milestones.hangupBy).toBe('caller');
  });

  it('maps an unknown party to 404 CMN-102', async () => {
    const error = await rejection(telephony.transfer({ telephonySessionId: 's-nope', partyId: 'p-nope-1' }, { kind: 'extension', extensionNumber: '102' }));
    expect(error).toMatchObject({ status: 404, errorCode: 'CMN-102', notFound: true });
    expect(error.message).toMatch(/not found/i);
  });
});

describe('webhook subscriptions', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('creates, reads, renews and deletes a subscription', async () => {
    const budget = spyBudget();
    const phone = adapter(budget);
    const created = await phone.createSubscription({
      address: receiver.url,
      verificationToken: 'adapter-token',
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
      expiresIn: 3600,
    });
    expect(receiver.handshakes).toHaveLength(1);
    expect(created).toMatchObject({ status: 'Active', address: receiver.url });
    expect(created.eventFilters[0]).toMatch(/^\/restapi\/v1\.0\/account\/\d+\/telephony\/sessions$/);
    const expiresIn = Date.parse(created.expirationTime) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_500_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000);

    expect(await phone.getSubscription(created.id)).toEqual(created);
    const renewed = await phone.renewSubscription(created.id);
    expect(renewed.id).toBe(created.id);
    expect(Date.parse(renewed.expirationTime)).toBeGreaterThanOrEqual(Date.parse(created.expirationTime));

    await phone.deleteSubscription(created.id);
    expect(await phone.getSubscription(created.id)).toBeUndefined();
    await phone.deleteSubscription(created.id);
    expect(budget.acquired.map((a) => a.group)).toEqual(['Medium', 'Light', 'Light', 'Medium', 'Light', 'Medium']);
    // Above dials and look-ups: a blacklisted subscription is replaced even while a big hunt fills the budget.
    expect(new Set(budget.acquired.map((a) => a.priority))).toEqual(new Set(['upkeep']));
  });

  it('delivers call events to the subscription', async () => {
    const subscription = await telephony.createSubscription({
      address: receiver.url,
      verificationToken: 'adapter-token',
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
    });
    const call = await telephony.placeCall({ deviceId, to: IRS_PPS });
    const event = await receiver.waitFor((n) => n.body.body.telephonySessionId === call.telephonySessionId);
    expect(event.headers['verification-token']).toBe('adapter-token');
    await telephony.hangup(call.telephonySessionId);
    await telephony.deleteSubscription(subscription.id);
  });
});

describe('refusals', () => {
  afterEach(async () => {
    await control(sim, 'PUT', '/_sim/rate-limits', { Heavy: { limit: 1_000, windowSeconds: 60, penaltySeconds: 60 } });
    await control(sim, 'DELETE', '/_sim/faults');
  });

  it('a 429 penalises the credential and surfaces Retry-After; call-out is not retried', async () => {
    await control(sim, 'PUT', '/_sim/rate-limits', { Heavy: { limit: 1, windowSeconds: 60, penaltySeconds: 60 } });
    const budget = spyBudget();
    const phone = adapter(budget);
    const first = await phone.placeCall({ deviceId, to: IRS_PPS });
    const error = await rejection(phone.placeCall({ deviceId, to: IRS_PPS }));
    expect(error).toMatchObject({ status: 429, errorCode: 'CMN-301', retryAfterMs: 60_000, rateLimited: true });
    expect(error.message).toBe('Request rate exceeded');
    expect(budget.penalties).toEqual([{ credential: CREDENTIAL, retryAfterMs: 60_000 }]);
    expect(budget.acquired.filter((a) => a.group === 'Heavy')).toHaveLength(2);
    // The penalty now holds every request of this credential back.
    expect(await budget.tryAcquire(CREDENTIAL, 'Light', 'transfer')).toMatchObject({ ok: false });
    await telephony.hangup(first.telephonySessionId);
  });

  it('a read refused with 429 is retried once after the penalty', async () => {
    await control(sim, 'POST', '/_sim/faults', { api429: 1 });
    const budget = spyBudget(permissiveBudget(), { honourPenalty: false });
    const error = await rejection(adapter(budget).getSession('s-whatever'));
    expect(error.status).toBe(429);
    expect(budget.acquired).toHaveLength(2);
    expect(budget.penalties).toHaveLength(2);
  });

  it('a session look-up that may not wait (the hunt loop) is refused at once while the credential is blocked, and a 429 is not retried', async () => {
    const budget = spyBudget(permissiveBudget());
    const phone = adapter(budget);
    await control(sim, 'POST', '/_sim/faults', { api429: 1 });
    const refused = await rejection(phone.getSession('s-whatever', { wait: false }));
    expect(refused.status).toBe(429);
    expect(budget.penalties).toHaveLength(1);
    await control(sim, 'POST', '/_sim/faults', { api429: 0 });
    // Blocked for Retry-After (60 s): the next look-up fails at once instead of waiting. It was not sent either —
    // the simulator, its faults off again, would have answered 404 (a session that does not exist).
    const blocked = await rejection(phone.getSession('s-whatever', { wait: false }));
    expect(blocked.status).toBe(429);
    expect(blocked.retryAfterMs).toBeGreaterThan(50_000);
    expect(budget.penalties).toHaveLength(1);
  });

  it('a read is not retried when RingCentral asks for a longer wait than allowed', async () => {
    await control(sim, 'POST', '/_sim/faults', { api429: 1 });
    const budget = spyBudget(permissiveBudget(), { honourPenalty: false });
    await rejection(adapter(budget, { maxRateLimitRetryMs: 1_000 }).presence(ownerId));
    expect(budget.acquired).toHaveLength(1);
  });

  it('an injected 5xx becomes 503 CMN-201; reads retry once, call-outs never', async () => {
    await control(sim, 'POST', '/_sim/faults', { api5xx: 1 });
    const budget = spyBudget();
    const phone = adapter(budget);
    const dial = await rejection(phone.placeCall({ deviceId, to: IRS_PPS }));
    expect(dial).toMatchObject({ status: 503, errorCode: 'CMN-201', message: 'Service Temporary Unavailable' });
    expect(budget.acquired).toHaveLength(1);

    const read = await rejection(phone.listQueues());
    expect(read.status).toBe(503);
    expect(budget.acquired).toHaveLength(3);
    expect(budget.penalties).toEqual([]);

    await control(sim, 'DELETE', '/_sim/faults');
    expect(await phone.listQueues()).toHaveLength(47);
  });
});

describe('rate budget priorities', () => {
  it('a dial waits for the budget while a transfer goes straight through', async () => {
    const budget = new InMemoryRateBudget({ limits: { Heavy: { limit: 1, windowMs: 2_000 }, Light: roomy } });
    const phone = adapter(budget);
    const started = Date.now();
    const first = await phone.placeCall({ deviceId, to: IRS_PPS });
    let secondPlaced = false;
    const second = phone.placeCall({ deviceId, to: IRS_PPS }).then((call) => {
      secondPlaced = true;
      return call;
    });

    await answered(first);
    await control(sim, 'POST', `/_sim/calls/${first.telephonySessionId}/pickup`);
    await phone.transfer(first, { kind: 'queue', extensionNumber: QUEUE });
    expect(secondPlaced).toBe(false);

    const call = await second;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    await telephony.hangup(first.telephonySessionId);
    await telephony.hangup(call.telephonySessionId);
  });

  it('in one group, lower priorities leave headroom for higher ones', async () => {
    let now = 0;
    const budget = new InMemoryRateBudget({ limits: { Light: { limit: 10, windowMs: 60_000 } }, now: () => now });
    const take = (priority: RequestPriority) => budget.tryAcquire('c', 'Light', priority);
    for (let i = 0; i < 6; i++) expect(await take('sync')).toEqual({ ok: true });
    expect(await take('sync')).toEqual({ ok: false, retryInMs: 60_000 });
    expect(await take('dial')).toEqual({ ok: true });
    expect(await take('dial')).toEqual({ ok: true });
    expect(await take('dial')).toMatchObject({ ok: false });
    expect(await take('hangup')).toEqual({ ok: true });
    expect(await take('hangup')).toMatchObject({ ok: false });
    expect(await take('transfer')).toEqual({ ok: true });
    expect(await take('transfer')).toMatchObject({ ok: false });
    // Other credentials and groups are counted apart.
    expect(await budget.tryAcquire('other', 'Light', 'sync')).toEqual({ ok: true });
    expect(await budget.tryAcquire('c', 'Medium', 'sync')).toEqual({ ok: true });

    now = 60_001;
    expect(await take('sync')).toEqual({ ok: true });
    await budget.penalize('c', 5_000);
    expect(await take('transfer')).toEqual({ ok: false, retryInMs: 5_000 });
    expect(await budget.tryAcquire('c', 'Heavy', 'transfer')).toEqual({ ok: false, retryInMs: 5_000 });
    now += 5_000;
    expect(await take('transfer')).toEqual({ ok: true });
  });

  it("keeps at least one request per window for every priority, and uses RingCentral's limits by default", async () => {
    expect(priorityAllowance(1, 'sync')).toBe(1);
    expect(priorityAllowance(10, 'dial')).toBe(8);
    expect(priorityAllowance(50, 'hangup')).toBe(45);
    const budget = new InMemoryRateBudget();
    for (let i = 0; i < 6; i++) expect(await budget.tryAcquire('c', 'Heavy', 'sync')).toEqual({ ok: true });
    expect(await budget.tryAcquire('c', 'Heavy', 'sync')).toMatchObject({ ok: false });
  });

  it('a dial whose line is cancelled while it waits for the budget is withdrawn: nothing sent, no slot taken', async () => {
    // Heavy 2 per window: dials may use 1, a transfer-priority call-out 2.
    const budget = new InMemoryRateBudget({ limits: { Heavy: { limit: 2, windowMs: 60_000 }, Light: roomy } });
    const phone = adapter(budget);
    const first = await phone.placeCall({ deviceId, to: IRS_PPS });
    const callsBefore = (await control<{ records: unknown[] }>(sim, 'GET', '/_sim/calls')).records.length;
    let wanted = true;
    const waiting = phone.placeCall({ deviceId, to: IRS_PPS, proceed: () => Promise.resolve(wanted) });
    wanted = false;
    await expect(waiting).rejects.toBeInstanceOf(PlacementWithdrawn);
    expect((await control<{ records: unknown[] }>(sim, 'GET', '/_sim/calls')).records.length).toBe(callsBefore);
    expect(await budget.tryAcquire(CREDENTIAL, 'Heavy', 'transfer')).toEqual({ ok: true });
    // Not wanted from the start: not even the budget is asked.
    await expect(adapter(spyBudget()).placeCall({ deviceId, to: IRS_PPS, proceed: () => Promise.resolve(false) })).rejects.toBeInstanceOf(PlacementWithdrawn);
    await telephony.hangup(first.telephonySessionId);
  });

  it('acquire waits, and gives up when its signal aborts', async () => {
    const budget = new InMemoryRateBudget({ limits: { Heavy: { limit: 1, windowMs: 200 } } });
    await budget.acquire('c', 'Heavy', 'dial');
    const started = Date.now();
    await budget.acquire('c', 'Heavy', 'dial');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    const controller = new AbortController();
    const abortedAt = Date.now();
    const waiting = budget.acquire('c', 'Heavy', 'dial', controller.signal);
    controller.abort(new Error('job cancelled'));
    await expect(waiting).rejects.toThrow('job cancelled');
    expect(Date.now() - abortedAt).toBeLessThan(100);
    await expect(budget.acquire('c', 'Heavy', 'dial', controller.signal)).rejects.toThrow('job cancelled');
  });
});

describe('SDK errors', () => {
  const fail = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    Object.assign(new Error('Response has unsuccessful status'), { response: new Response(JSON.stringify(body), { status, headers }) });

  it('reads a 429 wait from Retry-After when the SDK gave none, else 30 s', async () => {
    expect(await toTelephonyError(fail(429, { message: 'Request rate exceeded' }, { 'Retry-After': '12' }))).toMatchObject({
      status: 429,
      errorCode: 'CMN-301',
      retryAfterMs: 12_000,
    });
    expect((await toTelephonyError(fail(429, {}))).retryAfterMs).toBe(30_000);
  });

  it('takes the code and message from errors[] or the OAuth fields', async () => {
    expect(await toTelephonyError(fail(400, { errors: [{ errorCode: 'CMN-101', message: 'Parameter [to] value is invalid' }] }))).toMatchObject({
      status: 400,
      errorCode: 'CMN-101',
      message: 'Parameter [to] value is invalid',
    });
    expect(await toTelephonyError(fail(400, { error: 'invalid_grant', error_description: 'bad JWT' }))).toMatchObject({
      errorCode: 'invalid_grant',
      message: 'bad JWT',
    });
  });

  it('reads Retry-After as an HTTP date, and survives a body that is not JSON', async () => {
    const later = new Date(Date.now() + 20_000).toUTCString();
    const retryAfterMs = (await toTelephonyError(fail(429, {}, { 'Retry-After': later }))).retryAfterMs!;
    expect(retryAfterMs).toBeGreaterThan(18_000);
    expect(retryAfterMs).toBeLessThanOrEqual(20_000);
    const error = Object.assign(new Error('502 Bad Gateway'), { response: new Response('<html>bad gateway</html>', { status: 502 }) });
    expect(await toTelephonyError(error)).toMatchObject({ status: 502, message: '502 Bad Gateway', errorCode: undefined });
  });

  it('gives a failure without a response status 0', async () => {
    expect(await toTelephonyError(new Error('connect ECONNREFUSED'))).toMatchObject({ status: 0, message: 'connect ECONNREFUSED' });
  });
});
