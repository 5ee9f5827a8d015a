/** The JSON API under /api/v1 as createApp mounts it: bearer auth, validation, status mapping, error shapes. */
import { describe, expect, it } from 'vitest';
import { JobRequestError } from '../../src/engine/job-commands.ts';
import { createApp } from '../../src/web/create-app.tsx';
import type { AppDeps } from '../../src/web/create-app.tsx';
import { FakeJobCommands } from './fake-job-commands.ts';
import { capturingLogger, json, silentLogger } from './web-fixtures.ts';

const API_TOKEN = 'api-test-token-9b8c7d';
const AUTH = { Authorization: `Bearer ${API_TOKEN}` };

function setup(overrides: Partial<AppDeps> = {}) {
  const jobs = new FakeJobCommands();
  const app = createApp({
    connectionStatus: () => Promise.reject(new Error('not used')),
    jobs,
    apiToken: API_TOKEN,
    log: silentLogger,
    ...overrides,
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH) =>
    app.request(`/api/v1${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return { app, jobs, call };
}

async function problems(response: Response): Promise<Record<string, string>> {
  const body = await json(response);
  return Object.fromEntries((body.error.problems as { field: string; message: string }[]).map((p) => [p.field, p.message]));
}

describe('authentication', () => {
  it('answers 401 without a token, with a wrong one, and with a non-Bearer scheme', async () => {
    const { call, jobs } = setup();
    const variants: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong' }, { Authorization: `Bearer ${API_TOKEN}x` }, { Authorization: `Basic ${API_TOKEN}` }, { Authorization: API_TOKEN }];
    for (const headers of variants) {
      const response = await call('POST', '/jobs', { lines: 5 }, headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = await json(response);
      expect(body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(JSON.stringify(body)).not.toContain(API_TOKEN);
    }
    expect(jobs.created).toHaveLength(0);
  });

  it('accepts the scheme in any case', async () => {
    const { call } = setup();
    expect((await call('GET', '/jobs', undefined, { Authorization: `bearer ${API_TOKEN}` })).status).toBe(200);
  });

  it('refuses everyone when no API_TOKEN is configured (and no user exists), and says how to sign in', async () => {
    for (const apiToken of [undefined, '']) {
      const { call } = setup({ apiToken });
      for (const headers of [{ Authorization: 'Bearer ' }, AUTH]) {
        const response = await call('GET', '/jobs', undefined, headers);
        expect(response.status).toBe(401);
        expect((await json(response)).error.message).toContain('Authorization: Bearer');
      }
    }
  });

  it('guards unknown API paths too', async () => {
    const { call } = setup();
    expect((await call('GET', '/nope', undefined, {})).status).toBe(401);
    const response = await call('GET', '/nope');
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe('not_found');
  });
});

describe('POST /jobs', () => {
  it('creates a job: 201, the JobView, a Location, and the caller recorded', async () => {
    const { call, jobs } = setup();
    const request = {
      lines: 12,
      destinationId: 'irs-pps',
      target: { kind: 'queue', extensionNumber: '801' },
      extensionIds: ['400111222444', '400111222445'],
      pool: 'front-office',
      handoff: 'standby-bridge',
      deadlineMinutes: 90,
    };
    const response = await call('POST', '/jobs', request);
    expect(response.status).toBe(201);
    const view = await json(response);
    expect(view).toMatchObject({ id: 'job-1', status: 'starting', spec: { lines: 12, handoff: 'standby-bridge' } });
    expect(response.headers.get('location')).toBe('/api/v1/jobs/job-1');
    expect(jobs.created).toEqual([{ request, by: 'api-token' }]);
  });

  it('accepts the minimal request and a phone-number target', async () => {
    const { call, jobs } = setup();
    expect((await call('POST', '/jobs', { lines: 1 })).status).toBe(201);
    expect((await call('POST', '/jobs', { lines: 70, target: { kind: 'number', phoneNumber: '+12125550123' } })).status).toBe(201);
    expect((await call('POST', '/jobs', { lines: 3, target: { kind: 'extension', extensionNumber: '12345678' } })).status).toBe(201);
    expect(jobs.created.map((c) => c.request)).toEqual([
      { lines: 1 },
      { lines: 70, target: { kind: 'number', phoneNumber: '+12125550123' } },
      { lines: 3, target: { kind: 'extension', extensionNumber: '12345678' } },
    ]);
  });

  it.each([
    [{}, { lines: 'is required' }],
    [{ lines: 0 }, { lines: 'must be at least 1' }],
    [{ lines: 71 }, { lines: 'must be at most 70' }],
    [{ lines: 2.5 }, { lines: 'must be a whole number from 1 to 70' }],
    [{ lines: '5' }, { lines: 'must be a whole number from 1 to 70' }],
    [{ lines: 5, destinationId: 'a b' }, { destinationId: 'must be 1 to 64 letters, digits, "_" or "-"' }],
    [{ lines: 5, target: 'queue' }, { target: 'must be an object: {kind, extensionNumber} or {kind: "number", phoneNumber}' }],
    [{ lines: 5, target: { kind: 'fax' } }, { 'target.kind': "must be one of 'queue', 'extension' or 'number'" }],
    [{ lines: 5, target: { kind: 'queue' } }, { 'target.extensionNumber': 'is required' }],
    [{ lines: 5, target: { kind: 'queue', extensionNumber: '1' } }, { 'target.extensionNumber': 'must be 2 to 8 digits' }],
    [{ lines: 5, target: { kind: 'extension', extensionNumber: '123456789' } }, { 'target.extensionNumber': 'must be 2 to 8 digits' }],
    [{ lines: 5, target: { kind: 'number', phoneNumber: '2125550123' } }, { 'target.phoneNumber': 'must be in E.164 form: + and 7 to 15 digits, e.g. +12125550123' }],
    [{ lines: 5, target: { kind: 'number', phoneNumber: '+02125550123' } }, { 'target.phoneNumber': 'must be in E.164 form: + and 7 to 15 digits, e.g. +12125550123' }],
    [{ lines: 5, target: { kind: 'number', phoneNumber: '+12125550123', extensionNumber: '801' } }, { 'target.extensionNumber': 'is not a known field' }],
    [{ lines: 5, extensionIds: 'all' }, { extensionIds: 'must be an array of extension ids' }],
    [{ lines: 5, extensionIds: ['101', 'abc'] }, { 'extensionIds[1]': 'must be an extension id (digits only)' }],
    [{ lines: 5, extensionIds: ['101', '101'] }, { extensionIds: 'must not list an extension twice' }],
    [{ lines: 5, extensionIds: Array.from({ length: 71 }, (_, i) => String(1000 + i)) }, { extensionIds: 'must list at most 70 extensions' }],
    [{ lines: 5, pool: '' }, { pool: 'must not be empty' }],
    [{ lines: 5, handoff: 'bridge' }, { handoff: "must be 'transfer' or 'standby-bridge'" }],
    [{ lines: 5, deadlineMinutes: 0 }, { deadlineMinutes: 'must be at least 1 minute' }],
    [{ lines: 5, deadlineMinutes: 721 }, { deadlineMinutes: 'must be at most 720 minutes (12 hours)' }],
    [{ lines: 5, priority: 'high' }, { priority: 'is not a known field' }],
    [[], { '': 'the request body must be a JSON object' }],
    ['"text"', { '': 'the request body must be a JSON object' }],
  ])('refuses %j with a message per field', async (body, expected) => {
    const { call, jobs } = setup();
    const response = await call('POST', '/jobs', body);
    expect(response.status).toBe(400);
    const clone = response.clone();
    expect(await problems(response)).toEqual(expected);
    const error = (await json(clone)).error;
    expect(error.code).toBe('invalid_request');
    for (const [field, message] of Object.entries(expected)) expect(error.message).toContain(field === '' ? message : `${field}: ${message}`);
    expect(jobs.created).toHaveLength(0);
  });

  it('lists every problem at once, and names the first as `field`', async () => {
    const { call } = setup();
    const response = await call('POST', '/jobs', { lines: 0, handoff: 'x', extra: true });
    const body = await json(response);
    expect(body.error.field).toBe('lines');
    expect(body.error.problems.map((p: { field: string }) => p.field).sort()).toEqual(['extra', 'handoff', 'lines']);
  });

  it('answers 400 to malformed or empty JSON, and 413 above 16 KB', async () => {
    const { call } = setup();
    for (const body of ['{"lines": ', '', 'lines=5']) {
      const response = await call('POST', '/jobs', body);
      expect(response.status, body).toBe(400);
      expect((await json(response)).error.code).toBe('malformed_json');
    }
    const big = await call('POST', '/jobs', { lines: 5, pool: 'x'.repeat(17 * 1024) });
    expect(big.status).toBe(413);
    expect((await json(big)).error.code).toBe('payload_too_large');
  });

  it('passes a JobRequestError through with its status, message and field', async () => {
    const { call, jobs } = setup();
    for (const [status, code] of [
      [409, 'conflict'],
      [422, 'unprocessable'],
      [404, 'not_found'],
      [400, 'invalid_request'],
    ] as const) {
      jobs.failNext = new JobRequestError(status, 'Not enough free extensions: 3 of 12.', 'lines');
      const response = await call('POST', '/jobs', { lines: 12 });
      expect(response.status).toBe(status);
      expect(await json(response)).toEqual({ error: { code, message: 'Not enough free extensions: 3 of 12.', field: 'lines' } });
    }
  });

  it('answers 500 with a generic message to anything unexpected, and logs it', async () => {
    const { log, lines } = capturingLogger('info');
    const { call, jobs } = setup({ log });
    jobs.failNext = new Error('ECONNREFUSED 10.0.0.7:6379 secret-internal-detail');
    const response = await call('POST', '/jobs', { lines: 3 });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('internal');
    expect(text).not.toContain('secret-internal-detail');
    expect(lines.join('')).toContain('secret-internal-detail');
    expect(lines.join('')).not.toContain(API_TOKEN);
  });
});

describe('reading jobs', () => {
  it('lists jobs and reads one; 404 for an unknown id, 400 for a malformed one', async () => {
    const { call } = setup();
    expect(await json(await call('GET', '/jobs'))).toEqual({ jobs: [] });
    await call('POST', '/jobs', { lines: 2 });
    const list = await json(await call('GET', '/jobs'));
    expect(list.jobs.map((j: { id: string }) => j.id)).toEqual(['job-1']);
    const one = await call('GET', '/jobs/job-1');
    expect(one.status).toBe(200);
    expect((await json(one)).spec.lines).toBe(2);
    const missing = await call('GET', '/jobs/job-99');
    expect(missing.status).toBe(404);
    expect((await json(missing)).error).toMatchObject({ code: 'not_found', field: 'id' });
    const malformed = await call('GET', `/jobs/${'x'.repeat(65)}`);
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error).toMatchObject({ code: 'invalid_id', field: 'id' });
    expect((await call('GET', '/jobs/a.b')).status).toBe(400);
  });
});

describe('operator commands', () => {
  async function withCall() {
    const ctx = setup();
    await ctx.call('POST', '/jobs', { lines: 2 });
    ctx.jobs.jobs.get('job-1')!.calls.push({ callId: 'call-1', status: 'holding', attempt: 1, since: {} });
    return ctx;
  }

  it('queues cancel, confirm, hangup and transfer-now: 202 {accepted: true}', async () => {
    const { call, jobs } = await withCall();
    for (const path of ['/jobs/job-1/calls/call-1/confirm', '/jobs/job-1/calls/call-1/hangup', '/jobs/job-1/calls/call-1/transfer-now', '/jobs/job-1/cancel']) {
      const response = await call('POST', path);
      expect(response.status, path).toBe(202);
      expect(await json(response)).toEqual({ accepted: true });
    }
    expect(jobs.sent).toEqual([
      { jobId: 'job-1', command: { type: 'confirm', callId: 'call-1' }, by: 'api-token' },
      { jobId: 'job-1', command: { type: 'hangup', callId: 'call-1' }, by: 'api-token' },
      { jobId: 'job-1', command: { type: 'transfer-now', callId: 'call-1' }, by: 'api-token' },
      { jobId: 'job-1', command: { type: 'cancel' }, by: 'api-token' },
    ]);
  });

  it('maps the engine’s refusals: 404 unknown job or call, 409 conflict', async () => {
    const { call, jobs } = await withCall();
    const unknownJob = await call('POST', '/jobs/job-9/cancel');
    expect(unknownJob.status).toBe(404);
    expect((await json(unknownJob)).error).toMatchObject({ code: 'not_found', field: 'id' });
    const unknownCall = await call('POST', '/jobs/job-1/calls/call-9/confirm');
    expect(unknownCall.status).toBe(404);
    expect((await json(unknownCall)).error).toMatchObject({ code: 'not_found', field: 'callId' });
    jobs.jobs.get('job-1')!.status = 'cancelled';
    const conflict = await call('POST', '/jobs/job-1/cancel');
    expect(conflict.status).toBe(409);
    expect((await json(conflict)).error.code).toBe('conflict');
  });

  it('validates ids before asking the engine', async () => {
    const { call, jobs } = await withCall();
    const badCall = await call('POST', '/jobs/job-1/calls/call%201/hangup');
    expect(badCall.status).toBe(400);
    expect((await json(badCall)).error).toMatchObject({ code: 'invalid_id', field: 'callId' });
    const badJob = await call('POST', `/jobs/${'j'.repeat(65)}/calls/call-1/hangup`);
    expect((await json(badJob)).error).toMatchObject({ code: 'invalid_id', field: 'id' });
    expect(jobs.sent).toHaveLength(0);
  });

  it('needs the token for commands too', async () => {
    const { call, jobs } = await withCall();
    expect((await call('POST', '/jobs/job-1/cancel', undefined, {})).status).toBe(401);
    expect(jobs.sent).toHaveLength(0);
  });
});

describe('createApp', () => {
  it('keeps its pages and health, and mounts neither API nor webhooks unless given', async () => {
    const app = createApp({ connectionStatus: () => Promise.reject(new Error('not used')), apiToken: API_TOKEN });
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/static/app.css')).status).toBe(200);
    expect((await app.request('/api/v1/jobs', { headers: AUTH })).status).toBe(404);
    expect((await app.request('/webhooks/ringcentral', { method: 'POST', headers: { 'Validation-Token': 'x' } })).status).toBe(404);
  });

  it('serves the API next to the pages', async () => {
    const { app } = setup();
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/api/v1/jobs', { headers: AUTH })).status).toBe(200);
  });
});
