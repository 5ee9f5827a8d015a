/**
 * The simulator's OAuth sessions over HTTP, on a ManualClock so the grace periods can be crossed at once:
 * single-use refresh tokens with RingCentral's grace rules (10 s after the replacement access token is first used,
 * 60 min if it never is), the old access token dying on refresh, TTL clamping, refresh_token_ttl=0, expired refresh
 * tokens, revoke (SDK logout) ending the session, and the Auth group's 5 requests per minute.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SDK } from '@ringcentral/sdk';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { ManualClock } from '../../src/simulator/sim-clock.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { expectConforms, loadRcOpenApi } from '../support/rc-openapi.ts';

const spec = loadRcOpenApi();
const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ME = '/restapi/v1.0/account/~/extension/~';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const ROOMY = { limit: 10_000, windowSeconds: 60, penaltySeconds: 60 };

let sim: RunningSimulator;

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

function clock(): ManualClock {
  return sim.runtime.context.clock as ManualClock;
}

async function tokenRequest(params: Record<string, string>): Promise<Reply> {
  const response = await fetch(`${sim.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function login(extra: Record<string, string> = {}): Promise<any> {
  const reply = await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt, ...extra });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}

function refresh(refreshToken: string, extra: Record<string, string> = {}): Promise<Reply> {
  return tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

async function refreshed(refreshToken: string, extra: Record<string, string> = {}): Promise<any> {
  const reply = await refresh(refreshToken, extra);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}

async function me(accessToken: string): Promise<Reply> {
  const response = await fetch(`${sim.url}${ME}`, { headers: { Authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** RingCentral's token-endpoint 400: RFC 6749 `error` beside errorCode/message/errors[], as the spec declares. */
function expectInvalidGrant(reply: Reply, errorCode = 'OAU-211'): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(400);
  expect(reply.body).toMatchObject({ error: 'invalid_grant', errorCode, errors: [{ errorCode }] });
  expect(typeof reply.body.error_description).toBe('string');
  expectConforms(spec.validateResponse('POST', '/restapi/oauth/token', 400, reply.body), 'token 400');
}

function expectUnauthorized(reply: Reply, errorCode: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(401);
  expect(reply.body).toMatchObject({ errorCode, errors: [{ errorCode }] });
  expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  expect(reply.headers.get('x-rate-limit-group')).toBeNull();
}

beforeAll(async () => {
  sim = await startTestSimulator({ makeClock: (timeScale) => new ManualClock(Date.now(), timeScale) });
});

afterAll(async () => {
  await sim.close();
});

