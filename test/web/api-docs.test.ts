/**
 * /openapi.json lists exactly the API the app serves (read from its routes), with request-body schemas from the
 * handlers' own zod schemas; /docs shows the same as a page with no outside assets; both need a signed-in caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp } from '../../src/web/create-app.tsx';
import { API_BASE, API_OPERATIONS, apiOperations } from '../../src/web/api-docs.tsx';
import { FakeJobCommands } from './fake-job-commands.ts';
import { JobLiveFeed } from '../../src/web/job-live-feed.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

const TOKEN = 'api-docs-test-token';
let server: PrivateRedis;
let redis: Redis;
let app: ReturnType<typeof createApp>;
let feed: JobLiveFeed;

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url);
  feed = new JobLiveFeed(redis);
  app = createApp({
    connectionStatus: () => Promise.resolve({ mode: 'demo', server: '', connected: true }),
    webhooks: { redis, verificationToken: 'unused', log: pino({ level: 'silent' }) },
    jobs: new FakeJobCommands(),
    dashboard: { redis, feed, lineMode: 'call-out' },
    apiToken: TOKEN,
  });
});
afterAll(async () => {
  await feed?.close();
  redis?.disconnect();
  await server?.close();
});

const get = (path: string, token = TOKEN) => app.request(path, token ? { headers: { Authorization: `Bearer ${token}` } } : {});

describe('the API reference', () => {
  it('/openapi.json is OpenAPI 3.1 with one operation per API route the app serves, and no other', async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const served = apiOperations(app.routes)
      .map((r) => `${r.method} ${r.path.slice(API_BASE.length).replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    expect(documented).toEqual(served);
    // The design's contract: the job routes are there.
    for (const op of ['POST /jobs', 'GET /jobs', 'GET /jobs/{id}', 'POST /jobs/{id}/cancel', 'POST /jobs/{id}/calls/{callId}/confirm', 'POST /jobs/{id}/calls/{callId}/hangup']) expect(documented).toContain(op);
  });

  it('describes every operation it has words for, and those words name real routes', async () => {
    const served = new Set(apiOperations(app.routes).map((r) => `${r.method} ${r.path.slice(API_BASE.length)}`));
    for (const key of Object.keys(API_OPERATIONS)) expect(served, key).toContain(key);
  });

  it("gives POST /jobs the request schema the handler validates with", async () => {
    const document = (await (await get('/openapi.json')).json()) as any;
    const schema = document.paths['/jobs'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.lines).toMatchObject({ type: 'integer', minimum: 1, maximum: 70 });
    expect(schema.additionalProperties).toBe(false);
    expect(document.paths['/jobs/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(document.paths['/jobs'].post.responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
  });

  it('/docs is a page listing every operation, with no script and no outside asset', async () => {
    const response = await get('/docs');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('POST /api/v1/jobs');
    expect(html).toContain('Start a hunt');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('is not for anonymous callers', async () => {
    for (const path of ['/openapi.json', '/docs']) expect([302, 303, 401]).toContain((await get(path, '')).status);
  });
});
