/**
 * The node:http webhook listener `serve` puts ahead of the app, over real HTTP and real Redis: what only a raw
 * server shows (the handshake reply on the wire, a refusal before the body is read, an oversize or aborted body),
 * routing, and that every other request still reaches the app. Answers to random input: the property test, which
 * runs against both adapters.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobStreamEntries } from '../../src/engine/job-stream.ts';
import { metrics } from '../../src/observability/metrics.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import { WEBHOOK_PATH } from '../../src/web/webhook-intake.ts';
import type { WebhookDeps } from '../../src/web/webhook-intake.ts';
import { webhookFirstServer, webhookListener } from '../../src/web/webhook-listener.ts';
import { json, notification, notificationIds, silentLogger, testRedis } from './web-fixtures.ts';
import type { TestRedis } from './web-fixtures.ts';

const TOKEN = 'listener-test-verification-token-77c1';
const ids = notificationIds();

let db: TestRedis;
let server: Server;
let base: string;
let appRequests: string[] = [];

async function start(deps: Partial<WebhookDeps> = {}): Promise<{ server: Server; base: string }> {
  const started = webhookFirstServer(webhookListener({ redis: db.redis, verificationToken: TOKEN, log: silentLogger, ...deps }), (req, res) => {
    appRequests.push(`${req.method} ${req.url}`);
    res.writeHead(404).end('app');
  });
  await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
  return { server: started, base: `http://127.0.0.1:${(started.address() as AddressInfo).port}` };
}

async function stop(target: Server): Promise<void> {
  target.closeAllConnections();
  await new Promise<void>((resolve) => target.close(() => resolve()));
}

beforeAll(async () => {
  db = testRedis();
  ({ server, base } = await start());
});
afterAll(async () => {
  await stop(server);
  await db.close();
});

const post = (body: string | undefined, headers: Record<string, string>) =>
  fetch(`${base}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=UTF-8', ...headers }, ...(body === undefined ? {} : { body }) });

function track(uuid: string, telephonySessionId: string) {
  db.track(globalKeys.webhookSeen(uuid), globalKeys.parkedEvents(telephonySessionId));
}

/** Writes `request` on a fresh socket; resolves with what the server sent: until it closed, or one whole reply (`oneReply`). */
function rawExchange(request: string, opts: { thenDestroy?: boolean; oneReply?: boolean } = {}): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const raw = Buffer.concat(chunks).toString('latin1');
      const headerEnd = raw.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(raw)?.[1] ?? Number.NaN);
      if (opts.oneReply && headerEnd >= 0 && raw.length - headerEnd - 4 >= length) socket.destroy();
    });
    socket.on('close', done);
    socket.on('error', reject);
    socket.write(request, () => {
      if (opts.thenDestroy) socket.destroy();
    });
  });
}

