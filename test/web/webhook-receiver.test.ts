/** POST /webhooks/ringcentral against real Redis: handshake, token check, limits, de-duplication and routing. */
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseJobStreamEntries } from '../../src/engine/job-stream.ts';
import type { TelephonyEvent } from '../../src/engine/telephony-event.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import { deliverInSteps } from '../../src/store/webhook-inbox.ts';
import { PARKED_EVENTS_TTL_SECONDS, WEBHOOK_PATH, webhookRoutes } from '../../src/web/webhook-receiver.ts';
import { capturingLogger, json, notification, notificationIds, runTag, silentLogger, testRedis } from './web-fixtures.ts';
import type { TestRedis } from './web-fixtures.ts';

const TOKEN = 'webhook-test-verification-token-3f9a';
const tag = runTag();
const ids = notificationIds(tag);

let db: TestRedis;
beforeAll(() => {
  db = testRedis();
});
afterAll(async () => {
  await db.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function post(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, body: string | undefined, headers: Record<string, string>) {
  return await app.request(WEBHOOK_PATH, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=UTF-8', ...headers }, ...(body === undefined ? {} : { body }) });
}

/** Tracks every key a notification for these ids could create. */
function track(uuid: string, telephonySessionId: string, jobId?: string) {
  db.track(globalKeys.webhookSeen(uuid), globalKeys.parkedEvents(telephonySessionId));
  if (jobId) {
    db.track(jobKeys(jobId).events);
    db.trackField(globalKeys.sessionMap, telephonySessionId);
  }
}

async function mapSession(telephonySessionId: string, jobId: string, callId: string) {
  track('-', telephonySessionId, jobId);
  await db.redis.hset(globalKeys.sessionMap, telephonySessionId, `${jobId} ${callId}`);
}

async function nothingStored(uuid: string, telephonySessionId: string) {
  expect(await db.redis.exists(globalKeys.webhookSeen(uuid), globalKeys.parkedEvents(telephonySessionId))).toBe(0);
}

async function streamEntries(jobId: string) {
  return parseJobStreamEntries((await db.redis.xrange(jobKeys(jobId).events, '-', '+')));
}

describe('the Validation-Token handshake', () => {
  it('echoes the token with Content-Type application/json and an empty body, without a verification token', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const response = await post(app, undefined, { 'Validation-Token': 'd5b4c8e2-5a7e-4c1f-9a53-0f3c3b1e9d11' });
    expect(response.status).toBe(200);
    expect(response.headers.get('validation-token')).toBe('d5b4c8e2-5a7e-4c1f-9a53-0f3c3b1e9d11');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('');
  });

  it('keeps the whole reply, as read off the wire, under 1024 bytes', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    let server: ReturnType<typeof serve> | undefined;
    const address = await new Promise<AddressInfo>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
    });
    try {
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(address.port, '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.on('error', reject);
        const token = 'a'.repeat(36);
        socket.write(
          `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nValidation-Token: ${token}\r\nContent-Type: application/json\r\n` +
            `User-Agent: RingCentral-Webhook/8.3\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        );
      });
      expect(raw.startsWith('HTTP/1.1 200')).toBe(true);
      expect(raw.toLowerCase()).toContain(`validation-token: ${'a'.repeat(36)}`);
      expect(Buffer.byteLength(raw, 'latin1')).toBeLessThan(1024);
    } finally {
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    }
  });

  it('refuses an absurdly long Validation-Token rather than growing the reply', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const response = await post(app, '', { 'Validation-Token': 'x'.repeat(2000) });
    expect(response.status).toBe(400);
    expect(response.headers.get('validation-token')).toBeNull();
  });
});

describe('verification', () => {
  it('refuses a wrong or missing token with 401 and stores nothing', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const variants: Record<string, string>[] = [{}, { 'Verification-Token': 'wrong' }, { 'Verification-Token': `${TOKEN}x` }, { 'Validation-Token': 'wrong' }, { 'Verification-Token': '' }];
    for (const headers of variants) {
      const { uuid, telephonySessionId } = ids();
      track(uuid, telephonySessionId);
      const response = await post(app, JSON.stringify(notification({ uuid, telephonySessionId })), headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(await json(response)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      await nothingStored(uuid, telephonySessionId);
    }
  });

  it('accepts the token in Verification-Token and in Validation-Token (RingCentral documents both names)', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    for (const header of ['Verification-Token', 'Validation-Token', 'verification-token']) {
      const { uuid, telephonySessionId } = ids();
      track(uuid, telephonySessionId);
      const response = await post(app, JSON.stringify(notification({ uuid, telephonySessionId })), { [header]: TOKEN });
      expect(response.status, header).toBe(200);
      expect(await db.redis.llen(globalKeys.parkedEvents(telephonySessionId))).toBe(1);
    }
  });

  it('prefers Verification-Token when both headers come', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    const body = JSON.stringify(notification({ uuid, telephonySessionId }));
    expect((await post(app, body, { 'Verification-Token': 'wrong', 'Validation-Token': TOKEN })).status).toBe(401);
    expect((await post(app, body, { 'Verification-Token': TOKEN, 'Validation-Token': 'anything' })).status).toBe(200);
  });

  it('never logs the token', async () => {
    const { log, lines } = capturingLogger('trace');
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log });
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    await post(app, JSON.stringify(notification({ uuid, telephonySessionId })), { 'Verification-Token': TOKEN });
    await post(app, JSON.stringify(notification({ uuid, telephonySessionId })), { 'Verification-Token': `${TOKEN}-wrong` });
    await post(app, '{', { 'Verification-Token': TOKEN });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it('refuses to start without a token', () => {
    expect(() => webhookRoutes({ redis: db.redis, verificationToken: '', log: silentLogger })).toThrow(/verification token/);
  });
});

describe('bad bodies', () => {
  it('answers 413 above the body limit (default 64 KB) and stores nothing', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    const big = { ...notification({ uuid, telephonySessionId }), padding: 'x'.repeat(65 * 1024) };
    const response = await post(app, JSON.stringify(big), { 'Verification-Token': TOKEN });
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe('payload_too_large');
    await nothingStored(uuid, telephonySessionId);
    // A body just under the limit is fine.
    const fits = { ...notification({ uuid, telephonySessionId }), padding: 'x'.repeat(60 * 1024) };
    expect((await post(app, JSON.stringify(fits), { 'Verification-Token': TOKEN })).status).toBe(200);
  });

  it('honours a configured limit, also when Content-Length announces it', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger, maxBodyBytes: 1024 });
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    const body = JSON.stringify({ ...notification({ uuid, telephonySessionId }), padding: 'x'.repeat(2048) });
    const response = await post(app, body, { 'Verification-Token': TOKEN, 'Content-Length': String(Buffer.byteLength(body)) });
    expect(response.status).toBe(413);
    await nothingStored(uuid, telephonySessionId);
  });

  it('answers 400 when the client aborts mid-body, with or without Content-Length', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    for (const headers of [{}, { 'Content-Length': '500' }] as Record<string, string>[]) {
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return controller.error(new Error('client went away'));
          sent = true;
          controller.enqueue(new TextEncoder().encode('{"uuid": "1'));
        },
      });
      const response = await app.request(WEBHOOK_PATH, { method: 'POST', headers: { 'Verification-Token': TOKEN, ...headers }, body, duplex: 'half' });
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe('unreadable_body');
    }
  });

  it('answers 400 to malformed JSON and to JSON that is not a telephony-session notification', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    const valid = notification({ uuid, telephonySessionId });
    const bad: [string, string][] = [
      ['{"uuid": ', 'malformed_json'],
      ['', 'malformed_json'],
      ['null', 'invalid_notification'],
      ['[]', 'invalid_notification'],
      [JSON.stringify({ ...valid, uuid: 12 }), 'invalid_notification'],
      [JSON.stringify({ ...valid, uuid: 'a b' }), 'invalid_notification'],
      [JSON.stringify({ ...valid, body: { ...valid.body, sequence: 'one' } }), 'invalid_notification'],
      [JSON.stringify({ ...valid, body: { ...valid.body, telephonySessionId: '' } }), 'invalid_notification'],
      [JSON.stringify({ ...valid, body: { ...valid.body, parties: [{ id: 'p', direction: 'Sideways', status: { code: 'Setup' } }] } }), 'invalid_notification'],
      [JSON.stringify({ ...valid, body: { ...valid.body, parties: [{ id: 'p', direction: 'Inbound' }] } }), 'invalid_notification'],
    ];
    for (const [body, code] of bad) {
      const response = await post(app, body, { 'Verification-Token': TOKEN });
      expect(response.status, body.slice(0, 80)).toBe(400);
      expect((await json(response)).error.code).toBe(code);
    }
    await nothingStored(uuid, telephonySessionId);
  });
});

describe('routing', () => {
  it('appends a mapped session’s event to the job stream, parseable by parseJobStreamEntries', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    const jobId = `job-${uuid}`;
    track(uuid, telephonySessionId, jobId);
    await mapSession(telephonySessionId, jobId, 'call-7');
    const body = notification({ uuid, telephonySessionId, sequence: 4, code: 'Answered', extensionId: '400111222444', partyId: 'p-1', direction: 'Outbound' });
    const response = await post(app, JSON.stringify(body), { 'Verification-Token': TOKEN });
    expect(response.status).toBe(200);
    const entries = await streamEntries(jobId);
    const expected: TelephonyEvent = {
      uuid,
      telephonySessionId,
      sequence: 4,
      eventTime: '2026-03-03T15:01:12.663Z',
      party: { id: 'p-1', code: 'Answered', extensionId: '400111222444', direction: 'Outbound' },
    };
    expect(entries).toEqual([{ id: expect.any(String), message: { kind: 'telephony', event: expected } }]);
    expect(await db.redis.exists(globalKeys.parkedEvents(telephonySessionId))).toBe(0);
  });

  it('keeps the status reason', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    await post(app, JSON.stringify(notification({ uuid, telephonySessionId, code: 'Disconnected', reason: 'BlindTransfer' })), { 'Verification-Token': TOKEN });
    const [parked] = await db.redis.lrange(globalKeys.parkedEvents(telephonySessionId), 0, -1);
    expect(JSON.parse(parked!).party).toMatchObject({ code: 'Disconnected', reason: 'BlindTransfer' });
  });

  it('drops a duplicate uuid: one stream entry, and the duplicate still gets 200', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    const jobId = `job-${uuid}`;
    track(uuid, telephonySessionId, jobId);
    await mapSession(telephonySessionId, jobId, 'call-1');
    const body = JSON.stringify(notification({ uuid, telephonySessionId }));
    const statuses = await Promise.all([1, 2, 3].map(() => post(app, body, { 'Verification-Token': TOKEN }).then((r) => r.status)));
    expect(statuses).toEqual([200, 200, 200]);
    expect(await streamEntries(jobId)).toHaveLength(1);
    expect(await db.redis.ttl(globalKeys.webhookSeen(uuid))).toBeGreaterThan(86_000);
  });

  it('parks an unmapped session’s events in order with a 300 s TTL', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { telephonySessionId } = ids();
    const uuids = [`${tag}p1`, `${tag}p2`];
    uuids.forEach((uuid) => track(uuid, telephonySessionId));
    for (const [index, uuid] of uuids.entries()) {
      const response = await post(app, JSON.stringify(notification({ uuid, telephonySessionId, sequence: index + 1, code: index === 0 ? 'Setup' : 'Proceeding' })), {
        'Verification-Token': TOKEN,
      });
      expect(response.status).toBe(200);
    }
    const parked = (await db.redis.lrange(globalKeys.parkedEvents(telephonySessionId), 0, -1)).map((raw) => JSON.parse(raw) as TelephonyEvent);
    expect(parked.map((event) => [event.uuid, event.sequence, event.party.code])).toEqual([
      [uuids[0], 1, 'Setup'],
      [uuids[1], 2, 'Proceeding'],
    ]);
    const ttl = await db.redis.ttl(globalKeys.parkedEvents(telephonySessionId));
    expect(ttl).toBeGreaterThan(PARKED_EVENTS_TTL_SECONDS - 10);
    expect(ttl).toBeLessThanOrEqual(PARKED_EVENTS_TTL_SECONDS);
  });

  it('routes every party of a notification that carries several, each with its own event uuid', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    const jobId = `job-${uuid}`;
    track(uuid, telephonySessionId, jobId);
    await mapSession(telephonySessionId, jobId, 'call-1');
    const body = notification({ uuid, telephonySessionId, partyId: 'p-1' });
    const second = { ...body.body.parties[0]!, id: 'p-2', direction: 'Inbound', status: { code: 'Answered', rcc: false } };
    body.body.parties.push(second as (typeof body.body.parties)[number]);
    expect((await post(app, JSON.stringify(body), { 'Verification-Token': TOKEN })).status).toBe(200);
    const events = (await streamEntries(jobId)).map((entry) => (entry.message.kind === 'telephony' ? entry.message.event : undefined));
    expect(events.map((event) => [event?.uuid, event?.party.id, event?.party.code])).toEqual([
      [`${uuid}#0`, 'p-1', 'Proceeding'],
      [`${uuid}#1`, 'p-2', 'Answered'],
    ]);
  });

  it('accepts a notification without parties (nothing to route) once', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    const body = notification({ uuid, telephonySessionId });
    body.body.parties = [];
    expect((await post(app, JSON.stringify(body), { 'Verification-Token': TOKEN })).status).toBe(200);
    expect(await db.redis.exists(globalKeys.parkedEvents(telephonySessionId))).toBe(0);
  });

  it('delivers a parked event itself when the session gets mapped between its look-up and the park (the steps a Redis Cluster takes)', async () => {
    // On one Redis the look-up and the park are one script, so nothing can come between them; on a cluster they
    // are separate steps, and this is the race they must survive.
    const { uuid, telephonySessionId } = ids();
    const jobId = `job-${uuid}`;
    track(uuid, telephonySessionId, jobId);
    // The engine maps the session right after the receiver's first look-up said "unmapped".
    const realHget = db.redis.hget.bind(db.redis);
    vi.spyOn(db.redis, 'hget').mockImplementationOnce(async (key, field) => {
      const before = await realHget(key, field);
      await mapSession(telephonySessionId, jobId, 'call-3');
      return before;
    });
    const event: TelephonyEvent = { uuid, telephonySessionId, sequence: 1, eventTime: new Date().toISOString(), party: { id: 'p-1', code: 'Proceeding', direction: 'Outbound' } };
    expect(await deliverInSteps(db.redis, uuid, telephonySessionId, [event])).toBe('job');
    expect(await streamEntries(jobId)).toHaveLength(1);
    expect(await db.redis.exists(globalKeys.parkedEvents(telephonySessionId))).toBe(0);
  });

  it('routes an event to the job once its session is mapped, after earlier ones were parked', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const first = ids();
    const { telephonySessionId } = first;
    const second = { uuid: `${first.uuid}-2`, telephonySessionId };
    const jobId = `job-${first.uuid}`;
    track(first.uuid, telephonySessionId, jobId);
    track(second.uuid, telephonySessionId);
    expect((await post(app, JSON.stringify(notification(first)), { 'Verification-Token': TOKEN })).status).toBe(200);
    await mapSession(telephonySessionId, jobId, 'call-4');
    expect((await post(app, JSON.stringify(notification(second)), { 'Verification-Token': TOKEN })).status).toBe(200);
    expect(await db.redis.llen(globalKeys.parkedEvents(telephonySessionId))).toBe(1);
    expect((await streamEntries(jobId)).map((entry) => (entry.message as { event: TelephonyEvent }).event.uuid)).toEqual([second.uuid]);
  });
});

