/**
 * The locked door from an attacker's side, against the whole app on real Redis: login (cookie attributes, generic
 * failures, login CSRF, open redirects), session fixation, brute force (per account, per address, rate limit),
 * CSRF on state changes, API tokens (scope, hashed at rest, revocation), sessions (log out everywhere, idle and
 * absolute expiry, role changes at once), hardening headers and CORS, the audit log, the first admin, and forged
 * webhooks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createApp } from '../../src/web/create-app.tsx';
import { AuthServices } from '../../src/web/auth/auth-services.ts';
import { DEMO_ADMIN, prepareFirstAdmin } from '../../src/web/auth/bootstrap.ts';
import { UserStore } from '../../src/web/auth/user-store.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { createTestUser, requesterFor, signIn, submitLogin } from '../support/auth-session.ts';
import type { Requester, TestUser } from '../support/auth-session.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import { BOOTSTRAP_TOKEN, WEBHOOK_TOKEN, securedApp } from './auth-fixture.ts';
import type { SecuredApp } from './auth-fixture.ts';
import { notification, runTag, scanKeys } from './web-fixtures.ts';
import { FakeJobCommands } from './fake-job-commands.ts';
import { JobLiveFeed } from '../../src/web/job-live-feed.ts';
import { authKeys } from '../../src/store/redis-keys.ts';

let s: SecuredApp;
const extraUsers: TestUser[] = [];

beforeAll(async () => {
  s = await securedApp({ clientIpHeader: 'x-test-ip', throttle: { accountFailures: 3, ipFailures: 6, windowMs: 60_000, lockMs: 60_000 } });
}, 30_000);

afterAll(async () => {
  for (const u of extraUsers) await u.remove();
  for (const pattern of [`hh:login-lock:ip:10.${NET}.*`, `hh:login-failures:ip:10.${NET}.*`]) {
    const keys = await scanKeys(s.redis, pattern);
    if (keys.length > 0) await s.redis.del(...keys);
  }
  await s?.close();
});

async function newUser(role: 'viewer' | 'operator' | 'admin'): Promise<TestUser> {
  const user = await createTestUser(s.redis, role);
  extraUsers.push(user);
  return user;
}

/** This run's address block: lock-outs of earlier runs (shared Redis, 60 s) must not meet this one. */
const NET = Math.floor(Math.random() * 250);
/** Requests as if from one client address. */
const fromIp = (ip: string): Requester => (path, init = {}) => s.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-test-ip': ip } });
const form = (headers: Record<string, string>, body: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body),
});
const jsonPost = (headers: Record<string, string>, body: unknown, method = 'POST'): RequestInit => ({ method, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const cookieOf = (response: Response, name = 'hh_session') => response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

describe('login', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie on / (Secure and __Host- when served over https)', async () => {
    const user = await newUser('viewer');
    const { response } = await submitLogin(fromIp(`10.${NET}.0.1`), user.username, user.password);
    expect(response.status).toBe(303);
    const cookie = cookieOf(response) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);

    const secure = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), auth: { redis: s.redis, secureCookies: true } });
    const { response: overHttps } = await submitLogin(requesterFor(secure), user.username, user.password);
    expect(overHttps.status).toBe(303);
    expect(cookieOf(overHttps, '__Host-hh_session')).toMatch(/Secure/);
    expect(overHttps.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('answers a wrong password and an unknown user alike, sets no session, stores only an argon2id hash', async () => {
    const user = await newUser('viewer');
    const wrong = await submitLogin(fromIp(`10.${NET}.0.2`), user.username, 'not the password');
    const unknown = await submitLogin(fromIp(`10.${NET}.0.2`), `nobody-${runTag()}`, 'whatever password');
    for (const { response } of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('Wrong username or password.');
      expect(cookieOf(response)).toBeUndefined();
    }
    const record = await s.redis.hgetall(authKeys.user(user.username));
    expect(record.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(record)).not.toContain(user.password);
  });

  it('refuses a login post without the login form token (login CSRF) or from another origin', async () => {
    const user = await newUser('viewer');
    const noCookie = await s.request('/login', form({ Origin: 'http://localhost' }, { username: user.username, password: user.password, _login_csrf: 'x'.repeat(32) }));
    expect(noCookie.status).toBe(403);
    expect(cookieOf(noCookie)).toBeUndefined();
    const { response: crossSite } = await submitLogin(s.request, user.username, user.password, new Map(), 'https://evil.example');
    expect(crossSite.status).toBe(403);
  });

  it('redirects only to its own paths after login (no open redirect)', async () => {
    const user = await newUser('viewer');
    for (const [next, expected] of [['//evil.example/x', '/'], ['https://evil.example', '/'], ['/\\evil.example', '/'], ['/jobs?q=1', '/jobs?q=1']]) {
      const jar = new Map<string, string>();
      const page = await s.request('/login', {});
      const token = /name="_login_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const csrfCookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      jar.set('x', 'y');
      const response = await s.request('/login', form({ Origin: 'http://localhost', Cookie: csrfCookie }, { username: user.username, password: user.password, _login_csrf: token, next: next ?? '' }));
      expect(response.headers.get('location'), next).toBe(expected);
    }
  });
});

