import type { RateDecision } from './rate-limiter.ts';

/** The X-Rate-Limit-* headers RingCentral puts on every API reply. */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Rate-Limit-Group': decision.group.toLowerCase(),
    'X-Rate-Limit-Limit': String(decision.limit),
    'X-Rate-Limit-Remaining': String(decision.remaining),
    'X-Rate-Limit-Window': String(decision.windowSeconds),
  };
  if (decision.retryAfterSeconds !== undefined) headers['Retry-After'] = String(decision.retryAfterSeconds);
  return headers;
}
