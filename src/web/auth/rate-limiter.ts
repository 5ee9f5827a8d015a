/**
 * Fixed-window request limits counted in Redis, so they hold across every instance: one INCR per request, the
 * window's key expiring with the window.
 */
import type { Redis } from 'ioredis';
import { authKeys } from '../../store/redis-keys.ts';

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

export class RedisRateLimiter {
  constructor(private readonly redis: Redis) {}

  async hit(bucket: string, id: string, rule: RateLimit, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / rule.windowMs);
    const key = authKeys.rate(bucket, id, window);
    const results = await this.redis.multi().incr(key).pexpire(key, rule.windowMs, 'NX').exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * rule.windowMs - now) / 1000));
    return { allowed: count <= rule.limit, retryAfterSeconds };
  }
}
