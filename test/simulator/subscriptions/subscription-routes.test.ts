import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { pino } from 'pino';
import { expectConforms, loadRcOpenApi } from '../../support/rc-openapi.ts';
import type { SimEnv } from '../../../src/simulator/sim-env.ts';
import type { SimContext } from '../../../src/simulator/sim-context.ts';
import { RcError } from '../../../src/simulator/rc-error.ts';
import { TokenStore } from '../../../src/simulator/auth/token-store.ts';
import { RateLimiter, RINGCENTRAL_DEFAULT_LIMITS } from '../../../src/simulator/rate-limit/rate-limiter.ts';
import type { RateLimitTable } from '../../../src/simulator/rate-limit/rate-limiter.ts';
import { subscriptionRoutes } from '../../../src/simulator/subscriptions/subscription-routes.ts';
import { ACCOUNT_ID, OTHER_EXT, OWNER, PUBLIC_URL, makeHub, pstnParty, sessionEvent, webhookRequest } from './hub-fixture.ts';
import type { HubFixture } from './hub-fixture.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

const BASE = '/restapi/v1.0/subscription';
const GENEROUS: RateLimitTable = {
  Light: { limit: 1000, windowSeconds: 60, penaltySeconds: 60 },
  Medium: { limit: 1000, windowSeconds: 60, penaltySeconds: 60 },
  Heavy: { limit: 1000, windowSeconds: 60, penaltySeconds: 60 },
  Auth: { limit: 1000, windowSeconds: 60, penaltySeconds: 60 },
};

