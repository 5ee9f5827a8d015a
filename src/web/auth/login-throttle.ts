/**
 * Login brute-force protection in Redis, per account and per client address: each failed password counts in a
 * window; past the threshold the account (or address) is locked for a while, and while locked even the right
 * password is refused without being checked. A success clears the account's count. Locks are temporary so an
 * attacker can delay a user but never lock them out for good (docs/security.md).
 */
import type { Redis } from 'ioredis';
import { authKeys } from '../../store/redis-keys.ts';

export interface ThrottleRules {
  /** Failures of one account within `windowMs` that lock it. */
  accountFailures: number;
  /** Failures from one address within `windowMs` that lock it (higher: offices share addresses). */
  ipFailures: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE: ThrottleRules = { accountFailures: 5, ipFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    readonly rules: ThrottleRules = DEFAULT_THROTTLE,
  ) {}

  /** Seconds until the account or the address may try again; 0 when neither is locked (no address: account only). */
  async lockedFor(username: string, ip: string | undefined): Promise<number> {
    const [account, address] = await Promise.all([this.redis.pttl(authKeys.loginLock('account', username)), ip ? this.redis.pttl(authKeys.loginLock('ip', ip)) : -2]);
    return Math.ceil(Math.max(account, address, 0) / 1000);
  }

  /** Counts a failure; returns true when it locked the account or the address. */
  async failed(username: string, ip: string | undefined): Promise<boolean> {
    const [accountCount, ipCount] = await Promise.all([this.count('account', username), ip ? this.count('ip', ip) : 0]);
    let locked = false;
    if (accountCount >= this.rules.accountFailures) locked = (await this.lock('account', username)) || locked;
    if (ip && ipCount >= this.rules.ipFailures) locked = (await this.lock('ip', ip)) || locked;
    return locked;
  }

  async succeeded(username: string): Promise<void> {
    await this.redis.del(authKeys.loginFailures('account', username));
  }

  /** An admin lifts a lock (e.g. after a user's typos). */
  async unlock(username: string): Promise<void> {
    await this.redis.del(authKeys.loginLock('account', username), authKeys.loginFailures('account', username));
  }

  private async count(kind: 'account' | 'ip', id: string): Promise<number> {
    const key = authKeys.loginFailures(kind, id);
    const results = await this.redis.multi().incr(key).pexpire(key, this.rules.windowMs, 'NX').exec();
    return Number(results?.[0]?.[1] ?? 0);
  }

  private async lock(kind: 'account' | 'ip', id: string): Promise<boolean> {
    const set = await this.redis.set(authKeys.loginLock(kind, id), '1', 'PX', this.rules.lockMs, 'NX');
    await this.redis.del(authKeys.loginFailures(kind, id));
    return set === 'OK';
  }
}
