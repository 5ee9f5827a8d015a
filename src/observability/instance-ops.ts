/**
 * What `/readyz` checks and `/metrics` shows for one `serve` instance: Redis answers, every RingCentral user is
 * logged in, the webhook subscription is Active, the engine threads' BullMQ workers take work, and the instance
 * is not shutting down. Metrics join the web thread's registry with each engine thread's.
 */
import type { Redis } from 'ioredis';
import { globalKeys } from '../store/redis-keys.ts';
import { RINGCENTRAL_DEFAULT_POLICY, THROTTLE_GROUPS } from '../telephony/rate-budget-policy.ts';
import type { RateBudgetPolicy } from '../telephony/rate-budget-policy.ts';
import type { EngineThread } from '../engine/engine-thread.ts';
import type { AuthHealth } from '../telephony/ringcentral-account.ts';
import { aggregateMetrics, metrics } from './metrics.ts';
import { checkReadiness } from './readiness.ts';
import type { ReadinessCheck, ReadinessReport } from './readiness.ts';

export interface InstanceOpsDeps {
  redis: Redis;
  /** The RingCentral users' login state (RingCentralAccount.authHealth). */
  authHealth: () => AuthHealth;
  /** The webhook subscription keeper's last check (undefined until the server listens). */
  subscription: () => { ok: boolean; error?: string } | undefined;
  engine: Pick<EngineThread, 'report'>;
  /** True once SIGTERM arrived: the instance finishes what it holds and takes nothing new. */
  draining: () => boolean;
  /** Rate-budget credentials (one per RingCentral user) whose headroom `/metrics` shows. */
  budgetCredentials: string[];
  budgetPolicy?: RateBudgetPolicy;
}

export function instanceOps(deps: InstanceOpsDeps): { readiness: () => Promise<ReadinessReport>; metrics: () => Promise<{ contentType: string; body: string }> } {
  const checks: ReadinessCheck[] = [
    { name: 'redis', run: () => pingRedis(deps.redis) },
    {
      name: 'ringcentral',
      // The web thread's logins (subscription, directory) and each engine thread's (dials, hand-offs).
      run: async () => {
        const threads = await deps.engine.report().catch(() => []);
        const failing = [deps.authHealth(), ...threads.map((t) => t.auth ?? { ok: true })].filter((h) => !h.ok);
        metrics.ringCentralAuthOk.set(failing.length === 0 ? 1 : 0);
        return failing.length === 0 ? undefined : `RingCentral login failing: ${failing.map((h) => h.error ?? 'unknown').join('; ')}`;
      },
    },
    {
      name: 'subscription',
      run: () => {
        const health = deps.subscription();
        if (!health) return Promise.resolve('not checked yet');
        return Promise.resolve(health.ok ? undefined : (health.error ?? 'not active'));
      },
    },
    {
      name: 'workers',
      run: async () => {
        const reports = await deps.engine.report();
        const stopped = reports.flatMap((r, i) => Object.entries(r.workers).filter(([, running]) => !running).map(([name]) => `${name} (thread ${i + 1})`));
        if (reports.every((r) => Object.keys(r.workers).length === 0)) return 'no engine workers';
        return stopped.length ? `not running: ${stopped.join(', ')}` : undefined;
      },
    },
    { name: 'accepting', run: () => Promise.resolve(deps.draining() ? 'shutting down: hunts are handed to other instances' : undefined) },
  ];
  const policy = deps.budgetPolicy ?? RINGCENTRAL_DEFAULT_POLICY;
  return {
    readiness: () => checkReadiness(checks),
    metrics: async () => {
      await Promise.all([pingRedis(deps.redis).catch(() => undefined), budgetLeft(deps.redis, deps.budgetCredentials, policy).catch(() => undefined)]);
      metrics.ringCentralAuthOk.set(deps.authHealth().ok ? 1 : 0);
      // An engine thread that does not answer is missing from this scrape rather than failing it.
      const threads = await deps.engine.report().catch(() => []);
      return aggregateMetrics(threads.map((t) => t.metrics));
    },
  };
}

async function pingRedis(redis: Redis): Promise<void> {
  const started = performance.now();
  try {
    await redis.ping();
    metrics.redisUp.set(1);
    metrics.redisLatency.observe((performance.now() - started) / 1000);
  } catch (error) {
    metrics.redisUp.set(0);
    throw error;
  }
}

/** Requests left per credential and group in the shared sliding window (0 while a 429 penalty lasts). */
async function budgetLeft(redis: Redis, credentials: string[], policy: RateBudgetPolicy): Promise<void> {
  const now = Date.now();
  const pipeline = redis.pipeline();
  for (const credential of credentials) {
    pipeline.pttl(globalKeys.budgetBlock(credential));
    for (const group of THROTTLE_GROUPS) pipeline.zcount(globalKeys.budget(credential, group), now - policy.windowMs, '+inf');
  }
  const replies = (await pipeline.exec()) ?? [];
  let i = 0;
  for (const credential of credentials) {
    const blocked = Number(replies[i++]?.[1] ?? 0) > 0;
    for (const group of THROTTLE_GROUPS) {
      const used = Number(replies[i++]?.[1] ?? 0);
      metrics.rateBudgetLeft.set({ credential, group }, blocked ? 0 : Math.max(0, policy.limits[group] - used));
    }
  }
}