describe('session fixation', () => {
  it('issues a new session id at login and ends any session the browser carried in', async () => {
    const attacker = await newUser('viewer');
    const victim = await newUser('operator');
    const planted = await submitLogin(s.request, attacker.username, attacker.password);
    const plantedCookie = planted.jar.get('hh_session') ?? '';
    expect(plantedCookie).not.toBe('');
    // The victim logs in in a browser where the attacker's cookie was planted.
    const { response, jar } = await submitLogin(s.request, victim.username, victim.password, new Map(planted.jar));
    expect(response.status).toBe(303);
    const fresh = jar.get('hh_session') ?? '';
    expect(fresh).not.toBe(plantedCookie);
    const me = (cookie: string) => s.request('/api/v1/me', { headers: { Cookie: `hh_session=${cookie}` } });
    expect((await me(plantedCookie)).status).toBe(401);
    expect(await (await me(fresh)).json()).toMatchObject({ username: victim.username, role: 'operator', via: 'session' });
  });

  it('ignores forged, unsigned and tampered cookies', async () => {
    const user = await newUser('viewer');
    const { jar } = await submitLogin(s.request, user.username, user.password);
    const real = jar.get('hh_session') ?? '';
    const [id, signature] = decodeURIComponent(real).split('.');
    for (const cookie of [`${id}`, `${id}.AAAA${signature?.slice(4)}`, `x${id?.slice(1)}.${signature}`, 'garbage']) {
      const response = await s.request('/jobs', { headers: { Cookie: `hh_session=${encodeURIComponent(cookie)}` } });
      expect(response.status, cookie).toBe(303);
    }
  });
});

