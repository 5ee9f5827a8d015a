/**
 * With SENTRY_DSN set, error log lines reach Sentry through the real @sentry/node SDK (here: a local receiver that
 * speaks Sentry's envelope endpoint), with the same redaction as the logs; lines below error do not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.ts';
import { startErrorTracking } from '../../src/observability/error-tracking.ts';

let server: Server;
let dsn: string;
const envelopes: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      envelopes.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString());
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dsn = `http://publickey@127.0.0.1:${(server.address() as AddressInfo).port}/42`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('error tracking (SENTRY_DSN)', () => {
  it('sends error lines to Sentry with their error and context, redacted as in the logs; info lines stay out', async () => {
    const tracking = startErrorTracking({ dsn, environment: 'staging', release: 'test-1' });
    expect(await tracking.ready).toBe(true);
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    const log = createLogger('info', pino.multistream([{ stream: quiet }, { level: 'error', stream: tracking.stream }]));
    log.info({ jobId: 'job-1' }, 'an ordinary line');
    log.error({ err: new Error('transfer refused by RingCentral'), jobId: 'job-7', token: 'super-secret-value', to: '+18668604259' }, 'hand-off failed');
    await tracking.flush(5_000);

    const all = envelopes.join('\n');
    expect(all).toContain('transfer refused by RingCentral');
    expect(all).toContain('hand-off failed');
    expect(all).toContain('job-7');
    expect(all).toContain('"environment":"staging"');
    expect(all).not.toContain('super-secret-value');
    expect(all).not.toContain('+18668604259');
    expect(all).not.toContain('an ordinary line');
  }, 30_000);
});
