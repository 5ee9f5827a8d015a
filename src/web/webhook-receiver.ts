/**
 * `POST /webhooks/ringcentral`: RingCentral's (or the simulator's) telephony-session notifications, on any
 * instance. It answers the Validation-Token handshake, verifies the token in constant time, checks the shape,
 * de-duplicates on `uuid`, and hands each party's event to the job that owns the session (its Redis stream) —
 * or parks it when the session is not mapped yet, because a call-out's first events can beat its reply. The reply
 * goes out after those few Redis commands; all real work happens on the job's owner.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { appendToJobStream } from '../engine/job-stream.ts';
import type { TelephonyEvent } from '../engine/telephony-event.ts';
import { globalKeys } from '../store/redis-keys.ts';
import { firstSighting } from '../store/webhook-dedup.ts';
import { secretsEqual } from './api-auth.ts';
import { apiErrorBody } from './api-errors.ts';
import { telephonyEvents, telephonySessionNotificationSchema } from './webhook-payload.ts';

export const WEBHOOK_PATH = '/webhooks/ringcentral';
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024;
/** Parked events outlive any plausible gap between a call-out's first events and its reply. */
export const PARKED_EVENTS_TTL_SECONDS = 300;
/** RingCentral waits 3000 ms for an answer; give up on Redis well before that. */
export const WEBHOOK_REDIS_TIMEOUT_MS = 2_000;
/** The handshake reply must stay under 1024 bytes; RingCentral's tokens are UUIDs. */
const MAX_VALIDATION_TOKEN_LENGTH = 256;

export interface WebhookDeps {
  redis: Redis;
  verificationToken: string;
  log: Logger;
  maxBodyBytes?: number;
  redisTimeoutMs?: number;
}

type Routed = 'job' | 'parked' | 'duplicate' | 'empty';

export function webhookRoutes(deps: WebhookDeps): Hono {
  const { redis, log } = deps;
  if (deps.verificationToken === '') throw new Error('webhookRoutes needs a non-empty verification token');
  const maxBodyBytes = deps.maxBodyBytes ?? WEBHOOK_MAX_BODY_BYTES;
  const redisTimeoutMs = deps.redisTimeoutMs ?? WEBHOOK_REDIS_TIMEOUT_MS;
  const app = new Hono();

  const tokenMatches = (token: string | undefined) => token !== undefined && secretsEqual(token, deps.verificationToken);
  const fail = (c: Context, status: 400 | 401 | 413 | 503, code: string, message: string) => c.json(apiErrorBody(code, message), status);

  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => {
      log.warn({ maxBodyBytes }, 'webhook refused: body too large');
      return fail(c, 413, 'payload_too_large', `Body exceeds ${maxBodyBytes} bytes.`);
    },
  });

  app.post(
    WEBHOOK_PATH,
    // A request without Validation-Token cannot be the handshake: refuse a bad token before reading any body.
    async (c, next) => {
      if (c.req.header('validation-token') !== undefined) return next();
      if (!tokenMatches(c.req.header('verification-token'))) {
        log.warn({ reason: c.req.header('verification-token') === undefined ? 'missing' : 'mismatch' }, 'webhook refused: verification token');
        return fail(c, 401, 'unauthorized', 'Verification token missing or wrong.');
      }
      return next();
    },
    // The limit reads a body without Content-Length itself; a client that aborts mid-body gets a 400.
    async (c, next) => {
      try {
        return await limitBody(c, next);
      } catch (error) {
        log.warn({ err: error }, 'webhook refused: body could not be read');
        return fail(c, 400, 'unreadable_body', 'Body could not be read.');
      }
    },
    async (c) => {
      let text: string;
      try {
        text = await c.req.text();
      } catch (error) {
        log.warn({ err: error }, 'webhook refused: body could not be read');
        return fail(c, 400, 'unreadable_body', 'Body could not be read.');
      }
      const validationToken = c.req.header('validation-token');
      if (validationToken !== undefined && text.trim() === '') return handshake(c, validationToken);

      // Checked again (cheap) so the handshake-or-notification case, which had to read the body first, is covered.
      if (!tokenMatches(c.req.header('verification-token') ?? validationToken)) {
        log.warn('webhook refused: verification token');
        return fail(c, 401, 'unauthorized', 'Verification token missing or wrong.');
      }

      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        log.warn({ bytes: text.length }, 'webhook refused: malformed JSON');
        return fail(c, 400, 'malformed_json', 'Body is not valid JSON.');
      }
      const parsed = telephonySessionNotificationSchema.safeParse(json);
      if (!parsed.success) {
        const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        log.warn({ problems }, 'webhook refused: not a telephony-session notification');
        return fail(c, 400, 'invalid_notification', 'Body is not a telephony-session notification.');
      }

      const notification = parsed.data;
      const events = telephonyEvents(notification);
      try {
        const routed = await withTimeout(route(redis, notification.uuid, notification.body.telephonySessionId, events), redisTimeoutMs);
        log.debug(
          { uuid: notification.uuid, telephonySessionId: notification.body.telephonySessionId, sequence: notification.body.sequence, routed },
          'webhook accepted',
        );
        return c.body(null, 200);
      } catch (error) {
        log.error({ err: error, uuid: notification.uuid, telephonySessionId: notification.body.telephonySessionId }, 'webhook not stored: Redis failed');
        return fail(c, 503, 'unavailable', 'Could not store the notification; try again.');
      }
    },
  );

  // Nothing above should throw; if something does, answer in our shape and keep serving.
  app.onError((error, c) => {
    log.error({ err: error }, 'webhook handler failed');
    return c.json(apiErrorBody('internal', 'Internal error.'), 500);
  });

  return app;

  function handshake(c: Context, token: string): Response {
    if (token.length === 0 || token.length > MAX_VALIDATION_TOKEN_LENGTH) {
      log.warn({ length: token.length }, 'webhook handshake refused: Validation-Token length');
      return fail(c, 400, 'invalid_validation_token', 'Validation-Token is empty or too long.');
    }
    log.info('webhook subscription handshake answered');
    return c.body(null, 200, { 'Validation-Token': token, 'Content-Type': 'application/json' });
  }
}

