/**
 * The JSON API's view of who is calling. Authentication itself happens once for every route in the auth gate
 * (src/web/auth/auth-gate.ts: bearer API tokens, the bootstrap API_TOKEN, session cookies); this module keeps the
 * variables the API handlers read and the constant-time comparison the gate and the webhook share.
 */
import { hash, timingSafeEqual } from 'node:crypto';

/** What the handlers behind the gate may read with `c.get('principal')`. */
export interface ApiVariables {
  /** Who is calling (a username, or `api-token` for the bootstrap API_TOKEN), recorded as `by` on jobs and commands. */
  principal: string;
}

export const API_TOKEN_PRINCIPAL = 'api-token';

/**
 * Constant-time string comparison: both sides are hashed first, so neither the content nor the length of the
 * secret leaks through timing.
 */
export function secretsEqual(given: string, expected: string): boolean {
  return secretMatcher(expected)(given);
}

/** `secretsEqual` against one fixed secret, hashed once (the webhook checks thousands of tokens a second). */
export function secretMatcher(expected: string): (given: string) => boolean {
  const digest = sha256Digest(expected);
  return (given) => timingSafeEqual(sha256Digest(given), digest);
}

/** The one-shot `hash` builds no Hash object: a third of createHash's cost, paid on every webhook. */
function sha256Digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
