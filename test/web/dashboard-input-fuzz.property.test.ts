/**
 * Property-based fuzzing of the dashboard's HTML routes as a signed-in admin (session cookie plus a valid CSRF
 * token, so only the input is on trial): every route found in `app.routes` — so a route added tomorrow is covered —
 * gets malformed path params, query strings and form bodies. Every answer is a 4xx or a page (a re-rendered form
 * with its errors, or a list ignoring a junk filter), never a 5xx; and nothing changes: the Redis key snapshot is
 * identical before and after, and the engine received no command. Runs on a private redis-server.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startUnthrottledApp } from '../support/unthrottled-app.ts';
import type { UnthrottledApp } from '../support/unthrottled-app.ts';
import { redisSnapshot } from '../support/redis-snapshot.ts';
import { createTestUser, requesterFor, signIn } from '../support/auth-session.ts';
import type { SignedIn } from '../support/auth-session.ts';
import { FakeJobCommands } from './fake-job-commands.ts';

let served: UnthrottledApp | undefined;
let redis: Redis;
let app: UnthrottledApp['app'];
let admin: SignedIn;
const jobs = new FakeJobCommands();

beforeAll(async () => {
  served = await startUnthrottledApp({ webhookToken: 'fuzz-webhook-token', apiToken: 'fuzz-bootstrap-token', jobs });
  ({ redis, app } = served);
  admin = await signIn(requesterFor(app), await createTestUser(redis, 'admin'));
}, 30_000);

afterAll(async () => {
  await served?.close();
});

/**
 * Every key and its value, minus what the fuzz itself moves: rate counters, the session's last-seen time, and the
 * audit log (which records attempts, refused ones and no-ops on ids that do not exist included).
 */
function snapshot(): Promise<Map<string, string>> {
  return redisSnapshot(redis, (key) => key.startsWith('hh:rate:') || key.includes('session') || key === 'hh:audit');
}

/**
 * Routes left out: the JSON API, webhooks and public pages (security-fuzz covers them), actions that read no input
 * and act on the caller's own session (logout, and the login page, which ends a session) or the directory (sync),
 * and the live event stream (never ends).
 */
const SKIP = new Set(['POST /logout', 'POST /logout-everywhere', 'POST /extensions/sync', 'GET /jobs/:id/events', 'GET /events', 'GET /login', 'POST /login', 'GET /setup', 'POST /setup']);

function dashboardRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => ['GET', 'POST'].includes(r.method) && !r.path.startsWith('/api/') && !r.path.startsWith('/webhooks/') && !r.path.startsWith('/static/'))
    .filter((r) => !r.path.includes('*') && !SKIP.has(`${r.method} ${r.path}`))
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      return !seen.has(key) && Boolean(seen.add(key));
    })
    .map(({ method, path }) => ({ method, path }));
}

// ---- Generators ---------------------------------------------------------------------------------------------------

/** Field and query names the dashboard reads, so junk lands where the handlers look. */
const FIELDS = ['lines', 'pool', 'target', 'extensionNumber', 'handoff', 'destination', 'destinationId', 'deadlineMinutes', 'extensionIds', 'ids', 'tag', 'enabled', 'name', 'phoneNumber', 'digits', 'seconds', 'id', 'username', 'password', 'current', 'role', 'scope', 'shadow', 'overrides', 'q', 'from', 'to', 'actor', 'action', 'before', 'after', 'done', 'edit', 'back', 'tz', 'status', 'next', 'minSpeechMs', 'threshold'];
/** Values no field accepts: far too long, or carrying NUL and other control characters. */
const badValue = fc.oneof(
  fc.string({ maxLength: 20 }).map((v) => `${v}\u0000\u0007${v}`),
  fc.string({ minLength: 1, maxLength: 20 }).map((v) => v.repeat(Math.ceil(400 / v.length))),
  fc.integer({ min: 1_000_000_000, max: Number.MAX_SAFE_INTEGER }).map((n) => `-${n}e999\u0000`),
);
const junkPairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 12 })), badValue), { minLength: 1, maxLength: 8 });
/**
 * Path params. No `.` or `..` segments: URL parsing resolves those (`/users/%2e%2e/logout` is `/logout`), so they
 * address another route, fuzzed in its own right — and logging the admin out would end the run.
 */
const notDotSegment = (v: string) => !/^(\.|%2e){1,2}$/i.test(v);
const pathParam = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/).map((v) => `nx-${v}`),
  fc.string({ maxLength: 30 }).map((v) => encodeURIComponent(v) || 'x').filter(notDotSegment),
  fc.constantFrom('...', '%2e%2e%2e', '%00', '%ZZ', '%', 'a'.repeat(300), '-1', '1e309', 'NaN', '__proto__', 'constructor'),
);
/** A form body: url-encoded junk (every field NUL-laced or oversize), raw binary, or a broken multipart. */
const formBody = fc.oneof(
  junkPairs.map((pairs) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams(pairs).toString() })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ type: 'application/x-www-form-urlencoded', body: bytes })),
  fc.string({ maxLength: 100 }).map((v) => ({ type: 'multipart/form-data; boundary=xyz', body: `--xyz\r\n${v}` })),
  fc.constantFrom({ type: 'application/x-www-form-urlencoded', body: '%' }, { type: 'application/x-www-form-urlencoded', body: '=&=&%zz=%zz' }, { type: 'text/plain', body: 'lines=999' }),
);
const queryString = fc.oneof(fc.constant(''), junkPairs.map((pairs) => `?${new URLSearchParams(pairs).toString()}`), fc.constantFrom('?%', '?lines=%ZZ', '?tz=Not/AZone', '?pool[]=x&pool=y'));

describe('fuzzing the dashboard as a signed-in admin', () => {
  it('answers 3,000 malformed path params, query strings and form bodies with 4xx or a page, and changes nothing', async () => {
    const routes = dashboardRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.array(pathParam, { minLength: 3, maxLength: 3 }), queryString, formBody, async (route, params, query, form) => {
        let i = 0;
        const path = route.path.replace(/:\w+/g, () => params[i++ % params.length] ?? 'x') + query;
        const init: RequestInit = route.method === 'GET' ? { headers: admin.headers } : { method: 'POST', headers: { ...admin.headers, 'Content-Type': form.type }, body: form.body };
        const response = await app.request(path, init);
        await response.arrayBuffer();
        if (response.status >= 500) throw new Error(`${route.method} ${path} answered ${response.status} to ${JSON.stringify(String(form.body).slice(0, 200))}`);
      }),
      { numRuns: 3_000 },
    );
    const after = await snapshot();
    expect([...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k)).toEqual([]);
    expect([...before.keys()].filter((k) => !after.has(k))).toEqual([]);
    // Still signed in: the whole run was judged as the admin, not bounced to the login page.
    expect((await app.request('/account', { headers: admin.headers })).status).toBe(200);
    expect(jobs.created).toEqual([]);
    expect(jobs.sent).toEqual([]);
  }, 600_000);
});
