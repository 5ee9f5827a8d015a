/**
 * Issue 7, "zod on every route": every value a request brings — path params, query strings, form bodies, JSON
 * bodies and the headers the app acts on — goes through a zod schema before it is used. Three proofs:
 * 1. the source: no handler under src/web reads a query, a form body or a header except through a schema (a short,
 *    reasoned allow-list: presence-only headers, and the helpers that feed the schemas);
 * 2. each schema on malformed input gives the readable message users see (the same words as before the change);
 * 3. over HTTP, as a signed-in admin with a valid CSRF token: malformed input to each converted form or query is a
 *    4xx with that message (or the form again with it), never a 5xx, and nothing is saved.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { parseJobFilters } from '../../src/web/job-rows.ts';
import { afterQuery, localPath, loginQuery, noticeQuery, streamIdValue, syncBackQuery } from '../../src/web/page-queries.ts';
import { liveSettingsForm, settingsFormErrors, shadowSettingsForm } from '../../src/web/detection-settings-form.ts';
import { destinationFormErrors, destinationFormSchema, destinationFormText } from '../../src/web/destination-form.ts';
import { huntFormRequest, huntFormText, parseHuntForm } from '../../src/web/hunt-form.ts';
import { detectionSettingsSchema } from '../../src/detection/settings-input.ts';
import { bearerToken, clientAddress, formMediaType, mediaType } from '../../src/web/request-headers.ts';
import { formList, formText } from '../../src/web/form-input.ts';
import { startUnthrottledApp } from '../support/unthrottled-app.ts';
import type { UnthrottledApp } from '../support/unthrottled-app.ts';
import { redisSnapshot } from '../support/redis-snapshot.ts';
import { createTestUser, requesterFor, signIn } from '../support/auth-session.ts';
import type { SignedIn } from '../support/auth-session.ts';
import { FakeJobCommands } from './fake-job-commands.ts';

// ---- 1. The source ------------------------------------------------------------------------------------------------

const WEB = join(import.meta.dirname, '../../src/web');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'static' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Reads of request input that are not themselves the argument of a zod parse, each with why it is fine. */
const ALLOWED: { file: string; read: RegExp; why: string }[] = [
  { file: 'form-input.ts', read: /c\.req\.parseBody\(\{ all: true \}\)/, why: 'the form body that the form schemas parse' },
  { file: 'dashboard-routes.tsx', read: /parseJobFilters\(c\.req\.query\(\)\)/, why: 'parseJobFilters is jobFiltersQuery.safeParse' },
  { file: 'analytics-api.ts', read: /const query = c\.req\.query\(\);/, why: 'analyticsQuerySchema.safeParse(query) on the next line' },
  { file: 'detection-review-api.ts', read: /const query = c\.req\.query\(\);/, why: 'detectionsQuery.safeParse(query) on the next line' },
  { file: 'auth/auth-gate.ts', read: /const header = c\.req\.header\('authorization'\);/, why: 'presence decides; the value goes through bearerToken' },
  { file: 'auth/csrf.ts', read: /const body = await c\.req\.parseBody\(\);/, why: 'only the _csrf field, compared in constant time' },
  { file: 'auth/http-hardening.ts', read: /await c\.req\.parseBody\(\);/, why: 'formBodyGuard only checks the body can be read' },
  { file: 'auth/login-routes.tsx', read: /body = await c\.req\.parseBody\(\);/, why: 'readForm feeds loginForm / setupForm .parse' },
  { file: 'webhook-receiver.ts', read: /intake\.(begin|receive)\(.*c\.req\.header\(\)/, why: 'the webhook intake checks its token headers (constant time, bounded)' },
  { file: '*', read: /c\.req\.header\('HX-Request'\)/, why: 'presence only: htmx or a plain form' },
];

describe('the source: request input is read through zod schemas', () => {
  it('has no hand-parsed query, form body or header read under src/web', () => {
    const unchecked: string[] = [];
    for (const path of sourceFiles(WEB)) {
      const file = relative(WEB, path).replaceAll('\\', '/');
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (!/c\.req\.(query|parseBody|header|formData|json)\(/.test(line)) return;
          if (/\.(safeParse|parse)\(.*c\.req\.(query|parseBody|header|formData|json)\(/.test(line)) return;
          if (/pageQuery\(c, /.test(line) || /parseForm\(c, /.test(line)) return;
          if (ALLOWED.some((a) => (a.file === '*' || a.file === file) && a.read.test(line))) return;
          unchecked.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(unchecked).toEqual([]);
  });
});

// ---- 2. The schemas -----------------------------------------------------------------------------------------------

describe('page query schemas', () => {
  it('job-list filters: a malformed or reversed date is a field message, and a bad date filters nothing', () => {
    expect(parseJobFilters({ from: '2026-13-45', to: 'yesterday', q: '  irs ' })).toEqual({
      filters: { q: 'irs', status: '', from: '', to: '', destination: '', outcome: '', by: '' },
      errors: { from: 'From must be a date such as 2026-11-26', to: 'To must be a date such as 2026-11-26' },
    });
    expect(parseJobFilters({ from: '2026-11-26', to: '2026-11-01' })).toMatchObject({ filters: { from: '2026-11-26', to: '2026-11-01' }, errors: { to: 'To must not be before From' } });
    expect(parseJobFilters({ q: 'x'.repeat(5000), from: '2026-11-01' })).toEqual({ filters: { q: '', status: '', from: '2026-11-01', to: '', destination: '', outcome: '', by: '' }, errors: {} });
  });

  it('done= notices: only a known code shows its words; URL text never reaches the page', () => {
    const notice = noticeQuery((code) => ({ saved: 'Saved.' })[code]);
    expect(notice.parse({ done: 'saved' })).toBe('Saved.');
    for (const done of ['<script>alert(1)</script>', 'saved; drop', 'x'.repeat(100), '', 'unknown-code']) expect(notice.parse({ done })).toBeUndefined();
    expect(notice.parse({})).toBeUndefined();
  });

  it('?after= and Last-Event-ID: a Redis stream id or nothing', () => {
    expect(afterQuery.parse({ after: '1795737125551-0' })).toEqual({ after: '1795737125551-0' });
    for (const after of ['0', '-', '+', '1-2-3', '1-0\r\nx', 'a-b', `${'9'.repeat(17)}-0`]) expect(afterQuery.parse({ after })).toEqual({ after: undefined });
    expect(streamIdValue.parse(undefined)).toBeUndefined();
  });

  it('?next= on login: only a local path, never an open redirect', () => {
    expect(localPath.parse('/jobs/abc?x=1')).toBe('/jobs/abc?x=1');
    for (const next of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/login', '/setup?x', '/ok\r\nSet-Cookie: x', '', undefined, `/${'a'.repeat(3000)}`]) {
      expect(localPath.parse(next)).toBe('/');
    }
    expect(loginQuery.parse({ next: '//evil.example', out: '1' })).toEqual({ next: '/', out: '1', expired: undefined });
  });

  it('sync ?back=: one of the two pages', () => {
    expect(syncBackQuery.parse({ back: 'queues' })).toBe('/queues');
    expect(syncBackQuery.parse({ back: 'https://evil.example' })).toBe('/extensions');
  });
});

describe('form schemas', () => {
  it('form fields: the first value trimmed; files and absent fields read as empty', () => {
    expect(formText.parse(['  a ', 'b'])).toBe('a');
    expect(formText.parse(new File(['x'], 'x.txt'))).toBe('');
    expect(formText.parse(undefined)).toBe('');
    expect(formList.parse(['1', new File(['x'], 'x'), '2'])).toEqual(['1', '2']);
    expect(formList.parse('7')).toEqual(['7']);
  });

  it('detection settings (API, form and CLI share one schema): readable refusals', () => {
    expect(detectionSettingsSchema.safeParse([1]).error?.issues[0]?.message).toBe('detection settings must hold a JSON object');
    expect(detectionSettingsSchema.safeParse({ confirmThresold: 0.8 }).error?.issues[0]?.message).toBe('unknown setting confirmThresold');
    expect(detectionSettingsSchema.safeParse({ confirmThreshold: 7 }).error?.issues[0]?.message).toMatch(/^invalid detection config: confirmThreshold: /);
    expect(detectionSettingsSchema.parse({ confirmThreshold: 0.9 }).input).toEqual({ confirmThreshold: 0.9 });
  });

  it('detection settings form: each threshold and the overrides get their own message', () => {
    const bad = liveSettingsForm.safeParse({ suspectThreshold: 'abc', confirmThreshold: '', hysteresis: '1.5', overrides: '{nope' });
    expect(bad.success).toBe(false);
    expect(settingsFormErrors(bad.error!, 'overrides')).toEqual({
      suspectThreshold: 'suspectThreshold must be a number from 0 to 1',
      confirmThreshold: 'confirmThreshold must be a number from 0 to 1',
      hysteresis: 'hysteresis must be a number from 0 to 1',
      overrides: 'Other overrides must be a JSON object, e.g. {"speech": {"silenceRms": 200}}',
    });
    const unknown = liveSettingsForm.safeParse({ suspectThreshold: '0.5', confirmThreshold: '0.8', hysteresis: '0.1', overrides: '{"loud": 1}' });
    expect(settingsFormErrors(unknown.error!, 'overrides')).toEqual({ overrides: 'unknown setting loud' });
    expect(settingsFormErrors(shadowSettingsForm.safeParse('{').error!, 'shadow')).toEqual({ shadow: 'Shadow overrides must be JSON, e.g. {"confirmThreshold": 0.8}' });
    expect(settingsFormErrors(shadowSettingsForm.safeParse('[]').error!, 'shadow')).toEqual({ shadow: 'detection settings must hold a JSON object' });
  });

  it('destination form: the API schema plus the id rule, with the page messages', () => {
    const form = destinationFormText.parse({ id: 'Bad Id', name: ' ', phoneNumber: '555', digits: ['1', 'x'], seconds: ['2', 'soon'] });
    expect(form.steps).toEqual([{ digits: '1', seconds: '2' }, { digits: 'x', seconds: 'soon' }]);
    expect(destinationFormErrors(destinationFormSchema.safeParse(form).error!)).toEqual({
      id: 'Id must be 1 to 48 lower-case letters, digits or dashes, starting with a letter or digit',
      name: 'Must not be empty',
      phoneNumber: 'Must be an E.164 number such as +18668604259',
      ivr: 'IVR script: must be 1 to 16 of 0-9, * and # (step keys 0-9, * or #; seconds 0 to 600)',
    });
  });

  it('start form: preprocessed into the API request schema, errors keyed by field', () => {
    const values = huntFormText.parse({ lines: 'lots', target: 'fax:1', extensionIds: ['', '101'], deadlineMinutes: '-5' });
    expect(values.extensionIds).toEqual(['101']);
    const parsed = parseHuntForm(values);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? {} : Object.keys(parsed.errors).sort()).toEqual(['deadlineMinutes', 'lines', 'target']);
    expect(parsed.ok ? '' : parsed.errors.lines).toMatch(/^Lines /);
    expect(huntFormRequest.parse(huntFormText.parse({ lines: '3', target: 'queue:801' }))).toMatchObject({ lines: 3, target: { kind: 'queue', extensionNumber: '801' } });
  });
});

describe('header schemas', () => {
  it('reads a bearer token, a media type, a form post and a client address, or nothing', () => {
    expect(bearerToken.parse('Bearer abc.def')).toBe('abc.def');
    for (const header of ['Basic abc', 'Bearer', 'Bearer a b', `Bearer ${'x'.repeat(5000)}`, undefined]) expect(bearerToken.parse(header)).toBeUndefined();
    expect(mediaType.parse('Application/Octet-Stream; x=1')).toBe('application/octet-stream');
    expect(mediaType.parse(undefined)).toBe('');
    expect(formMediaType.safeParse('multipart/form-data; boundary=x').success).toBe(true);
    expect(formMediaType.safeParse('application/json').success).toBe(false);
    expect(clientAddress.parse(' 203.0.113.9 , 10.0.0.1')).toBe('203.0.113.9');
    expect(clientAddress.parse(' , 10.0.0.1')).toBeUndefined();
  });
});

// ---- 3. Over HTTP -------------------------------------------------------------------------------------------------

let served: UnthrottledApp | undefined;
let redis: Redis;
let app: UnthrottledApp['app'];
let admin: SignedIn;

beforeAll(async () => {
  served = await startUnthrottledApp({ webhookToken: 'validation-webhook-token', apiToken: 'validation-bootstrap-token', jobs: new FakeJobCommands() });
  ({ redis, app } = served);
  admin = await signIn(requesterFor(app), await createTestUser(redis, 'admin'));
}, 30_000);

afterAll(async () => {
  await served?.close();
});

const post = (path: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return app.request(path, { method: 'POST', headers: { ...admin.headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
};
const api = (path: string, init: RequestInit = {}) => app.request(`/api/v1${path}`, { ...init, headers: { Authorization: 'Bearer validation-bootstrap-token', 'Content-Type': 'application/json', ...init.headers } });
const unchanged = () => redisSnapshot(redis, (key) => key.startsWith('hh:rate:') || key.includes('session') || key === 'hh:audit');

describe('malformed input over HTTP: a clear 4xx or the form with its message, nothing saved', () => {
  it('dashboard forms', async () => {
    const before = await unchanged();
    const cases: [string, Record<string, string | string[]>, number, string][] = [
      ['/settings/detection/irs-pps', { suspectThreshold: 'x', confirmThreshold: '0.8', hysteresis: '0.1', overrides: '' }, 422, 'suspectThreshold must be a number from 0 to 1'],
      ['/settings/detection/irs-pps', { suspectThreshold: '0.5', confirmThreshold: '0.8', hysteresis: '0.1', overrides: '{"loud": 1}' }, 422, 'unknown setting loud'],
      ['/settings/detection/irs-pps/shadow', { shadow: '{oops' }, 422, 'Shadow overrides must be JSON'],
      ['/destinations', { id: 'Bad Id', name: 'X', phoneNumber: '+18668604259' }, 422, 'Id must be 1 to 48 lower-case letters'],
      ['/pools', { name: '   ' }, 422, 'Pool name must not be empty'],
      ['/pools', { name: 'p'.repeat(61) }, 422, 'Pool name must be at most 60 characters'],
      ['/extensions/bulk', { action: 'explode', ids: ['101'] }, 400, 'Unknown bulk action.'],
      ['/extensions/bulk', { action: 'enable', ids: ['101', '../etc'] }, 400, 'must be an extension id (digits only)'],
      ['/extensions/bulk', { action: 'tag-add', ids: ['101'], tag: '!!' }, 422, 'Tag must be 1 to 30 letters'],
      ['/extensions/bulk', { action: 'pool-add', ids: ['101'], pool: 'not-a-pool' }, 422, 'Choose a pool first'],
      ['/extensions/101/enabled', { enabled: 'maybe' }, 400, 'Send enabled=true or enabled=false.'],
      ['/hunts', { lines: 'many' }, 422, 'Lines '],
    ];
    for (const [path, fields, status, message] of cases) {
      const response = await post(path, fields);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(await response.text()).toContain(message.replaceAll('"', '&quot;'));
    }
    expect(await unchanged()).toEqual(before);
  });

  it('page queries: junk falls back, a bad filter is named', async () => {
    const jobs = await app.request('/jobs?from=2026-02-30x&to=tomorrow', { headers: admin.headers });
    expect(jobs.status).toBe(422);
    const html = await jobs.text();
    expect(html).toContain('From must be a date such as 2026-11-26');
    expect(html).toContain('To must be a date such as 2026-11-26');
    const notice = await app.request(`/pools?done=${encodeURIComponent('<b>pwned</b>')}`, { headers: admin.headers });
    expect(notice.status).toBe(200);
    expect(await notice.text()).not.toContain('pwned');
    const login = await app.request('/login?next=%2F%2Fevil.example');
    expect(await login.text()).not.toContain('evil.example');
  });

  it('static files: only the listed ones, never the map prototype', async () => {
    expect((await app.request('/static/dashboard.js')).status).toBe(200);
    for (const file of ['__proto__', 'constructor', 'toString', '..%2Fapp.css']) expect((await app.request(`/static/${file}`)).status).toBe(404);
  });

  it('JSON API params and queries', async () => {
    expect((await api('/jobs/bad%20id')).status).toBe(400);
    expect(((await (await api('/jobs/j1/calls/bad%20call/confirm', { method: 'POST' })).json()) as { error: { field: string } }).error.field).toBe('callId');
    expect((await api('/destinations/Bad%20Id', { method: 'PUT', body: '{}' })).status).toBe(400);
    expect((await api('/pools/not-a-pool')).status).toBe(400);
    expect((await api('/settings/detection/irs-pps/shadow-report?jobs=0')).status).toBe(400);
    const settings = await api('/settings/detection/irs-pps', { method: 'PUT', body: JSON.stringify({ config: { loud: 1 } }) });
    expect(settings.status).toBe(400);
    expect(((await settings.json()) as { error: { message: string } }).error.message).toBe('unknown setting loud');
    expect((await api('/settings/detection/irs-pps', { method: 'PUT', body: '{"settings": {}}' })).status).toBe(400);
    expect((await api('/settings/detection/..%2Fx')).status).toBe(404);
    expect((await api('/users/NOT%20A%20USER', { method: 'DELETE' })).status).toBe(404);
    expect((await api('/tokens/..%2F..', { method: 'DELETE' })).status).toBe(404);
  });
});
