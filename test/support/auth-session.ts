/**
 * Signing in from tests the way a person does: a user created in Redis with a role, then the real login form
 * (GET /login for its CSRF cookie and field, POST /login), giving the headers that later requests send — the
 * session cookie, the session's CSRF token (as htmx sends it) and a same-origin Origin. Works against an
 * in-process app (`app.request`) or a running server (base URL), and in a browser page through the form.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { UserStore } from '../../src/web/auth/user-store.ts';
import { SessionStore } from '../../src/web/auth/session-store.ts';
import { ApiTokenStore } from '../../src/web/auth/api-token-store.ts';
import type { TokenScope } from '../../src/web/auth/api-token-store.ts';
import type { Role } from '../../src/web/auth/roles.ts';
import { authKeys } from '../../src/store/redis-keys.ts';

export interface TestUser {
  username: string;
  password: string;
  role: Role;
  /** Removes the user, their sessions and tokens. */
  remove(): Promise<void>;
}

/** Anything that answers a Request: `app.request` or `fetch` against a base URL. */
export type Requester = (path: string, init?: RequestInit) => Promise<Response>;

export function requesterFor(target: { request: (path: string, init?: RequestInit) => Response | Promise<Response> } | string): Requester {
  if (typeof target === 'string') return (path, init) => fetch(`${target}${path}`, { redirect: 'manual', ...init });
  return async (path, init) => target.request(path, init);
}

export async function createTestUser(redis: Redis, role: Role, name?: string): Promise<TestUser> {
  const username = name ?? `t-${role}-${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const password = `pw-${randomUUID()}`;
  await new UserStore(redis).create({ username, password, role, createdBy: 'test' });
  return {
    username,
    password,
    role,
    async remove() {
      await new SessionStore(redis).endAll(username);
      await new ApiTokenStore(redis).revokeAll(username);
      await redis.del(authKeys.user(username), authKeys.loginFailures('account', username), authKeys.loginLock('account', username));
      await redis.srem(authKeys.users, username);
    },
  };
}

export async function createTestToken(redis: Redis, user: TestUser, scope: TokenScope = 'admin'): Promise<string> {
  return (await new ApiTokenStore(redis).create(user.username, 'test token', scope)).token;
}

export interface SignedIn {
  /** Headers for every later request: Cookie, X-CSRF-Token and a same-origin Origin. */
  headers: Record<string, string>;
  cookie: string;
  csrfToken: string;
}

const ORIGIN = 'http://localhost';

/** Cookies from Set-Cookie headers as a Cookie header (name=value pairs only). */
function cookiesOf(response: Response, jar: Map<string, string> = new Map()): Map<string, string> {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return jar;
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** The login form's answer (for tests of login itself): status, cookies and the page. */
export async function submitLogin(request: Requester, username: string, password: string, jar = new Map<string, string>(), origin = ORIGIN): Promise<{ response: Response; jar: Map<string, string> }> {
  const page = await request('/login', { headers: jar.size > 0 ? { Cookie: cookieHeader(jar) } : {} });
  cookiesOf(page, jar);
  const html = await page.text();
  const csrf = /name="_login_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const response = await request('/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, Cookie: cookieHeader(jar) },
    body: new URLSearchParams({ username, password, _login_csrf: csrf, next: '/' }),
  });
  cookiesOf(response, jar);
  return { response, jar };
}

/** Logs in through the real form and reads the session's CSRF token from a page. */
export async function signIn(request: Requester, user: Pick<TestUser, 'username' | 'password'>): Promise<SignedIn> {
  const { response, jar } = await submitLogin(request, user.username, user.password);
  if (response.status !== 303) throw new Error(`login of ${user.username} failed: ${response.status} ${await response.text()}`);
  const cookie = cookieHeader(jar);
  const page = await request('/account', { headers: { Cookie: cookie } });
  const csrfToken = /<meta name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrfToken) throw new Error('no CSRF token on the account page');
  return { cookie, csrfToken, headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken, Origin: ORIGIN } };
}

/** Logs a browser page in through the login form (the session cookie then rides along with every request). */
export async function signInBrowser(page: Page, baseUrl: string, user: Pick<TestUser, 'username' | 'password'>): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('button[type="submit"]')]);
}

/** A new browser page (its own context) already signed in to `baseUrl` as `user`. */
export async function signedInPage(browser: Browser, baseUrl: string, user: Pick<TestUser, 'username' | 'password'>, options?: Parameters<Browser['newPage']>[0]): Promise<Page> {
  const page = await browser.newPage(options);
  await signInBrowser(page, baseUrl, user);
  return page;
}