describe('when Redis fails', () => {
  it('answers 503 and does not crash when Redis is unreachable', async () => {
    const dead = new Redis({ port: 1, host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    try {
      const app = webhookRoutes({ redis: dead, verificationToken: TOKEN, log: silentLogger });
      const { uuid, telephonySessionId } = ids();
      const response = await post(app, JSON.stringify(notification({ uuid, telephonySessionId })), { 'Verification-Token': TOKEN });
      expect(response.status).toBe(503);
      expect((await json(response)).error.code).toBe('unavailable');
    } finally {
      dead.disconnect();
    }
  });

  it('answers 503 when Redis does not answer in time', async () => {
    // A server that accepts the connection and never answers: a Redis stuck behind a long command or a bad link.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const stuck = new Redis({ port: (silent.address() as AddressInfo).port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
    stuck.on('error', () => undefined);
    try {
      const app = webhookRoutes({ redis: stuck, verificationToken: TOKEN, log: silentLogger, redisTimeoutMs: 50 });
      const { uuid, telephonySessionId } = ids();
      const response = await post(app, JSON.stringify(notification({ uuid, telephonySessionId })), { 'Verification-Token': TOKEN });
      expect(response.status).toBe(503);
    } finally {
      stuck.disconnect();
      silent.close();
    }
  });

  it('forgets the uuid after a failure, so a redelivery is processed', async () => {
    const app = webhookRoutes({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    const { uuid, telephonySessionId } = ids();
    track(uuid, telephonySessionId);
    // The park fails after the uuid was marked seen: its key holds a string, so RPUSH answers WRONGTYPE.
    await db.redis.set(globalKeys.parkedEvents(telephonySessionId), 'not a list');
    const body = JSON.stringify(notification({ uuid, telephonySessionId }));
    expect((await post(app, body, { 'Verification-Token': TOKEN })).status).toBe(503);
    await expect.poll(() => db.redis.exists(globalKeys.webhookSeen(uuid))).toBe(0);
    await db.redis.del(globalKeys.parkedEvents(telephonySessionId));
    expect((await post(app, body, { 'Verification-Token': TOKEN })).status).toBe(200);
    expect(await db.redis.llen(globalKeys.parkedEvents(telephonySessionId))).toBe(1);
  });
});
