/**
 * Every simulator response body and every notification, checked against RingCentral's official OpenAPI spec
 * (ringcentral-open-api-parser's rc-public-openapi.yml): declared types, enums and required fields, and no
 * property the spec does not declare.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { expectConforms, loadRcOpenApi } from '../support/rc-openapi.ts';

const spec = loadRcOpenApi();
let sim: RunningSimulator;
let receiver: WebhookReceiver;
let token: string;

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** Errors must be RingCentral's shape: errorCode, message and errors[] (top-level copies are real RC behaviour). */
function expectRcError(reply: Reply, status: number, errorCode: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body.errorCode).toBe(errorCode);
  expect(typeof reply.body.message).toBe('string');
  expect(reply.body.errors[0].errorCode).toBe(errorCode);
  expectConforms(spec.validateSchema('ApiErrorResponseModel', reply.body), 'error body');
  const unknown = spec.unknownProperties('ApiErrorResponseModel', reply.body).filter((p) => !['/errorCode', '/message', '/parameterName', '/parameterValue', '/error', '/error_description'].includes(p));
  expect(unknown).toEqual([]);
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Calls an operation that must succeed, and checks its body against the operation's response schema. */
async function conforming(method: string, path: string, body?: unknown): Promise<any> {
  const reply = await api(method, path, body);
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  const result = spec.validateResponse(method, path.split('?')[0]!, reply.status, reply.body);
  expectConforms(result, `${method} ${path}`);
  if (result.schemaName && reply.body !== undefined) {
    expect(spec.unknownProperties(result.schemaName, reply.body), `${method} ${path} invents fields`).toEqual([]);
  }
  // Every API reply carries RingCentral's rate-limit headers, named after the operation's group.
  expect(reply.headers.get('x-rate-limit-group')).toBe(spec.throttlingGroup(method, path.split('?')[0]!)?.toLowerCase());
  return reply.body;
}

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: 'fast-agent', timeScale: 60 });
  await control(sim, 'PUT', '/_sim/rate-limits', {
    Light: { limit: 10_000, windowSeconds: 60, penaltySeconds: 60 },
    Medium: { limit: 10_000, windowSeconds: 60, penaltySeconds: 60 },
    Heavy: { limit: 10_000, windowSeconds: 60, penaltySeconds: 60 },
    Auth: { limit: 10_000, windowSeconds: 60, penaltySeconds: 60 },
  });
  receiver = await startWebhookReceiver();
  const response = await fetch(`${sim.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: TEST_CREDENTIALS.jwt }),
  });
  const grant: any = await response.json();
  expectConforms(spec.validateResponse('POST', '/restapi/oauth/token', 200, grant), 'token');
  expect(spec.unknownProperties('TokenInfo', grant)).toEqual([]);
  token = grant.access_token;
});

afterAll(async () => {
  await receiver.close();
  await sim.close();
});

describe('REST responses conform to the OpenAPI spec', () => {
  it('directory: extensions, devices, presence, queues, members, queue presence, sip-info', async () => {
    const list = await conforming('GET', '/restapi/v1.0/account/~/extension?perPage=50&page=2');
    const user = list.records.find((r: { type: string }) => r.type === 'User');
    await conforming('GET', `/restapi/v1.0/account/~/extension/${user.id}`);
    await conforming('GET', '/restapi/v1.0/account/~/extension/~');
    const devices = await conforming('GET', '/restapi/v1.0/account/~/extension/~/device');
    await conforming('GET', `/restapi/v1.0/account/~/extension/${user.id}/presence?detailedTelephonyState=true`);
    const queues = await conforming('GET', '/restapi/v1.0/account/~/call-queues?perPage=10');
    const queueId = queues.records[0].id;
    await conforming('GET', `/restapi/v1.0/account/~/call-queues/${queueId}`);
    await conforming('GET', `/restapi/v1.0/account/~/call-queues/${queueId}/members`);
    await conforming('GET', `/restapi/v1.0/account/~/call-queues/${queueId}/presence`);
    await conforming('GET', `/restapi/v1.0/account/~/device/${devices.records[0].id}/sip-info`);
  });

  it('subscriptions: create, list, get, update, renew, delete', async () => {
    const created = await conforming('POST', '/restapi/v1.0/subscription', {
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions', '/restapi/v1.0/account/~/extension/~/telephony/sessions'],
      deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: 'conformance' },
      expiresIn: 3600,
    });
    await conforming('GET', '/restapi/v1.0/subscription');
    await conforming('GET', `/restapi/v1.0/subscription/${created.id}`);
    await conforming('PUT', `/restapi/v1.0/subscription/${created.id}`, { expiresIn: 7200 });
    await conforming('POST', `/restapi/v1.0/subscription/${created.id}/renew`);
    // Keep one subscription alive for the notification checks below.
    await conforming('POST', '/restapi/v1.0/subscription', {
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
      deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: 'conformance' },
    });
    const deleted = await api('DELETE', `/restapi/v1.0/subscription/${created.id}`);
    expect(deleted.status).toBe(204);
  });

  it('telephony: call-out, session, party, hold, unhold, mute, transfer, bridge, delete', async () => {
    const devices = await conforming('GET', '/restapi/v1.0/account/~/extension/~/device');
    const deviceId = devices.records.find((d: { status: string }) => d.status === 'Online').id;
    const irs = await conforming('POST', '/restapi/v1.0/account/~/telephony/call-out', { from: { deviceId }, to: { phoneNumber: '+18668604259' } });
    const firm = await conforming('POST', '/restapi/v1.0/account/~/telephony/call-out', { from: { deviceId }, to: { extensionNumber: '801' } });
    const session = irs.session.id as string;
    const ours = irs.session.parties[0].id as string;
    await receiver.waitFor((n) => n.body.body.telephonySessionId === session && n.body.body.parties[0].id === ours && n.body.body.parties[0].status.code === 'Answered');
    await receiver.waitFor((n) => n.body.body.telephonySessionId === firm.session.id && n.body.body.parties[0].id === firm.session.parties[0].id && n.body.body.parties[0].status.code === 'Answered', 20_000);

    await conforming('GET', `/restapi/v1.0/account/~/telephony/sessions/${session}`);
    await conforming('GET', `/restapi/v1.0/account/~/telephony/sessions/${session}/parties/${ours}`);
    await conforming('PATCH', `/restapi/v1.0/account/~/telephony/sessions/${session}/parties/${ours}`, { party: { muted: true } });
    await conforming('POST', `/restapi/v1.0/account/~/telephony/sessions/${session}/parties/${ours}/hold`, {});
    await conforming('POST', `/restapi/v1.0/account/~/telephony/sessions/${session}/parties/${ours}/unhold`);
    await conforming('POST', `/restapi/v1.0/account/~/telephony/sessions/${session}/parties/${ours}/bridge`, {
      telephonySessionId: firm.session.id,
      partyId: firm.session.parties[0].id,
    });

    const second = await conforming('POST', '/restapi/v1.0/account/~/telephony/call-out', { from: { deviceId }, to: { phoneNumber: '+18668604259' } });
    const secondParty = second.session.parties[0].id as string;
    await receiver.waitFor((n) => n.body.body.parties[0].id === secondParty && n.body.body.parties[0].status.code === 'Answered');
    await conforming('POST', `/restapi/v1.0/account/~/telephony/sessions/${second.session.id}/parties/${secondParty}/transfer`, { phoneNumber: '+12125550100' });

    const third = await conforming('POST', '/restapi/v1.0/account/~/telephony/call-out', { from: { deviceId }, to: { phoneNumber: '+18668604259' } });
    expect((await api('DELETE', `/restapi/v1.0/account/~/telephony/sessions/${third.session.id}`)).status).toBe(204);
  });

  it('every notification delivered so far is a conforming telephony-session event', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.notifications.length).toBeGreaterThan(10);
    for (const n of receiver.notifications) {
      expectConforms(spec.validateSchema('AccountTelephonySessionsEvent', n.body), `notification ${n.body.uuid}`);
      expect(spec.unknownProperties('AccountTelephonySessionsEvent', n.body)).toEqual([]);
      expect(n.headers['content-type']).toMatch(/^application\/json/);
    }
  });
});

describe('bad input gets RingCentral status codes and error bodies', () => {
  it('authentication: no token, a corrupted token, an expired token', async () => {
    const anonymous = await fetch(`${sim.url}/restapi/v1.0/account/~/extension`);
    expectRcError({ status: anonymous.status, body: (await anonymous.json()) as any, headers: anonymous.headers }, 401, 'AGW-401');
    expectRcError(await api('GET', '/restapi/v1.0/account/~/extension', undefined, { Authorization: 'Bearer nope' }), 401, 'OAU-129');
    const { expired } = await control(sim, 'POST', '/_sim/tokens/expire');
    expect(expired).toBeGreaterThan(0);
    expectRcError(await api('GET', '/restapi/v1.0/account/~/extension'), 401, 'OAU-128');
    const refreshed = await fetch(`${sim.url}/restapi/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: TEST_CREDENTIALS.jwt }),
    });
    token = ((await refreshed.json()) as any).access_token;
  });

  it('token endpoint: wrong client secret, wrong JWT, unknown grant', async () => {
    const post = (auth: string, body: Record<string, string>) =>
      fetch(`${sim.url}/restapi/oauth/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      });
    const wrongSecret = await post(`${TEST_CREDENTIALS.clientId}:nope`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: TEST_CREDENTIALS.jwt });
    expect(wrongSecret.status).toBe(401);
    expect(((await wrongSecret.json()) as any).error).toBe('invalid_client');
    const wrongJwt = await post(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'x.y.z' });
    const wrongJwtBody: any = await wrongJwt.json();
    expect(wrongJwt.status).toBe(400);
    expect(wrongJwtBody.error).toBe('invalid_grant');
    expectConforms(spec.validateResponse('POST', '/restapi/oauth/token', 400, wrongJwtBody));
    const badGrant = await post(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`, { grant_type: 'password' });
    expect(badGrant.status).toBe(400);
    expect(((await badGrant.json()) as any).error).toBe('unsupported_grant_type');
  });

  it('malformed JSON, missing fields, unknown ids and wrong states', async () => {
    const callOut = '/restapi/v1.0/account/~/telephony/call-out';
    expectRcError(await api('POST', callOut, '{"from": '), 400, 'CMN-103');
    expectRcError(await api('POST', callOut, { to: { phoneNumber: '+18668604259' } }), 400, 'CMN-100');
    expectRcError(await api('POST', callOut, { from: { deviceId: '999' }, to: { phoneNumber: '+18668604259' } }), 404, 'CMN-102');
    const devices = (await api('GET', '/restapi/v1.0/account/~/extension/~/device')).body;
    const deviceId = devices.records.find((d: { status: string }) => d.status === 'Online').id;
    expectRcError(await api('POST', callOut, { from: { deviceId }, to: { phoneNumber: 'call the IRS' } }), 400, 'CMN-101');
    expectRcError(await api('GET', '/restapi/v1.0/account/~/telephony/sessions/s-unknown'), 404, 'CMN-102');
    expectRcError(await api('GET', '/restapi/v1.0/account/123/extension'), 404, 'CMN-102');
    expectRcError(await api('GET', '/restapi/v1.0/account/~/extension/42'), 404, 'CMN-102');
    expectRcError(await api('GET', '/restapi/v1.0/no/such/path'), 404, 'CMN-102');

    // A call still in Setup cannot be held or transferred: 409 TAS-102.
    const placed = (await api('POST', callOut, { from: { deviceId }, to: { phoneNumber: '+18668604259' } })).body;
    const party = placed.session.parties[0].id;
    const base = `/restapi/v1.0/account/~/telephony/sessions/${placed.session.id}/parties/${party}`;
    expectRcError(await api('POST', `${base}/hold`, {}), 409, 'TAS-102');
    expectRcError(await api('POST', `${base}/transfer`, { extensionNumber: '801' }), 409, 'TAS-102');
    expectRcError(await api('POST', `${base}/transfer`, {}), 400, 'CMN-100');
    expectRcError(await api('POST', `${base}/transfer`, { extensionNumber: '801', phoneNumber: '+12125550100' }), 400, 'CMN-101');
    expectRcError(await api('PATCH', base, { party: { muted: 'yes' } }), 400, 'CMN-101');
    expectRcError(await api('GET', `/restapi/v1.0/account/~/telephony/sessions/${placed.session.id}/parties/p-nope-9`), 404, 'CMN-102');
    expect((await api('DELETE', `/restapi/v1.0/account/~/telephony/sessions/${placed.session.id}`)).status).toBe(204);
    expectRcError(await api('DELETE', `/restapi/v1.0/account/~/telephony/sessions/${placed.session.id}`), 404, 'CMN-102');
  });

  it('the simulator survives random garbage on every route', async () => {
    const paths = [
      '/restapi/v1.0/account/~/telephony/call-out',
      '/restapi/v1.0/subscription',
      '/restapi/v1.0/account/~/telephony/sessions/s-x/parties/p-x-1/transfer',
      '/restapi/v1.0/account/~/extension?perPage=-4&page=abc',
    ];
    const bodies = ['', 'null', '[]', '"text"', '{"from": {"deviceId": 12}}', '{"to": []}', '{"eventFilters": "x"}', '\u0000\u0001'];
    for (const path of paths) {
      for (const body of bodies) {
        const reply = await api(path.includes('?') ? 'GET' : 'POST', path, path.includes('?') ? undefined : body);
        expect(reply.status, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
        expect(typeof reply.body.errorCode).toBe('string');
      }
    }
  });
});