describe('the node:http webhook listener', () => {
  it('answers the handshake with the token echoed, Content-Type application/json, in under 1024 bytes on the wire', async () => {
    const token = 'a'.repeat(36);
    const raw = await rawExchange(
      `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nValidation-Token: ${token}\r\nContent-Type: application/json\r\n` +
        `User-Agent: RingCentral-Webhook/8.3\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    expect(raw.startsWith('HTTP/1.1 200')).toBe(true);
    expect(raw.toLowerCase()).toContain(`validation-token: ${token}`);
    expect(raw.toLowerCase()).toContain('content-type: application/json');
    expect(Buffer.byteLength(raw, 'latin1')).toBeLessThan(1024);
  });

  it('refuses a wrong token with 401 before the body has arrived, and stores nothing', async () => {
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    // Headers announce 10 kB, none of which is ever sent: the answer must not wait for them.
    const raw = await rawExchange(`POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nVerification-Token: wrong\r\nContent-Length: 10000\r\n\r\n`, { oneReply: true });
    expect(raw.startsWith('HTTP/1.1 401')).toBe(true);
    expect(raw).toContain('"code":"unauthorized"');
    // Nor will it read (and throw away) whatever body follows: the connection closes.
    expect(raw.toLowerCase()).toContain('connection: close');
    expect(await db.redis.exists(globalKeys.webhookSeen(uuid))).toBe(0);
  });

  it('answers 413 to a body over the limit, announced by Content-Length or streamed without it', async () => {
    const { server: small, base: smallBase } = await start({ maxBodyBytes: 1024 });
    try {
      const { uuid, telephonySessionId } = ids();
      track(uuid, telephonySessionId);
      const body = JSON.stringify({ ...notification({ uuid, telephonySessionId }), padding: 'x'.repeat(2048) });
      const announced = await fetch(`${smallBase}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'Verification-Token': TOKEN }, body });
      expect(announced.status).toBe(413);
      expect((await json(announced)).error.code).toBe('payload_too_large');
      const chunks = [body.slice(0, 800), body.slice(800)];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      });
      const streamed = await fetch(`${smallBase}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'Verification-Token': TOKEN }, body: stream, duplex: 'half' });
      expect(streamed.status).toBe(413);
      expect(await db.redis.exists(globalKeys.webhookSeen(uuid), globalKeys.parkedEvents(telephonySessionId))).toBe(0);
    } finally {
      await stop(small);
    }
  });

  it('stores nothing from a client that goes away mid-body, and keeps serving', async () => {
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    const body = JSON.stringify(notification({ uuid, telephonySessionId }));
    await rawExchange(`POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nVerification-Token: ${TOKEN}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 40)}`, { thenDestroy: true });
    expect(await db.redis.exists(globalKeys.webhookSeen(uuid))).toBe(0);
    expect((await post(body, { 'Verification-Token': TOKEN })).status).toBe(200);
    expect(await db.redis.llen(globalKeys.parkedEvents(telephonySessionId))).toBe(1);
  });

  it('routes a mapped session’s event to its job, parks an unmapped one, and drops a duplicate with 200', async () => {
    const mapped = ids();
    const jobId = `job-${mapped.uuid}`;
    track(mapped.uuid, mapped.telephonySessionId);
    db.track(jobKeys(jobId).events);
    db.trackField(globalKeys.sessionMap, mapped.telephonySessionId);
    await db.redis.hset(globalKeys.sessionMap, mapped.telephonySessionId, `${jobId} call-1`);
    const body = JSON.stringify(notification({ ...mapped, code: 'Answered' }));
    expect((await post(body, { 'Verification-Token': TOKEN })).status).toBe(200);
    expect((await post(body, { 'Verification-Token': TOKEN })).status).toBe(200);
    const entries = parseJobStreamEntries(await db.redis.xrange(jobKeys(jobId).events, '-', '+'));
    expect(entries.map((entry) => entry.message)).toEqual([
      { kind: 'telephony', event: { uuid: mapped.uuid, telephonySessionId: mapped.telephonySessionId, sequence: 1, eventTime: expect.any(String), party: expect.objectContaining({ code: 'Answered' }) } },
    ]);

    const unmapped = ids();
    track(unmapped.uuid, unmapped.telephonySessionId);
    expect((await post(JSON.stringify(notification(unmapped)), { 'Verification-Token': TOKEN })).status).toBe(200);
    expect(await db.redis.llen(globalKeys.parkedEvents(unmapped.telephonySessionId))).toBe(1);
  });

  it('counts and times every webhook answer in the same metrics as the app route', async () => {
    const before = (await metrics.webhooks.get()).values.find((v) => v.labels.status === '401')?.value ?? 0;
    await post('{}', { 'Verification-Token': 'wrong' });
    const after = (await metrics.webhooks.get()).values.find((v) => v.labels.status === '401')?.value ?? 0;
    expect(after - before).toBe(1);
  });

  it('leaves every other request to the app: other methods, a query string, other paths', async () => {
    appRequests = [];
    await fetch(`${base}${WEBHOOK_PATH}`);
    await fetch(`${base}${WEBHOOK_PATH}?x=1`, { method: 'POST', body: '{}' });
    await fetch(`${base}/healthz`);
    expect(appRequests).toEqual([`GET ${WEBHOOK_PATH}`, `POST ${WEBHOOK_PATH}?x=1`, 'GET /healthz']);
  });
});
