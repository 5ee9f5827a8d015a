/**
 * Bearer-token authentication of the JSON API. Today one bootstrap token (`API_TOKEN`) stands for every caller;
 * users, roles and per-user tokens arrive later, and this middleware stays the single place that decides who is
 * calling (it sets `principal` for the handlers).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { apiErrorBody } from './api-errors.ts';

/** What the handlers behind `apiAuth` may read with `c.get('principal')`. */
export interface ApiVariables {
  /** Who is calling, recorded as `by` on jobs and commands. */
  principal: string;
}

export const API_TOKEN_PRINCIPAL = 'api-token';

/**
 * Constant-time string comparison: both sides are hashed first, so neither the content nor the length of the
 * secret leaks through timing.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export function apiAuth(token: string | undefined): MiddlewareHandler<{ Variables: ApiVariables }> {
  const configured = token === undefined || token === '' ? undefined : token;
  return async (c, next) => {
    const unauthorized = (message: string) =>
      c.json(apiErrorBody('unauthorized', message), 401, { 'WWW-Authenticate': 'Bearer realm="hold-hunter"' });
    if (configured === undefined) return unauthorized('The JSON API is disabled: API_TOKEN is not set on the server.');
    const header = c.req.header('authorization');
    if (header === undefined) return unauthorized('Missing Authorization header: send "Authorization: Bearer <API_TOKEN>".');
    const match = BEARER.exec(header);
    if (!match?.[1] || !secretsEqual(match[1], configured)) return unauthorized('Invalid bearer token.');
    c.set('principal', API_TOKEN_PRINCIPAL);
    await next();
  };
}
