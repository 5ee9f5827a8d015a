/** Saved destinations and their IVR scripts through the JSON API: validated, authenticated, used by new hunts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/store/redis-client.ts';
import { flushTestRedis, testRedisUrl } from '../support/redis-url.ts';
import pino from 'pino';
import { createApp } from '../../src/web/create-app.tsx';
import { FakeJobCommands } from './fake-job-commands.ts';
import { PPS_DESTINATION } from '../../src/engine/hunt-types.ts';

const redis = createRedis(testRedisUrl(8));
const TOKEN = 'destination-api-token';
const app = createApp({
  connectionStatus: () => Promise.resolve({ mode: 'demo', server: '', connected: true }),
  webhooks: { redis, verificationToken: 'unused', log: pino({ level: 'silent' }) },
  jobs: new FakeJobCommands(),
  apiToken: TOKEN,
});

function call(method: string, path: string, body?: unknown, token = TOKEN): Promise<Response> {
  return Promise.resolve(
    app.request(`/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }),
  );
}

beforeAll(async () => {
  await flushTestRedis(redis);
});

afterAll(async () => {
  await flushTestRedis(redis);
  await redis.quit();
});

describe('destinations API', () => {
  it('lists the IRS PPS line with its default IVR script first', async () => {
    const response = await call('GET', '/destinations');
    expect(response.status).toBe(200);
    const { destinations } = (await response.json()) as { destinations: (typeof PPS_DESTINATION)[] };
    expect(destinations[0]).toEqual(PPS_DESTINATION);
  });

  it('edits the PPS script and saves another destination', async () => {
    const edited = { name: 'IRS PPS', phoneNumber: '+18668604259', ivr: [{ digits: '1', afterMs: 3000 }, { digits: '2', afterMs: 40000 }] };
    expect((await call('PUT', '/destinations/irs-pps', edited)).status).toBe(200);
    expect(await (await call('GET', '/destinations/irs-pps')).json()).toEqual({ id: 'irs-pps', ...edited });
    const other = { name: 'IRS e-Help Desk', phoneNumber: '+18665557777', ivr: [] };
    expect((await call('PUT', '/destinations/e-help', other)).status).toBe(200);
    const { destinations } = (await (await call('GET', '/destinations')).json()) as { destinations: { id: string }[] };
    expect(destinations.map((d) => d.id)).toEqual(['irs-pps', 'e-help']);
    expect((await call('DELETE', '/destinations/e-help')).status).toBe(204);
    expect((await call('DELETE', '/destinations/e-help')).status).toBe(404);
  });

  it('refuses bad input with a message per field', async () => {
    const response = await call('PUT', '/destinations/bad', { name: '', phoneNumber: '866-860-4259', ivr: [{ digits: 'x', afterMs: -1 }], extra: 1 });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { problems: { field: string; message: string }[] } };
    const fields = error.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'phoneNumber', 'ivr[0].digits', 'ivr[0].afterMs']));
    expect((await call('PUT', '/destinations/Not_An_Id', { name: 'x', phoneNumber: '+18665550000', ivr: [] })).status).toBe(400);
    expect((await call('PUT', '/destinations/ok', '{"name":')).status).toBe(400);
    expect((await call('GET', '/destinations/nope')).status).toBe(404);
  });

  it('requires the API token', async () => {
    expect((await call('GET', '/destinations', undefined, 'wrong')).status).toBe(401);
  });
});
