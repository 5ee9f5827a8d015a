/**
 * Per-route middleware: counts the request against the caller's (user, app) budget for the route's group, sets
 * the X-Rate-Limit-* headers, applies injected API faults, and refuses with 429 CMN-301 when over budget.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { SimEnv } from '../sim-env.ts';
import { RcError } from '../rc-error.ts';
import { rateLimitHeaders } from './rate-limit-headers.ts';
import type { ThrottlingGroup } from './rate-limiter.ts';

/**
 * `subjectOf` names the (user, app) pair of a request that carries no access token (the token endpoints read it
 * from the grant); without it, or when it cannot tell, the request counts against the app as a whole.
 */
export function throttle(group: ThrottlingGroup, subjectOf?: (c: Context<SimEnv>) => Promise<string | undefined>): MiddlewareHandler<SimEnv> {
  return async (c, next) => {
    const sim = c.get('sim');
    const subject = group === 'Auth' ? ((await subjectOf?.(c)) ?? `app:${sim.options.clientId}`) : c.get('auth').rateSubject;
    const faults = sim.faults.current();
    const latency = sim.faults.delay(faults.apiLatencyMs);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

    const decision = sim.limiter.take(subject, group);
    const forced429 = decision.allowed && sim.faults.roll(faults.api429);
    const headers = rateLimitHeaders(
      forced429 ? { ...decision, allowed: false, remaining: 0, retryAfterSeconds: 60 } : decision,
    );
    if (!decision.allowed || forced429) {
      throw new RcError(429, 'CMN-301', 'Request rate exceeded', {}, undefined, headers);
    }
    if (sim.faults.roll(faults.api5xx)) {
      throw new RcError(503, 'CMN-201', 'Service Temporary Unavailable', {}, undefined, headers);
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
