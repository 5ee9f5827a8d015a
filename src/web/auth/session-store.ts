/**
 * Dashboard sessions in Redis. The browser holds a random 256-bit id (in a signed cookie); Redis holds only its
 * SHA-256, so a copy of Redis gives nobody a usable session. A session ends after `idleMs` without a request
 * (the key's TTL, refreshed on use) or `absoluteMs` after login, whichever comes first; "log out everywhere"
 * deletes every session of the user. Each session carries its own CSRF token.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { authKeys } from '../../store/redis-keys.ts';
import { sha256 } from './digest.ts';

export interface SessionLimits {
  /** Ends after this long without a request. */
  idleMs: number;
  /** Ends this long after login, however active. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 60 * 60_000, absoluteMs: 12 * 60 * 60_000 };

export interface Session {
  /** The id the cookie carries (never stored). */
  id: string;
  username: string;
  csrfToken: string;
  createdAt: number;
}

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {}

  /** A fresh session with a fresh id: called at every login, so an id planted before login is worthless. */
  async create(username: string): Promise<Session> {
    const session: Session = { id: randomBytes(32).toString('base64url'), username, csrfToken: randomBytes(32).toString('base64url'), createdAt: Date.now() };
    const digest = sha256(session.id);
    const key = authKeys.session(digest);
    // The user's index first: on a Redis Cluster the two keys commit one after the other (docs/resilience.md), and
    // a session must never exist that "log out everywhere" cannot find.
    await this.redis
      .multi()
      .sadd(authKeys.userSessions(username), digest)
      .pexpire(authKeys.userSessions(username), this.limits.absoluteMs)
      .hset(key, 'username', username, 'csrfToken', session.csrfToken, 'createdAt', String(session.createdAt))
      .pexpire(key, this.ttl(session.createdAt))
      .exec();
    return session;
  }

  /** The live session with this id (its idle timer restarted), or undefined. */
  async touch(id: string): Promise<Session | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const key = authKeys.session(sha256(id));
    const record = await this.redis.hgetall(key);
    const createdAt = Number(record.createdAt);
    if (!record.username || !record.csrfToken || !Number.isFinite(createdAt)) return undefined;
    const ttl = this.ttl(createdAt);
    if (ttl <= 0) {
      await this.end(id);
      return undefined;
    }
    await this.redis.pexpire(key, ttl);
    return { id, username: record.username, csrfToken: record.csrfToken, createdAt };
  }

  async end(id: string): Promise<void> {
    const digest = sha256(id);
    const username = await this.redis.hget(authKeys.session(digest), 'username');
    const tx = this.redis.multi().del(authKeys.session(digest));
    if (username) tx.srem(authKeys.userSessions(username), digest);
    await tx.exec();
  }

  /** Ends every session of the user ("log out everywhere", password change, removal); returns how many. */
  async endAll(username: string): Promise<number> {
    const digests = await this.redis.smembers(authKeys.userSessions(username));
    // Sessions before their index (the same order on a cluster, where the keys commit one after the other).
    const tx = this.redis.multi();
    for (const digest of digests) tx.del(authKeys.session(digest));
    tx.del(authKeys.userSessions(username));
    const results = await tx.exec();
    return (results ?? []).slice(0, digests.length).reduce((n, [, deleted]) => n + (deleted === 1 ? 1 : 0), 0);
  }

  /** How many sessions of the user are alive now. */
  async count(username: string): Promise<number> {
    const digests = await this.redis.smembers(authKeys.userSessions(username));
    if (digests.length === 0) return 0;
    const alive = await Promise.all(digests.map((d) => this.redis.exists(authKeys.session(d))));
    const dead = digests.filter((_, i) => alive[i] === 0);
    if (dead.length > 0) await this.redis.srem(authKeys.userSessions(username), ...dead);
    return digests.length - dead.length;
  }

  private ttl(createdAt: number): number {
    return Math.min(this.limits.idleMs, createdAt + this.limits.absoluteMs - Date.now());
  }
}