describe('login brute force', () => {
  it('locks an account after repeated failures, even for the right password and from another address, until an admin unlocks it', async () => {
    const user = await newUser('operator');
    for (let i = 0; i < 3; i++) expect((await submitLogin(fromIp(`10.${NET}.10.1`), user.username, `guess-${i}`)).response.status).toBe(401);
    const locked = await submitLogin(fromIp(`10.${NET}.10.2`), user.username, user.password);
    expect(locked.response.status).toBe(429);
    expect(await locked.response.text()).toContain('Too many failed logins');
    expect(cookieOf(locked.response)).toBeUndefined();
    const audit = await s.request(`/api/v1/audit?actor=${user.username}`, { headers: { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` } });
    const actions = ((await audit.json()) as { entries: { action: string }[] }).entries.map((e) => e.action);
    expect(actions).toContain('login.locked');
    expect(actions).toContain('login.failed');

    expect((await s.request(`/users/${user.username}/unlock`, form(s.sessions.admin.headers))).status).toBe(303);
    expect((await submitLogin(fromIp(`10.${NET}.10.2`), user.username, user.password)).response.status).toBe(303);
  });

  it('locks an address that tries many accounts, and only that address', async () => {
    const user = await newUser('viewer');
    for (let i = 0; i < 6; i++) await submitLogin(fromIp(`10.${NET}.20.1`), `spray-${i}-${runTag()}`, 'Password123!');
    expect((await submitLogin(fromIp(`10.${NET}.20.1`), user.username, user.password)).response.status).toBe(429);
    expect((await submitLogin(fromIp(`10.${NET}.20.9`), user.username, user.password)).response.status).toBe(303);
  });

  it('rate-limits login attempts per address before checking any password', async () => {
    const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), auth: { redis: s.redis, clientIpHeader: 'x-test-ip', rateLimits: { login: { limit: 2, windowMs: 60_000 } } } });
    const user = await newUser('viewer');
    const ip = `10.3.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const request: Requester = async (path, init = {}) => app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-test-ip': ip } });
    expect((await submitLogin(request, user.username, 'wrong one')).response.status).toBe(401);
    expect((await submitLogin(request, user.username, user.password)).response.status).toBe(303);
    const third = await submitLogin(request, user.username, user.password);
    expect(third.response.status).toBe(429);
    expect(await third.response.text()).toContain('Too many login attempts');
  });
});

describe('CSRF', () => {
  afterEach(() => {
    s.jobs.created.length = 0;
  });

  it('refuses a session post without the token, with a wrong one or another session’s, and runs nothing', async () => {
    const op = s.sessions.operator;
    const other = await signIn(s.request, await newUser('operator'));
    const variants: Record<string, string>[] = [
      { Cookie: op.cookie, Origin: 'http://localhost' },
      { Cookie: op.cookie, Origin: 'http://localhost', 'X-CSRF-Token': 'wrong' },
      { Cookie: op.cookie, Origin: 'http://localhost', 'X-CSRF-Token': other.csrfToken },
    ];
    for (const headers of variants) {
      const response = await s.request('/hunts', form(headers, { lines: '2' }));
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('reload the page');
      const api = await s.request('/api/v1/jobs', jsonPost(headers, { lines: 2 }));
      expect(api.status).toBe(403);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe('csrf');
    }
    expect((await s.request('/hunts', form({ Cookie: op.cookie, Origin: 'http://localhost' }, { lines: '2', _csrf: other.csrfToken }))).status).toBe(403);
    expect(s.jobs.created).toEqual([]);
  });

  it('accepts the token from the form field the pages carry, and from the header htmx sends', async () => {
    const op = s.sessions.operator;
    const page = await (await s.request('/hunts/new', { headers: { Cookie: op.cookie } })).text();
    expect(page).toContain(`<meta name="csrf-token" content="${op.csrfToken}"`);
    expect(page).toContain(`hx-headers="{&quot;X-CSRF-Token&quot;:&quot;${op.csrfToken}&quot;}"`);
    expect(page).toMatch(new RegExp(`<form method="post" action="/hunts"[^>]*><input type="hidden" name="_csrf" value="${op.csrfToken}">`));
    expect((await s.request('/hunts', form({ Cookie: op.cookie, Origin: 'http://localhost' }, { lines: '2', _csrf: op.csrfToken }))).status).toBe(303);
    expect((await s.request('/hunts', form(op.headers, { lines: '2' }))).status).toBe(303);
    expect(s.jobs.created.map((c) => c.by)).toEqual([s.users.operator.username, s.users.operator.username]);
  });

  it('needs no token from bearer-token callers (no ambient credential to ride on)', async () => {
    const response = await s.request('/api/v1/jobs', jsonPost({ Authorization: `Bearer ${s.tokens.operator}` }, { lines: 2 }));
    expect(response.status).toBe(201);
  });
});

describe('API tokens', () => {
  it('are created per user with a scope, stored hashed, work until revoked, then are refused', async () => {
    const user = await newUser('operator');
    const session = await signIn(s.request, user);
    const created = await s.request('/api/v1/tokens', jsonPost(session.headers, { name: 'ci script', scope: 'operate' }));
    expect(created.status).toBe(201);
    const { token, id } = (await created.json()) as { token: string; id: string };
    expect(token).toMatch(/^hh_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const stored = await s.redis.hgetall(authKeys.apiToken(id));
    expect(stored).toMatchObject({ username: user.username, scope: 'operate', name: 'ci script' });
    // The secret is everything after `hh_<id>_` (it may itself contain `_`).
    expect(JSON.stringify(stored)).not.toContain(token.slice(`hh_${id}_`.length));

    const bearer = { Authorization: `Bearer ${token}` };
    expect((await s.request('/api/v1/jobs', jsonPost(bearer, { lines: 1 }))).status).toBe(201);
    expect(await (await s.request('/api/v1/me', { headers: bearer })).json()).toMatchObject({ username: user.username, via: 'api-token' });
    // Someone else cannot revoke it; its owner can.
    expect((await s.request(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${s.tokens.operator}` } })).status).toBe(404);
    expect((await s.request(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: session.headers })).status).toBe(204);
    expect((await s.request('/api/v1/jobs', { headers: bearer })).status).toBe(401);
  });

  it('never exceed their owner’s role, and a read token of an admin only reads', async () => {
    const viewer = await signIn(s.request, await newUser('viewer'));
    const refused = await s.request('/api/v1/tokens', jsonPost(viewer.headers, { name: 'too strong', scope: 'operate' }));
    expect(refused.status).toBe(400);
    const admin = await signIn(s.request, await newUser('admin'));
    const { token } = (await (await s.request('/api/v1/tokens', jsonPost(admin.headers, { name: 'reader', scope: 'read' }))).json()) as { token: string };
    expect((await s.request('/api/v1/jobs', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await s.request('/api/v1/jobs', jsonPost({ Authorization: `Bearer ${token}` }, { lines: 1 }))).status).toBe(403);
    expect((await s.request('/api/v1/users', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(403);
  });

  it('are revoked from the account page, and all of a user’s tokens and sessions end when the user is removed', async () => {
    const user = await newUser('operator');
    const session = await signIn(s.request, user);
    const page = await (await s.request('/account/tokens', form(session.headers, { name: 'laptop', scope: 'read' }))).text();
    const token = /class="secret">(hh_[^<]+)</.exec(page)?.[1] ?? '';
    expect(token).not.toBe('');
    const id = token.split('_')[1] ?? '';
    expect((await s.request('/api/v1/jobs', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await s.request(`/account/tokens/${id}/revoke`, form(session.headers))).status).toBe(303);
    expect((await s.request('/api/v1/jobs', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);

    const { token: second } = (await (await s.request('/api/v1/tokens', jsonPost(session.headers, { name: 'x', scope: 'read' }))).json()) as { token: string };
    expect((await s.request(`/users/${user.username}/delete`, form(s.sessions.admin.headers))).status).toBe(303);
    expect((await s.request('/api/v1/jobs', { headers: { Authorization: `Bearer ${second}` } })).status).toBe(401);
    expect((await s.request('/jobs', { headers: session.headers })).status).toBe(303);
  });

  it('keeps API_TOKEN as the bootstrap admin token', async () => {
    const response = await s.request('/api/v1/me', { headers: { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` } });
    expect(await response.json()).toEqual({ username: 'api-token', role: 'admin', via: 'bootstrap-token' });
  });
});

describe('sessions', () => {
  it('"log out everywhere" ends every session of the user', async () => {
    const user = await newUser('viewer');
    const a = await signIn(s.request, user);
    const b = await signIn(s.request, user);
    expect((await s.request('/jobs', { headers: b.headers })).status).toBe(200);
    expect((await s.request('/logout-everywhere', form(a.headers))).headers.get('location')).toBe('/login?out=1');
    for (const session of [a, b]) expect((await s.request('/jobs', { headers: session.headers })).status).toBe(303);
  });

  it('end after the idle time and after the absolute time however active', async () => {
    // Generous margins: requests on a busy CI machine may take a few hundred ms.
    const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), auth: { redis: s.redis, sessionLimits: { idleMs: 1_000, absoluteMs: 3_000 } } });
    const request = requesterFor(app);
    const user = await newUser('viewer');
    const idle = await signIn(request, user);
    await new Promise((r) => setTimeout(r, 1_400));
    expect((await request('/account', { headers: idle.headers })).status).toBe(303);

    const busy = await signIn(request, user);
    const started = Date.now();
    while (Date.now() - started < 2_000) {
      expect((await request('/account', { headers: busy.headers })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 3_100 - (Date.now() - started))));
    expect((await request('/account', { headers: busy.headers })).status).toBe(303);
  });

  it('stay alive while a live board streams, however long nobody clicks', async () => {
    const jobs = new FakeJobCommands();
    const feed = new JobLiveFeed(s.redis);
    try {
      const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), jobs, dashboard: { redis: s.redis, feed, lineMode: 'softphone', heartbeatMs: 300 }, auth: { redis: s.redis, sessionLimits: { idleMs: 1_500, absoluteMs: 60_000 } } });
      const request = requesterFor(app);
      const job = await jobs.create({ lines: 1 }, 'seed');
      const watcher = await signIn(request, await newUser('viewer'));
      const idle = await signIn(request, await newUser('viewer'));
      const stream = await request(`/jobs/${job.id}/events`, { headers: watcher.headers });
      expect(stream.headers.get('content-type')).toContain('text/event-stream');
      const reader = stream.body?.getReader();
      const until = Date.now() + 2_600;
      while (Date.now() < until) await Promise.race([reader?.read(), new Promise((r) => setTimeout(r, 200))]);
      await reader?.cancel();
      expect((await request('/account', { headers: watcher.headers })).status).toBe(200);
      expect((await request('/account', { headers: idle.headers })).status).toBe(303);
    } finally {
      await feed.close();
    }
  });

  it('apply a role change at once', async () => {
    const user = await newUser('operator');
    const session = await signIn(s.request, user);
    expect((await s.request('/hunts/new', { headers: session.headers })).status).toBe(200);
    expect((await s.request(`/users/${user.username}/role`, form(s.sessions.admin.headers, { role: 'viewer' }))).status).toBe(303);
    const refused = await s.request('/hunts/new', { headers: session.headers });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/<h1>Not allowed<\/h1><p>Your role \(viewer\) may not do this: it needs operator.<\/p>/);
  });
});