/**
 * First sighting of the uuid only. Mapped session → the job's stream; unmapped → the session's parked list, which
 * the engine drains after it maps the session. If the mapping appears between our look-up and the park (checked
 * atomically with the push), whichever of us removes an entry from the list delivers it: exactly once, provided
 * the engine maps first and then takes the list atomically.
 */
async function route(redis: Redis, uuid: string, telephonySessionId: string, events: TelephonyEvent[]): Promise<Routed> {
  if (!(await firstSighting(redis, uuid))) return 'duplicate';
  try {
    if (events.length === 0) return 'empty';
    const mapped = parseMapping(await redis.hget(globalKeys.sessionMap, telephonySessionId));
    if (mapped) {
      await appendAll(redis, mapped.jobId, events);
      return 'job';
    }
    const parkedKey = globalKeys.parkedEvents(telephonySessionId);
    const payloads = events.map((event) => JSON.stringify(event));
    const results = await redis
      .multi()
      .rpush(parkedKey, ...payloads)
      .expire(parkedKey, PARKED_EVENTS_TTL_SECONDS)
      .hget(globalKeys.sessionMap, telephonySessionId)
      .exec();
    if (!results) throw new Error('parking transaction aborted');
    for (const [error] of results) if (error) throw error;
    const mappedNow = parseMapping(results[2]?.[1] as string | null | undefined);
    if (!mappedNow) return 'parked';
    // Mapped meanwhile: rescue what the engine's drain has not taken yet.
    const rescued: TelephonyEvent[] = [];
    for (const [index, payload] of payloads.entries()) {
      const event = events[index];
      if (event && (await redis.lrem(parkedKey, 1, payload)) === 1) rescued.push(event);
    }
    await appendAll(redis, mappedNow.jobId, rescued);
    return 'job';
  } catch (error) {
    // Forget the sighting so a redelivery of this uuid is processed rather than dropped as a duplicate.
    redis.del(globalKeys.webhookSeen(uuid)).catch(() => undefined);
    throw error;
  }
}

async function appendAll(redis: Redis, jobId: string, events: TelephonyEvent[]): Promise<void> {
  for (const event of events) await appendToJobStream(redis, jobId, { kind: 'telephony', event });
}

/** The session map holds "<jobId> <callId>". */
function parseMapping(value: string | null | undefined): { jobId: string; callId: string } | undefined {
  if (!value) return undefined;
  const space = value.indexOf(' ');
  if (space <= 0) return undefined;
  return { jobId: value.slice(0, space), callId: value.slice(space + 1) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