describe('subscription routes', () => {
  const spec = loadRcOpenApi();
  let receiver: WebhookReceiver;
  let fx: HubFixture;
  let limiter: RateLimiter;
  let app: Hono<SimEnv>;
  let owner: string;
  let other: string;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    fx = makeHub();
    const tokens = new TokenStore(() => fx.clock.now());
    limiter = new RateLimiter(GENEROUS, () => fx.clock.now());
    owner = tokens.issue(tokens.openSession('client', Number(OWNER)), 3600, 604800).access_token;
    other = tokens.issue(tokens.openSession('client', Number(OTHER_EXT)), 3600, 604800).access_token;
    const ctx = {
      options: { clientId: 'client', publicUrl: PUBLIC_URL },
      clock: fx.clock,
      log: pino({ level: 'silent' }),
      tokens,
      limiter,
      faults: fx.faults,
      subscriptions: fx.hub,
    };
    app = new Hono<SimEnv>();
    app.use('*', async (c, next) => {
      c.set('sim', ctx as unknown as SimContext);
      await next();
    });
    app.onError((err, c) => (err instanceof RcError ? c.json(err.body(), err.status, err.headers) : c.json({ message: String(err) }, 500)));
    app.route('/', subscriptionRoutes());
  });
  afterEach(async () => {
    fx.hub.close();
    await receiver.close();
  });

  function call(method: string, path: string, opts: { token?: string | null; body?: unknown; raw?: string } = {}) {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const token = opts.token === undefined ? owner : opts.token;
    if (token !== null) headers.Authorization = `bearer ${token}`;
    const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    return app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
  }

  async function expectSpec(res: Response, method: string, path: string, status: number, group: string): Promise<unknown> {
    expect(res.status).toBe(status);
    expect(res.headers.get('x-rate-limit-group')).toBe(group.toLowerCase());
    expect(spec.throttlingGroup(method, path)).toBe(group);
    if (status === 204) {
      expect(await res.text()).toBe('');
      return undefined;
    }
    const body: unknown = await res.json();
    expectConforms(spec.validateResponse(method, path, status, body));
    return body;
  }

  async function create(token = owner): Promise<{ id: string }> {
    const res = await call('POST', BASE, { token, body: webhookRequest(receiver.url(), ['/restapi/v1.0/account/~/telephony/sessions']) });
    expect(res.status).toBe(200);
    return (await res.json()) as { id: string };
  }

  it('POST creates (Medium, 200) and the webhook then receives events', async () => {
    const res = await call('POST', BASE, {
      body: webhookRequest(receiver.url(), ['/restapi/v1.0/account/~/extension/~/telephony/sessions'], { verificationToken: 'vt' }),
    });
    const info = (await expectSpec(res, 'POST', BASE, 200, 'Medium')) as { id: string; eventFilters: string[] };
    expect(info.eventFilters).toEqual([`/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OWNER}/telephony/sessions`]);
    fx.hub.publish(sessionEvent(1, pstnParty({ extensionId: OWNER })));
    await receiver.waitForNotifications(1);
    expect(receiver.notifications()[0]?.headers['verification-token']).toBe('vt');
  });

  it('GET lists the caller’s subscriptions (Light)', async () => {
    const { id } = await create();
    await create(other);
    const res = await call('GET', BASE);
    const list = (await expectSpec(res, 'GET', BASE, 200, 'Light')) as { uri: string; records: { id: string }[] };
    expect(list.uri).toBe(`${PUBLIC_URL}${BASE}`);
    expect(list.records.map((r) => r.id)).toEqual([id]);
  });

  it('GET one (Light), PUT (Medium), renew (Light), DELETE (Medium, 204)', async () => {
    const { id } = await create();
    const one = `${BASE}/${id}`;
    await expectSpec(await call('GET', one), 'GET', one, 200, 'Light');

    fx.clock.advance(10_000);
    const put = (await expectSpec(
      await call('PUT', one, { body: { eventFilters: ['/restapi/v1.0/account/~/telephony/sessions?direction=Inbound'], expiresIn: 1200 } }),
      'PUT',
      one,
      200,
      'Medium',
    )) as { eventFilters: string[]; expiresIn: number };
    expect(put).toMatchObject({ eventFilters: [`/restapi/v1.0/account/${ACCOUNT_ID}/telephony/sessions?direction=Inbound`], expiresIn: 1200 });

    fx.clock.advance(600_000);
    const emptyPut = (await expectSpec(await call('PUT', one), 'PUT', one, 200, 'Medium')) as { expiresIn: number };
    expect(emptyPut.expiresIn).toBe(1200);

    fx.clock.advance(600_000);
    const renewed = (await expectSpec(await call('POST', `${one}/renew`), 'POST', `${one}/renew`, 200, 'Light')) as { expiresIn: number };
    expect(renewed.expiresIn).toBe(1200);

    await expectSpec(await call('DELETE', one), 'DELETE', one, 204, 'Medium');
    const gone = await call('GET', one);
    expect(gone.status).toBe(404);
    expectConforms(spec.validateResponse('GET', one, 404, await gone.json()));
  });

  it('unknown or foreign ids are 404 CMN-102', async () => {
    const { id } = await create(other);
    for (const [method, path] of [
      ['GET', `${BASE}/${id}`],
      ['PUT', `${BASE}/${id}`],
      ['POST', `${BASE}/${id}/renew`],
      ['DELETE', `${BASE}/${id}`],
      ['GET', `${BASE}/00000000-0000-4000-8000-000000000000`],
    ] as const) {
      const res = await call(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ errorCode: 'CMN-102', errors: [{ errorCode: 'CMN-102', parameterName: 'subscriptionId' }] });
    }
  });

  it.each([
    ['unparsable JSON', '{"eventFilters": ['],
    ['a JSON array', '[]'],
  ])('%s is 400 CMN-103', async (_label, raw) => {
    const res = await call('POST', BASE, { raw });
    expect(res.status).toBe(400);
    const body: unknown = await res.json();
    expectConforms(spec.validateResponse('POST', BASE, 400, body));
    expect(body).toMatchObject({ errorCode: 'CMN-103' });
  });

  it('handshake failures answer 400 with the RC body and create nothing', async () => {
    receiver.respond = () => ({ headers: { 'Content-Type': 'application/json' } });
    const res = await call('POST', BASE, { body: webhookRequest(receiver.url(), ['/restapi/v1.0/account/~/telephony/sessions']) });
    expect(res.status).toBe(400);
    const body: unknown = await res.json();
    expectConforms(spec.validateResponse('POST', BASE, 400, body));
    expect(body).toEqual({
      errorCode: 'SUB-520',
      message: 'Validation Token is not returned',
      errors: [{ errorCode: 'SUB-520', message: 'Validation Token is not returned' }],
    });
    expect(fx.hub.list()).toEqual([]);
  });

  it('requires a bearer token', async () => {
    const res = await call('GET', BASE, { token: null });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ errorCode: 'AGW-401' });
  });

  it('throttles creation in the Medium group', async () => {
    limiter.setLimits({ ...RINGCENTRAL_DEFAULT_LIMITS, Medium: { limit: 1, windowSeconds: 60, penaltySeconds: 60 } });
    await create();
    const res = await call('POST', BASE, { body: webhookRequest(receiver.url(), ['/restapi/v1.0/account/~/telephony/sessions']) });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await res.json()).toMatchObject({ errorCode: 'CMN-301' });
    // Light calls still go through.
    expect((await call('GET', BASE)).status).toBe(200);
  });
});
