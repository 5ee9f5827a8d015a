/**
 * Per-user API tokens for the JSON API: `hh_<id>_<secret>`, shown once at creation. Redis keeps the SHA-256 of
 * the secret (a 256-bit random value needs no slow hash), the owner, a name and a scope that caps the owner's
 * role: a "read" token of an admin can only read. Revoking deletes the record: the next request is refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { authKeys } from '../../store/redis-keys.ts';
import { sha256 } from './digest.ts';
import type { Role } from './roles.ts';

export const TOKEN_SCOPES = { read: 'viewer', operate: 'operator', admin: 'admin' } as const satisfies Record<string, Role>;
export type TokenScope = keyof typeof TOKEN_SCOPES;

export function isTokenScope(value: unknown): value is TokenScope {
  return typeof value === 'string' && Object.hasOwn(TOKEN_SCOPES, value);
}

export interface ApiTokenInfo {
  id: string;
  username: string;
  name: string;
  scope: TokenScope;
  createdAt: number;
}

const TOKEN = /^hh_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export class ApiTokenStore {
  constructor(private readonly redis: Redis) {}

  /** Creates a token; the returned `token` is the only time the secret exists outside the caller's hands. */
  async create(username: string, name: string, scope: TokenScope): Promise<{ token: string; info: ApiTokenInfo }> {
    const id = randomBytes(12).toString('base64url').replace(/[-_]/g, '0').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    const info: ApiTokenInfo = { id, username, name, scope, createdAt: Date.now() };
    await this.redis
      .multi()
      // The user's index first: on a Redis Cluster the keys commit one after the other (docs/resilience.md), and no
      // token may exist that "revoke all" cannot find.
      .sadd(authKeys.userTokens(username), id)
      .hset(authKeys.apiToken(id), 'username', username, 'name', name, 'scope', scope, 'createdAt', String(info.createdAt), 'secretDigest', sha256(secret))
      .exec();
    return { token: `hh_${id}_${secret}`, info };
  }

  /** The token's record when `token` is a live token, else undefined. */
  async verify(token: string): Promise<ApiTokenInfo | undefined> {
    const match = TOKEN.exec(token);
    if (!match?.[1] || !match[2]) return undefined;
    const record = await this.redis.hgetall(authKeys.apiToken(match[1]));
    if (!record.secretDigest || !record.username || !isTokenScope(record.scope)) return undefined;
    const given = Buffer.from(sha256(match[2]));
    const stored = Buffer.from(record.secretDigest);
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return undefined;
    return toInfo(match[1], record);
  }

  async list(username: string): Promise<ApiTokenInfo[]> {
    const ids = await this.redis.smembers(authKeys.userTokens(username));
    const records = await Promise.all(ids.map(async (id) => [id, await this.redis.hgetall(authKeys.apiToken(id))] as const));
    return records.flatMap(([id, record]) => {
      const info = toInfo(id, record);
      return info ? [info] : [];
    }).sort((a, b) => a.createdAt - b.createdAt);
  }

  async get(id: string): Promise<ApiTokenInfo | undefined> {
    if (!/^[A-Za-z0-9]{16}$/.test(id)) return undefined;
    return toInfo(id, await this.redis.hgetall(authKeys.apiToken(id)));
  }

  /** Revokes one token; false when there was no such token. */
  async revoke(id: string): Promise<boolean> {
    const info = await this.get(id);
    if (!info) return false;
    await this.redis.multi().del(authKeys.apiToken(id)).srem(authKeys.userTokens(info.username), id).exec();
    return true;
  }

  /** Revokes every token of the user; returns how many. */
  async revokeAll(username: string): Promise<number> {
    const ids = await this.redis.smembers(authKeys.userTokens(username));
    const tx = this.redis.multi();
    for (const id of ids) tx.del(authKeys.apiToken(id));
    tx.del(authKeys.userTokens(username));
    await tx.exec();
    return ids.length;
  }
}

function toInfo(id: string, record: Record<string, string>): ApiTokenInfo | undefined {
  if (!record.username || !isTokenScope(record.scope)) return undefined;
  return { id, username: record.username, name: record.name ?? '', scope: record.scope, createdAt: Number(record.createdAt) || 0 };
}