describe('refresh tokens', () => {
  beforeEach(async () => {
    // The manual clock does not slide the Auth window by itself: lift the budget for these tests.
    await control(sim, 'PUT', '/_sim/rate-limits', { Auth: ROOMY, Light: ROOMY });
  });

  it('a refresh kills the old access token at once (401 OAU-129); the new pair works', async () => {
    const first = await login();
    expect((await me(first.access_token)).status).toBe(200);
    const second = await refreshed(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.session_id).toBe(first.session_id);
    expectConforms(spec.validateResponse('POST', '/restapi/oauth/token', 200, second), 'refresh grant');
    expectUnauthorized(await me(first.access_token), 'OAU-129');
    expect((await me(second.access_token)).status).toBe(200);
    expect((await refreshed(second.refresh_token)).access_token).toBeTruthy();
  });

  it('the old refresh token works for 10 s after its replacement access token is first used, then 400 invalid_grant', async () => {
    const first = await login();
    const second = await refreshed(first.refresh_token);
    expect((await me(second.access_token)).status).toBe(200); // first use: the 10 s grace starts now
    clock().advance(9 * SECOND);
    const retried = await refreshed(first.refresh_token); // e.g. a second instance that raced the first
    expect(retried.session_id).toBe(first.session_id);
    clock().advance(2 * SECOND);
    expectInvalidGrant(await refresh(first.refresh_token));
    // The newest pair is unaffected.
    expect((await me(retried.access_token)).status).toBe(200);
  });

  it('the old refresh token works up to 60 min while its replacement is never used, then 400', async () => {
    const first = await login();
    await refreshed(first.refresh_token);
    clock().advance(59 * MINUTE);
    const late = await refreshed(first.refresh_token);
    expect(late.session_id).toBe(first.session_id);
    clock().advance(2 * MINUTE);
    expectInvalidGrant(await refresh(first.refresh_token));
  });

  it('an expired refresh token gets 400 invalid_grant "Token is expired"', async () => {
    const grant = await login({ refresh_token_ttl: '3600' });
    expect(grant.refresh_token_expires_in).toBe(3600);
    clock().advance(3600 * SECOND + 1);
    const reply = await refresh(grant.refresh_token);
    expectInvalidGrant(reply);
    expect(reply.body.error_description).toBe('Token is expired');
  });

  it('unknown refresh tokens and an access token offered as one get 400 invalid_grant', async () => {
    const grant = await login();
    expectInvalidGrant(await refresh('SIMRT-no-such-token'));
    expectInvalidGrant(await refresh(grant.access_token));
    const missing = await tokenRequest({ grant_type: 'refresh_token' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });
});

describe('token lifetimes', () => {
  beforeEach(async () => {
    await control(sim, 'PUT', '/_sim/rate-limits', { Auth: ROOMY, Light: ROOMY });
  });

  it('clamps access_token_ttl to 600..3600: -1 → 600, 99999 → 3600, 1200 stays; absent → 3600', async () => {
    expect((await login({ access_token_ttl: '-1' })).expires_in).toBe(600);
    expect((await login({ access_token_ttl: '99999' })).expires_in).toBe(3600);
    expect((await login({ access_token_ttl: '1200' })).expires_in).toBe(1200);
    const plain = await login();
    expect(plain.expires_in).toBe(3600);
    // The SDK's refresh after a 401 sends access_token_ttl=-1 and the previous refresh_token_expires_in.
    const after401 = await refreshed(plain.refresh_token, { access_token_ttl: '-1', refresh_token_ttl: String(plain.refresh_token_expires_in) });
    expect(after401.expires_in).toBe(600);
    expect(after401.refresh_token_expires_in).toBe(604800);
  });

  it('clamps refresh_token_ttl to at most 2592000 (default 604800)', async () => {
    expect((await login()).refresh_token_expires_in).toBe(604800);
    expect((await login({ refresh_token_ttl: '99999999' })).refresh_token_expires_in).toBe(2_592_000);
    expect((await login({ refresh_token_ttl: '7200' })).refresh_token_expires_in).toBe(7200);
  });

  it('refresh_token_ttl=0 issues no refresh token (RingCentral: "refresh tokens are expired immediately")', async () => {
    const grant = await login({ refresh_token_ttl: '0' });
    expect(grant.refresh_token).toBeUndefined();
    expect(grant.refresh_token_expires_in).toBeUndefined();
    expectConforms(spec.validateResponse('POST', '/restapi/oauth/token', 200, grant), 'grant without refresh token');
    expect((await me(grant.access_token)).status).toBe(200);
  });

  it('a TTL that is not a number is 400 invalid_request naming the parameter', async () => {
    const reply = await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt, refresh_token_ttl: 'forever' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'invalid_request', message: 'Parameter [refresh_token_ttl] value is invalid' });
  });

  it('a token request that is not form-encoded gets 415, as the spec declares for getToken', async () => {
    const response = await fetch(`${sim.url}/restapi/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt }),
    });
    expect(response.status).toBe(415);
    expect(() => spec.validateResponse('POST', '/restapi/oauth/token', 415, undefined)).not.toThrow(); // a declared status
  });

  it('an access token expires after its TTL: 401 OAU-128', async () => {
    const grant = await login({ access_token_ttl: '600' });
    clock().advance(599 * SECOND);
    expect((await me(grant.access_token)).status).toBe(200);
    clock().advance(2 * SECOND);
    expectUnauthorized(await me(grant.access_token), 'OAU-128');
  });
});

describe('401 replies of the API', () => {
  it('no header → AGW-401, not a bearer header → AGW-402, unknown token → OAU-129', async () => {
    const anonymous = await fetch(`${sim.url}${ME}`);
    expectUnauthorized({ status: anonymous.status, body: await anonymous.json(), headers: anonymous.headers }, 'AGW-401');
    const basic = await fetch(`${sim.url}${ME}`, { headers: { Authorization: 'Basic Zm9vOmJhcg==' } });
    expectUnauthorized({ status: basic.status, body: await basic.json(), headers: basic.headers }, 'AGW-402');
    expectUnauthorized(await me('SIMAT-forged'), 'OAU-129');
  });
});

describe('revoke', () => {
  beforeEach(async () => {
    await control(sim, 'PUT', '/_sim/rate-limits', { Auth: ROOMY, Light: ROOMY });
  });

  it('SDK logout revokes the whole session: its access and refresh tokens stop working', async () => {
    const sdk = new SDK({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, enableDiscovery: false });
    const platform = sdk.platform();
    await platform.login({ jwt: TEST_CREDENTIALS.jwt });
    const { access_token, refresh_token } = await platform.auth().data();
    expect((await platform.get(ME)).status).toBe(200);
    await platform.logout();
    expectUnauthorized(await me(access_token!), 'OAU-129');
    expectInvalidGrant(await refresh(refresh_token!));
  });

  it('revoking by the refresh token ends the session too; unknown tokens are accepted silently', async () => {
    const grant = await login();
    const revoke = (token: string) =>
      fetch(`${sim.url}/restapi/oauth/revoke`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }),
      });
    expect((await revoke(grant.refresh_token)).status).toBe(200);
    expectUnauthorized(await me(grant.access_token), 'OAU-129');
    expect((await revoke('SIMAT-unknown')).status).toBe(200);
  });
});

describe('the Auth throttling group', () => {
  it('allows 5 token requests a minute; the 6th gets 429 CMN-301 with Retry-After and the rate-limit headers', async () => {
    await control(sim, 'PUT', '/_sim/rate-limits', { Auth: { limit: 5, windowSeconds: 60, penaltySeconds: 60 } });
    for (let i = 0; i < 5; i++) {
      const ok = await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-rate-limit-remaining')).toBe(String(4 - i));
    }
    const refused = await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-rate-limit-group')).toBe('auth');
    expect(refused.headers.get('x-rate-limit-limit')).toBe('5');
    expect(refused.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(refused.headers.get('x-rate-limit-window')).toBe('60');
    expect(refused.body).toMatchObject({ errorCode: 'CMN-301', message: 'Request rate exceeded', errors: [{ errorCode: 'CMN-301' }] });

    // Every request during the penalty restarts it; a quiet minute ends it.
    clock().advance(30 * SECOND);
    expect((await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt })).status).toBe(429);
    clock().advance(59 * SECOND);
    expect((await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt })).status).toBe(429);
    clock().advance(61 * SECOND);
    expect((await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt })).status).toBe(200);
  });

  it('counts per (user, app): another user of the same app has a budget of its own, refreshes included', async () => {
    await control(sim, 'PUT', '/_sim/rate-limits', { Auth: { limit: 2, windowSeconds: 60, penaltySeconds: 60 } });
    clock().advance(121 * SECOND);
    const first = await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt });
    expect(first.status).toBe(200);
    const { access_token: accessToken, owner_id: ownerId } = first.body as { access_token: string; owner_id: string };
    const list = await fetch(`${sim.url}/restapi/v1.0/account/~/extension?type=User&perPage=5`, { headers: { Authorization: `Bearer ${accessToken}` } });
    const other = ((await list.json()) as { records: { id: number }[] }).records.find((u) => String(u.id) !== ownerId)!;
    const { jwt } = await control<{ jwt: string }>(sim, 'POST', '/_sim/jwt', { extensionId: other.id });
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: (first.body as { refresh_token: string }).refresh_token })).status).toBe(200);
    // The owner's budget (2) is spent by its login and its refresh...
    expect((await tokenRequest({ grant_type: JWT_GRANT, assertion: TEST_CREDENTIALS.jwt })).status).toBe(429);
    // ...while the other user's logins still go through.
    expect((await tokenRequest({ grant_type: JWT_GRANT, assertion: jwt })).status).toBe(200);
    expect((await tokenRequest({ grant_type: JWT_GRANT, assertion: jwt })).status).toBe(200);
    expect((await tokenRequest({ grant_type: JWT_GRANT, assertion: jwt })).status).toBe(429);
  });
});
