/**
 * RateBudget shared by every instance through Redis: per (credential, throttle group) a sliding window of
 * request timestamps, checked and counted in one Lua script against the server clock; a 429 blocks the whole
 * credential for Retry-After. Priority headroom comes from rate-budget-policy.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScript } from '../store/lua-script.ts';
import { globalKeys } from '../store/redis-keys.ts';
import type { RateBudget } from './rate-budget.ts';
import { DEFAULT_PENALTY_MS, RINGCENTRAL_DEFAULT_POLICY, allowance, policyFor, validatePolicy } from './rate-budget-policy.ts';
import type { RateBudgetPolicyTable } from './rate-budget-policy.ts';
import type { RequestPriority, ThrottleGroup } from './telephony-port.ts';

const acquireScript = luaScript('rate-budget-acquire-2.lua');
const penalizeScript = luaScript('rate-budget-penalize-1.lua');

/** RingCentral's advice when a 429 carries no Retry-After. */

export interface RedisRateBudgetOptions {
  policies?: RateBudgetPolicyTable;
  /** acquire() re-checks at least this often, so a block lifted early or a freed slot is noticed. */
  maxSleepMs?: number;
  /** Up to this much random delay on top of each wait, so waiting instances do not retry in lockstep. */
  jitterMs?: number;
}

export type TryAcquireResult = { ok: true } | { ok: false; retryInMs: number };

export class RedisRateBudget implements RateBudget {
  private readonly policies: RateBudgetPolicyTable;
  private readonly maxSleepMs: number;
  private readonly jitterMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisRateBudgetOptions = {},
  ) {
    this.policies = options.policies ?? { defaults: RINGCENTRAL_DEFAULT_POLICY };
    validatePolicy(this.policies.defaults);
    this.maxSleepMs = options.maxSleepMs ?? 5_000;
    this.jitterMs = options.jitterMs ?? 50;
  }

  async tryAcquire(credential: string, group: ThrottleGroup, priority: RequestPriority): Promise<TryAcquireResult> {
    const policy = policyFor(this.policies, credential);
    const reply = await acquireScript.run(
      this.redis,
      [globalKeys.budget(credential, group), globalKeys.budgetBlock(credential)],
      [policy.windowMs, allowance(policy, group, priority), randomUUID()],
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new Error(`rate budget: unexpected script reply ${JSON.stringify(reply)}`);
    }
    return reply[0] === 1 ? { ok: true } : { ok: false, retryInMs: reply[1] };
  }

  async acquire(credential: string, group: ThrottleGroup, priority: RequestPriority, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const result = await this.tryAcquire(credential, group, priority);
      // Counted is counted: once the slot is taken we resolve even if the signal fired meanwhile.
      if (result.ok) return;
      const wait = Math.min(result.retryInMs, this.maxSleepMs) + Math.floor(Math.random() * (this.jitterMs + 1));
      await sleep(wait, signal);
    }
  }

  async penalize(credential: string, retryAfterMs: number = DEFAULT_PENALTY_MS): Promise<void> {
    const ms = Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? Math.ceil(retryAfterMs) : DEFAULT_PENALTY_MS;
    await penalizeScript.run(this.redis, [globalKeys.budgetBlock(credential)], [ms]);
  }
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