describe('headers and CORS', () => {
  it('sends a strict CSP and hardening headers on pages, the API and errors', async () => {
    for (const response of [await s.request('/login'), await s.request('/api/v1/jobs'), await s.request('/jobs', { headers: s.sessions.viewer.headers })]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('keeps CORS closed unless an origin is allow-listed', async () => {
    const preflight = { method: 'OPTIONS', headers: { Origin: 'https://ops.example.com', 'Access-Control-Request-Method': 'POST' } };
    const closed = await s.request('/api/v1/jobs', preflight);
    expect(closed.headers.get('access-control-allow-origin')).toBeNull();
    const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), auth: { redis: s.redis, corsOrigins: ['https://ops.example.com'] } });
    expect((await app.request('/api/v1/jobs', preflight)).headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    const evil = await app.request('/api/v1/jobs', { ...preflight, headers: { ...preflight.headers, Origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits every body', async () => {
    const big = 'x'.repeat(70 * 1024);
    expect((await s.request('/hunts', form(s.sessions.operator.headers, { lines: big }))).status).toBe(413);
    expect((await s.request('/login', form({ Origin: 'http://localhost' }, { username: big }))).status).toBe(413);
  });
});

describe('the audit log', () => {
  it('records who started and cancelled hunts, confirmed lines and changed users, for admins only', async () => {
    const op = s.sessions.operator;
    const started = await s.request('/hunts', form(op.headers, { lines: '2' }));
    const jobId = started.headers.get('location')?.split('/').pop() ?? '';
    const job = s.jobs.jobs.get(jobId);
    if (job) job.calls.push({ callId: 'call-1', status: 'suspected-live', attempt: 1, since: {} });
    expect((await s.request(`/api/v1/jobs/${jobId}/calls/call-1/confirm`, jsonPost({ Authorization: `Bearer ${s.tokens.operator}` }, {}))).status).toBe(202);
    expect((await s.request(`/jobs/${jobId}/cancel`, form(op.headers))).status).toBe(303);
    const added = `audited-${runTag()}`;
    await s.request('/users', form(s.sessions.admin.headers, { username: added, role: 'viewer', password: 'a long enough passphrase' }));
    await s.request(`/users/${added}/delete`, form(s.sessions.admin.headers));

    const response = await s.request('/api/v1/audit?count=50', { headers: { Authorization: `Bearer ${s.tokens.admin}` } });
    const entries = ((await response.json()) as { entries: { actor: string; action: string; target: string }[] }).entries;
    const find = (action: string, target: string) => entries.find((e) => e.action === action && e.target.includes(target));
    expect(find('job.start', jobId)?.actor).toBe(s.users.operator.username);
    expect(find('job.cancel', jobId)?.actor).toBe(s.users.operator.username);
    expect(find('line.confirm', jobId)?.actor).toBe(s.users.operator.username);
    expect(find('user.create', added)?.actor).toBe(s.users.admin.username);
    expect(find('user.delete', added)?.actor).toBe(s.users.admin.username);

    const page = await (await s.request(`/audit?actor=${s.users.operator.username}`, { headers: s.sessions.admin.headers })).text();
    expect(page).toContain('job.start');
    expect((await s.request('/audit', { headers: s.sessions.operator.headers })).status).toBe(403);
    expect((await s.request('/api/v1/audit', { headers: { Authorization: `Bearer ${s.tokens.operator}` } })).status).toBe(403);
  });
  it('records an operator talking on a line once per turn, not once per 100 ms of audio', async () => {
    const op = s.sessions.operator;
    const started = await s.request('/hunts', form(op.headers, { lines: '1' }));
    const jobId = started.headers.get('location')?.split('/').pop() ?? '';
    const job = s.jobs.jobs.get(jobId)!;
    job.detection = { mode: 'audio', note: 'test double' };
    job.calls.push({ callId: 'call-1', status: 'holding', attempt: 1, since: {}, telephonySessionId: `s-${jobId}` });
    const chunk = { method: 'POST', headers: { ...op.headers, 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(160 * 5) };
    for (let i = 0; i < 10; i++) expect((await s.request(`/jobs/${jobId}/calls/call-1/talk`, chunk)).status).toBe(204);
    const response = await s.request(`/api/v1/audit?count=500&action=line.talk`, { headers: { Authorization: `Bearer ${s.tokens.admin}` } });
    // Job ids restart with every run of this file and the audit log outlives it: this run's operator is unique.
    const entries = ((await response.json()) as { entries: { actor: string; target: string }[] }).entries.filter((e) => e.target.includes(`id=${jobId} `) && e.actor === s.users.operator.username);
    expect(entries).toHaveLength(1);
  });
});

describe('the first admin', () => {
  it('comes from the one-time bootstrap secret printed at the first start, used once', async () => {
    const priv = await startPrivateRedis();
    const redis = new Redis(priv.url);
    try {
      const lines: string[] = [];
      await prepareFirstAdmin(new AuthServices({ redis }), { demoMode: false, url: 'http://localhost:3000', print: (l) => lines.push(l) });
      const secret = /bootstrap secret \(valid 24 h\): (\S+)/.exec(lines.join('\n'))?.[1] ?? '';
      expect(secret).not.toBe('');
      expect(JSON.stringify(await redis.keys('*'))).not.toContain(secret);
      const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), auth: { redis } });
      const request = requesterFor(app);
      expect((await request('/login')).headers.get('location')).toBe('/setup');
      const setup = async (secretGiven: string) => {
        const page = await request('/setup');
        const token = /name="_login_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
        const cookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
        return request('/setup', form({ Origin: 'http://localhost', Cookie: cookie }, { secret: secretGiven, username: 'boss', password: 'a long enough passphrase', _login_csrf: token }));
      };
      expect((await setup('wrong-secret')).status).toBe(401);
      const ok = await setup(secret);
      expect(ok.status).toBe(303);
      expect(cookieOf(ok)).toBeDefined();
      expect((await new UserStore(redis).get('boss'))?.role).toBe('admin');
      expect((await setup(secret)).headers.get('location')).toBe('/login');
      // A restart with users prints nothing.
      const again: string[] = [];
      await prepareFirstAdmin(new AuthServices({ redis }), { demoMode: false, url: 'x', print: (l) => again.push(l) });
      expect(again).toEqual([]);
    } finally {
      redis.disconnect();
      await priv.close();
    }
  });

  it('in demo mode is demo-admin with a fresh random password printed at each start', async () => {
    const priv = await startPrivateRedis();
    const redis = new Redis(priv.url);
    try {
      const passwords: string[] = [];
      for (let i = 0; i < 2; i++) {
        const lines: string[] = [];
        await prepareFirstAdmin(new AuthServices({ redis }), { demoMode: true, url: 'http://localhost:3000', print: (l) => lines.push(l) });
        passwords.push(/with password (\S+)/.exec(lines.join(''))?.[1] ?? '');
      }
      const users = new UserStore(redis);
      expect(await users.authenticate(DEMO_ADMIN, passwords[0] ?? '')).toBeUndefined();
      expect((await users.authenticate(DEMO_ADMIN, passwords[1] ?? ''))?.role).toBe('admin');
    } finally {
      redis.disconnect();
      await priv.close();
    }
  });
});

describe('forged webhooks', () => {
  it('refuses missing and wrong verification tokens, oversize and malformed bodies, and stores nothing', async () => {
    const session = `s-forged-${runTag()}`;
    const body = JSON.stringify(notification({ uuid: `u-${runTag()}`, telephonySessionId: session }));
    const post = (headers: Record<string, string>, text = body) => s.request('/webhooks/ringcentral', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: text });
    expect((await post({})).status).toBe(401);
    expect((await post({ 'Verification-Token': 'guess' })).status).toBe(401);
    expect((await post({ 'Verification-Token': `${WEBHOOK_TOKEN}x` })).status).toBe(401);
    // A session cookie or an API token is no substitute for the webhook's own token.
    expect((await post({ Authorization: `Bearer ${BOOTSTRAP_TOKEN}` })).status).toBe(401);
    expect((await post({ ...s.sessions.admin.headers })).status).toBe(401);
    expect((await post({ 'Verification-Token': WEBHOOK_TOKEN }, 'x'.repeat(70 * 1024))).status).toBe(413);
    expect((await post({ 'Verification-Token': WEBHOOK_TOKEN }, '{"uuid": 1}')).status).toBe(400);
    expect((await post({ 'Verification-Token': WEBHOOK_TOKEN }, '{not json')).status).toBe(400);
    expect(await scanKeys(s.redis, `hh:parked:${session}`)).toEqual([]);
  });

  it('parks a genuine notification for an unknown session briefly and routes it nowhere', async () => {
    const session = `s-unknown-${runTag()}`;
    const uuid = `u-${runTag()}`;
    const response = await s.request('/webhooks/ringcentral', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Verification-Token': WEBHOOK_TOKEN }, body: JSON.stringify(notification({ uuid, telephonySessionId: session })) });
    expect(response.status).toBe(200);
    const ttl = await s.redis.ttl(globalKeys.parkedEvents(session));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await s.redis.del(globalKeys.parkedEvents(session), globalKeys.webhookSeen(uuid));
  });
});
