/**
 * What `POST /webhooks/ringcentral` does with a request, apart from any HTTP framework: answer the Validation-Token
 * handshake, verify the token in constant time, check the shape, and deliver the events to Redis
 * (src/store/webhook-inbox.ts) before answering 200. Two adapters serve it: the Hono route in the app
 * (webhook-receiver.ts) and the plain node:http listener that `serve` puts in front of the app for this one hot
 * path (webhook-listener.ts), so both answer the same requests the same way.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { deliverNotification } from '../store/webhook-inbox.ts';
import { secretMatcher } from './api-auth.ts';
import { apiErrorBody } from './api-errors.ts';
import { DeadlineWatch } from './deadline-watch.ts';
import type { ApiErrorBody } from './api-errors.ts';
import { telephonyEvents, telephonySessionNotificationSchema } from './webhook-payload.ts';

export const WEBHOOK_PATH = '/webhooks/ringcentral';
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024;
/** RingCentral waits 3000 ms for an answer; give up on Redis well before that. */
export const WEBHOOK_REDIS_TIMEOUT_MS = 2_000;
/** The handshake reply must stay under 1024 bytes; RingCentral's tokens are UUIDs. */
const MAX_VALIDATION_TOKEN_LENGTH = 256;
/** The handshake's `Validation-Token`, echoed back in a header: non-empty and bounded. */
const validationTokenHeader = z.string().min(1).max(MAX_VALIDATION_TOKEN_LENGTH);

export interface WebhookDeps {
  redis: Redis;
  verificationToken: string;
  log: Logger;
  maxBodyBytes?: number;
  redisTimeoutMs?: number;
}

/** 200 with `validationToken`: the handshake, which echoes it in a header (and says Content-Type application/json). */
export type WebhookReply = { status: 200; validationToken?: string } | { status: 400 | 401 | 413 | 503; body: ApiErrorBody };

/** Request headers by lower-case name, as node:http gives them (Hono gives the same record when asked for all). */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Admitted before the body was read: with the Verification-Token already checked, or still to check. */
export interface WebhookAdmission {
  readonly verified: boolean;
}
const VERIFIED: WebhookAdmission = Object.freeze({ verified: true });
const UNVERIFIED: WebhookAdmission = Object.freeze({ verified: false });

export const isWebhookReply = (outcome: WebhookReply | WebhookAdmission): outcome is WebhookReply => 'status' in outcome;

/**
 * One intake per server, shared by every request. No closure is made per request: this runs 2,000 times a second,
 * and under tsx every named closure also costs a `__name` property definition.
 */
export interface WebhookIntake {
  readonly maxBodyBytes: number;
  /**
   * Before the body is read: a refusal (a request without Validation-Token cannot be the handshake, so its token
   * must match), or the admission to pass to `receive` once the body has been read within `maxBodyBytes`.
   */
  begin(headers: WebhookHeaders): WebhookReply | WebhookAdmission;
  receive(text: string, headers: WebhookHeaders, admission: WebhookAdmission): Promise<WebhookReply>;
  tooLarge(): WebhookReply;
  unreadable(error: unknown): WebhookReply;
}

/** A header's value; node joins repeated headers with ', ' except a few it keeps as arrays. */
function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function webhookIntake(deps: WebhookDeps): WebhookIntake {
  const { redis, log } = deps;
  if (deps.verificationToken === '') throw new Error('webhookIntake needs a non-empty verification token');
  const maxBodyBytes = deps.maxBodyBytes ?? WEBHOOK_MAX_BODY_BYTES;
  const redisDeadline = new DeadlineWatch(deps.redisTimeoutMs ?? WEBHOOK_REDIS_TIMEOUT_MS);
  // Constant time whatever the length; the expected token is hashed once, not per notification.
  const matchesToken = secretMatcher(deps.verificationToken);
  const tokenMatches = (token: string | undefined) => token !== undefined && matchesToken(token);
  const fail = (status: 400 | 401 | 413 | 503, code: string, message: string): WebhookReply => ({ status, body: apiErrorBody(code, message) });
  const unauthorized = () => fail(401, 'unauthorized', 'Verification token missing or wrong.');

  return {
    maxBodyBytes,
    begin(headers) {
      if (headerValue(headers, 'validation-token') !== undefined) return UNVERIFIED;
      const token = headerValue(headers, 'verification-token');
      if (tokenMatches(token)) return VERIFIED;
      log.warn({ reason: token === undefined ? 'missing' : 'mismatch' }, 'webhook refused: verification token');
      return unauthorized();
    },
    tooLarge() {
      log.warn({ maxBodyBytes }, 'webhook refused: body too large');
      return fail(413, 'payload_too_large', `Body exceeds ${maxBodyBytes} bytes.`);
    },
    unreadable(error) {
      log.warn({ err: error }, 'webhook refused: body could not be read');
      return fail(400, 'unreadable_body', 'Body could not be read.');
    },
    receive,
  };

  async function receive(text: string, headers: WebhookHeaders, admission: WebhookAdmission): Promise<WebhookReply> {
    const validationToken = headerValue(headers, 'validation-token');
    if (validationToken !== undefined && text.trim() === '') return handshake(validationToken);

    // A request with Validation-Token had to be read first to tell the handshake from a notification: check it now.
    if (!admission.verified && !tokenMatches(headerValue(headers, 'verification-token') ?? validationToken)) {
      log.warn('webhook refused: verification token');
      return unauthorized();
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      log.warn({ bytes: text.length }, 'webhook refused: malformed JSON');
      return fail(400, 'malformed_json', 'Body is not valid JSON.');
    }
    const parsed = telephonySessionNotificationSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      log.warn({ problems }, 'webhook refused: not a telephony-session notification');
      return fail(400, 'invalid_notification', 'Body is not a telephony-session notification.');
    }

    const { uuid, body } = parsed.data;
    try {
      const routed = await redisDeadline.watch(deliverNotification(redis, uuid, body.telephonySessionId, telephonyEvents(parsed.data)), 'Redis did not answer');
      if (log.isLevelEnabled('debug')) log.debug({ uuid, telephonySessionId: body.telephonySessionId, sequence: body.sequence, routed }, 'webhook accepted');
      return { status: 200 };
    } catch (error) {
      log.error({ err: error, uuid, telephonySessionId: body.telephonySessionId }, 'webhook not stored: Redis failed');
      return fail(503, 'unavailable', 'Could not store the notification; try again.');
    }
  }

  function handshake(token: string): WebhookReply {
    if (!validationTokenHeader.safeParse(token).success) {
      log.warn({ length: token.length }, 'webhook handshake refused: Validation-Token length');
      return fail(400, 'invalid_validation_token', 'Validation-Token is empty or too long.');
    }
    log.info('webhook subscription handshake answered');
    return { status: 200, validationToken: token };
  }
}
