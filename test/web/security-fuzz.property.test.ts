/**
 * Property-based fuzzing of the doors machines knock on: 11,000 random and malformed requests — bodies (junk text,
 * binary, JSON of the wrong shape, oversize), headers (random content types, names, cookies, bearer tokens) — to
 * every body-taking JSON API route and to the RingCentral webhook. Every answer is a 4xx (never a 5xx, never a
 * crash), and nothing changes: the Redis key snapshot (values included) is identical before and after, and the
 * engine received no command. Runs on a private redis-server so other tests' writes cannot blur the snapshot.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ApiTokenStore } from '../../src/web/auth/api-token-store.ts';
import { startUnthrottledApp } from '../support/unthrottled-app.ts';
import type { UnthrottledApp } from '../support/unthrottled-app.ts';
import { redisSnapshot } from '../support/redis-snapshot.ts';
import { createTestUser } from '../support/auth-session.ts';
import { FakeJobCommands } from './fake-job-commands.ts';

const WEBHOOK_TOKEN = 'fuzz-webhook-token';
const BOOTSTRAP = 'fuzz-bootstrap-token';

let served: UnthrottledApp | undefined;
let redis: Redis;
let app: UnthrottledApp['app'];
const jobs = new FakeJobCommands();
const tokens: Record<'admin' | 'operator', string> = { admin: '', operator: '' };

beforeAll(async () => {
  served = await startUnthrottledApp({ webhookToken: WEBHOOK_TOKEN, apiToken: BOOTSTRAP, jobs });
  ({ redis, app } = served);
  for (const role of ['admin', 'operator'] as const) {
    const user = await createTestUser(redis, role);
    tokens[role] = (await new ApiTokenStore(redis).create(user.username, 'fuzz', role === 'admin' ? 'admin' : 'operate')).token;
  }
}, 30_000);

afterAll(async () => {
  await served?.close();
});

/** Every key and its serialized value (rate-limit counters, which count the fuzz itself, left out). */
function snapshot(): Promise<Map<string, string>> {
  return redisSnapshot(redis, (key) => key.startsWith('hh:rate:'));
}

// ---- Generators ---------------------------------------------------------------------------------------------------

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((n) => !['content-length', 'host', 'transfer-encoding', 'validation-token', 'connection'].includes(n));
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/).map((v) => v.trim());
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/octet-stream', ''),
  headerValue,
);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Bodies that no route can accept: junk text, binary, JSON of the wrong shape (objects carry an unknown key). */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(isPlainObject(v) ? { ...v, 'fuzz-unknown-key': true } : v)) },
  { weight: 2, arbitrary: fc.record({ lines: fc.oneof(fc.integer(), fc.string(), fc.double()), target: fc.jsonValue(), extra: fc.anything() }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '{"lines": 1e309}', '{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"x": 1}}}') },
  { weight: 1, arbitrary: fc.integer({ min: 65 * 1024, max: 80 * 1024 }).map((n) => `{"name": "${'x'.repeat(n)}"}`) },
);
const extraHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 4 });
const pathParam = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/).map((v) => `nx-${v}`), fc.string({ maxLength: 30 }).map((v) => encodeURIComponent(v) || 'x'), fc.constantFrom('..', '%2e%2e', '%00', 'irs-pps', 'a'.repeat(300)));

/**
 * Actions that read no body (a valid caller may run them whatever it sends): fuzzed with bad credentials only.
 * `POST /api/v1/extensions/sync` answers 503 where this instance offers no sync.
 */
const BODYLESS = new Set(['POST /api/v1/extensions/sync']);

function bodyRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.path.startsWith('/api/v1/') && ['POST', 'PUT', 'PATCH'].includes(r.method))
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      return !seen.has(key) && Boolean(seen.add(key));
    })
    .map(({ method, path }) => ({ method, path }));
}

describe('fuzzing the JSON API and the webhook', () => {
  it('answers 6,000 malformed API requests with 4xx only and changes nothing', async () => {
    const routes = bodyRoutes();
    expect(routes.length).toBeGreaterThan(10);
    const before = await snapshot();
    const badCredential = fc.oneof(
      fc.constant<Record<string, string>>({}),
      headerValue.map((v) => ({ Authorization: v })),
      headerValue.map((v) => ({ Authorization: `Bearer hh_${v}` })),
      headerValue.map((v) => ({ Cookie: `hh_session=${encodeURIComponent(v)}` })),
    );
    const credential = fc.oneof(
      fc.constant<Record<string, string>>({ Authorization: `Bearer ${tokens.admin}` }),
      fc.constant<Record<string, string>>({ Authorization: `Bearer ${tokens.operator}` }),
      fc.constant<Record<string, string>>({ Authorization: `Bearer ${BOOTSTRAP}` }),
      fc.constant<Record<string, string>>({}),
      headerValue.map((v) => ({ Authorization: v })),
      headerValue.map((v) => ({ Authorization: `Bearer hh_${v}` })),
      headerValue.map((v) => ({ Cookie: `hh_session=${encodeURIComponent(v)}` })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.array(pathParam, { minLength: 3, maxLength: 3 }), credential, badCredential, contentType, extraHeaders, body, async (route, params, good, bad, type, extra, payload) => {
        const auth = BODYLESS.has(`${route.method} ${route.path}`) ? bad : good;
        let i = 0;
        const path = route.path.replace(/:\w+/g, () => params[i++ % params.length] ?? 'x');
        const headers: Record<string, string> = { ...extra, ...auth, ...(type ? { 'Content-Type': type } : {}) };
        const response = await app.request(path, { method: route.method, headers, body: payload });
        await response.arrayBuffer();
        if (response.status < 400 || response.status >= 500) throw new Error(`${route.method} ${path} answered ${response.status} to ${JSON.stringify({ headers, payload: String(payload).slice(0, 200) })}`);
      }),
      { numRuns: 6_000 },
    );
    expect(await snapshot()).toEqual(before);
    expect(jobs.created).toEqual([]);
    expect(jobs.sent).toEqual([]);
  }, 600_000);

  it('answers 5,000 malformed or forged webhook requests with 4xx only and changes nothing', async () => {
    const before = await snapshot();
    const token = fc.oneof(fc.constant<Record<string, string>>({ 'Verification-Token': WEBHOOK_TOKEN }), fc.constant<Record<string, string>>({}), headerValue.map((v) => ({ 'Verification-Token': v })));
    await fc.assert(
      fc.asyncProperty(token, contentType, extraHeaders, body, async (auth, type, extra, payload) => {
        const headers: Record<string, string> = { ...extra, ...auth, ...(type ? { 'Content-Type': type } : {}) };
        const response = await app.request('/webhooks/ringcentral', { method: 'POST', headers, body: payload });
        await response.arrayBuffer();
        if (response.status < 400 || response.status >= 500) throw new Error(`webhook answered ${response.status} to ${JSON.stringify({ headers, payload: String(payload).slice(0, 200) })}`);
      }),
      { numRuns: 5_000 },
    );
    expect(await snapshot()).toEqual(before);
  }, 600_000);
});
