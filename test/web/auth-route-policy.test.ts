/**
 * Every route of the app is behind the door: the test walks `app.routes` (so a route added tomorrow is covered),
 * requires a row in the policy table for each, and shows that each one refuses anonymous callers and every role
 * below the one its row names — through the session cookie (with a valid CSRF token, so only the role is tested)
 * and through API tokens — while the named role gets past the gate. Public routes are the listed few.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_POLICY } from '../../src/web/auth/route-policy.ts';
import { ROLES, roleAllows } from '../../src/web/auth/roles.ts';
import type { Role } from '../../src/web/auth/roles.ts';
import { createApp } from '../../src/web/create-app.tsx';
import { createTestUser, requesterFor, signIn } from '../support/auth-session.ts';
import { securedApp } from './auth-fixture.ts';
import type { SecuredApp } from './auth-fixture.ts';

/** Routes anyone may call: health, assets, login and first-admin setup; the webhook checks its own token. */
const PUBLIC = new Set(['GET /healthz', 'GET /readyz', 'GET /static/:file', 'GET /favicon.ico', 'GET /firm-logo', 'GET /login', 'POST /login', 'GET /setup', 'POST /setup', 'POST /webhooks/ringcentral']);

let s: SecuredApp;

beforeAll(async () => {
  s = await securedApp();
}, 30_000);

afterAll(async () => {
  await s?.close();
});

interface Route {
  method: string;
  path: string;
}

/** Handlers as registered (middleware registered with `use` shows up as method ALL; those are checked apart). */
function registered(): { routes: Route[]; middleware: Route[] } {
  const seen = new Set<string>();
  const routes: Route[] = [];
  const middleware: Route[] = [];
  for (const { method, path } of s.app.routes) {
    const key = `${method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (method === 'ALL' && !Object.hasOwn(ROUTE_POLICY, key)) middleware.push({ method, path });
    else routes.push({ method, path });
  }
  return { routes, middleware };
}

/** A concrete URL for a route pattern: ids that exist nowhere, so an allowed request changes nothing. */
function concrete(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => (name === 'command' ? 'confirm' : name === 'file' ? 'app.css' : `nx-${name.toLowerCase()}`)).replace(/\*$/, 'anything');
}

/** The gate's own refusals (a handler's 401/403/404 means the caller got past the gate). */
async function gateRefusal(response: Response): Promise<'anonymous' | 'role' | undefined> {
  if (response.status === 303 && response.headers.get('location')?.startsWith('/login')) return 'anonymous';
  const text = await response.text();
  if (response.status === 401 && /Sign in first|session has ended/.test(text)) return 'anonymous';
  if (response.status === 403 && text.includes('Your role (')) return 'role';
  return undefined;
}

const methodMap = (method: string) => (method === 'ALL' ? 'GET' : method);

function init(method: string, headers: Record<string, string>, api: boolean): RequestInit {
  const m = methodMap(method);
  if (m === 'GET' || m === 'HEAD') return { method: m, headers };
  return api
    ? { method: m, headers: { ...headers, 'Content-Type': 'application/json' }, body: '{}' }
    : { method: m, headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' };
}

describe('the route policy', () => {
  it('has a row for every registered route, and middleware only on paths the table covers', () => {
    const { routes, middleware } = registered();
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter((r) => !Object.hasOwn(ROUTE_POLICY, `${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`);
    expect(missing, 'add these to src/web/auth/route-policy.ts').toEqual([]);
    for (const m of middleware) {
      const covered = m.path === '/*' || m.path === '/api/*' || Object.keys(ROUTE_POLICY).some((key) => key.endsWith(` ${m.path}`));
      expect(covered, `middleware on ${m.path}`).toBe(true);
    }
  });

  it('makes only the listed routes public', () => {
    const open = Object.entries(ROUTE_POLICY)
      .filter(([, p]) => p.access === 'public' || p.access === 'webhook')
      .map(([k]) => k);
    expect(new Set(open)).toEqual(PUBLIC);
  });

  it('refuses anonymous callers on every other route, before any handler runs', async () => {
    const { routes } = registered();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key)) continue;
      const api = route.path.startsWith('/api/');
      const variants: Record<string, string>[] = [{}, { Authorization: 'Bearer nope' }, { Authorization: 'Bearer hh_0000000000000000_' + 'x'.repeat(43) }, { Cookie: 'hh_session=forged.value' }];
      for (const headers of variants) {
        const response = await s.request(concrete(route.path), init(route.method, headers, api));
        expect(await gateRefusal(response), `${key} with ${JSON.stringify(headers)} answered ${response.status}`).toBe('anonymous');
      }
    }
    expect(s.jobs.created).toEqual([]);
    expect(s.jobs.sent).toEqual([]);
  });

  it('refuses every role below the one a route needs, by session and by API token, and lets that role through', async () => {
    const { routes } = registered();
    let checked = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const policy = ROUTE_POLICY[key];
      if (!policy || PUBLIC.has(key)) continue;
      const api = route.path.startsWith('/api/');
      const need: Role = policy.access === 'metrics' ? 'admin' : (policy.access as Role);
      for (const role of ROLES) {
        const credentials = api ? [{ Authorization: `Bearer ${s.tokens[role]}` }, s.sessions[role].headers] : [s.sessions[role].headers];
        for (const headers of credentials) {
          if (roleAllows(role, need)) continue;
          const response = await s.request(concrete(route.path), init(route.method, headers, api));
          expect(await gateRefusal(response), `${key} as ${role} answered ${response.status}`).toBe('role');
          checked++;
        }
      }
      // The role it names gets past the gate (a throwaway session for routes that end it).
      if (route.path === '/logout' || route.path === '/logout-everywhere') {
        const throwaway = await signIn(s.request, s.users[need]);
        const response = await s.request(concrete(route.path), init(route.method, throwaway.headers, api));
        expect(response.headers.get('location'), key).toBe('/login?out=1');
        // "Everywhere" ended the fixture's own session of that role too: sign it in again.
        s.sessions[need] = await signIn(s.request, s.users[need]);
        continue;
      }
      const response = await s.request(concrete(route.path), init(route.method, s.sessions[need].headers, api));
      expect(await gateRefusal(response), `${key} as ${need} answered ${response.status}`).toBeUndefined();
    }
    expect(checked).toBeGreaterThan(50);
    expect(s.jobs.created).toEqual([]);
  });

  it('refuses a route the table does not know, even to an admin (fail closed)', async () => {
    const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), auth: { redis: s.redis } });
    app.get('/not-in-the-policy', (c) => c.text('should never be served'));
    app.post('/api/v1/not-in-the-policy', (c) => c.text('should never be served'));
    const request = requesterFor(app);
    const admin = await createTestUser(s.redis, 'admin');
    try {
      const session = await signIn(request, admin);
      for (const [path, method] of [['/not-in-the-policy', 'GET'], ['/api/v1/not-in-the-policy', 'POST']] as const) {
        const response = await request(path, { method, headers: session.headers });
        expect(response.status).toBe(404);
        expect(await response.text()).not.toContain('should never be served');
      }
      expect((await request('/not-in-the-policy')).status).toBe(303);
    } finally {
      await admin.remove();
    }
  });
});
