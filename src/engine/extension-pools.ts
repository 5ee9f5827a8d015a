/**
 * Named pools of extensions ("front desk", "night shift"): a hunt may dial only from one pool's free extensions.
 * A pool's record and its members live apart (a hash of records, one Redis set of extension ids per pool), so
 * adding or removing members is a single atomic SADD/SREM from any instance, and names stay unique through HSETNX
 * on the lower-cased name. Directory syncs never touch pools.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { globalKeys } from '../store/redis-keys.ts';

export interface HuntPool {
  id: string;
  name: string;
  createdAt: number;
  /** Extension ids, sorted for stable output. */
  extensionIds: string[];
}

/** Refusals the dashboard and API turn into 4xx answers with this message. */
export class PoolError extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PoolError';
  }
}

export const POOL_ID = /^pool-[a-f0-9]{8}$/;
const NAME_MAX = 60;

/** Trimmed, inner runs of spaces collapsed; refuses empty or over-long names. */
export function poolName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name === '') throw new PoolError(422, 'Pool name must not be empty', 'name');
  if (name.length > NAME_MAX) throw new PoolError(422, `Pool name must be at most ${NAME_MAX} characters`, 'name');
  // NUL and other control characters would reach pages and the picker as invisible or broken text.
  if (/\p{Cc}/u.test(name)) throw new PoolError(422, 'Pool name must not contain control characters', 'name');
  return name;
}

export async function listPools(redis: Redis): Promise<HuntPool[]> {
  const raw = await redis.hgetall(globalKeys.pools);
  const records = Object.values(raw).map((v) => JSON.parse(v) as Omit<HuntPool, 'extensionIds'>);
  const pipeline = redis.pipeline();
  for (const r of records) pipeline.smembers(globalKeys.poolMembers(r.id));
  const members = ((await pipeline.exec()) ?? []).map(([, ids]) => (ids as string[]) ?? []);
  return records.map((r, i) => ({ ...r, extensionIds: sortIds(members[i] ?? []) })).sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
}

export async function getPool(redis: Redis, id: string): Promise<HuntPool | undefined> {
  if (!POOL_ID.test(id)) return undefined;
  const [raw, ids] = await Promise.all([redis.hget(globalKeys.pools, id), redis.smembers(globalKeys.poolMembers(id))]);
  return raw ? { ...(JSON.parse(raw) as Omit<HuntPool, 'extensionIds'>), extensionIds: sortIds(ids) } : undefined;
}

export async function createPool(redis: Redis, rawName: string, now = Date.now()): Promise<HuntPool> {
  const name = poolName(rawName);
  const id = `pool-${randomBytes(4).toString('hex')}`;
  if ((await redis.hsetnx(globalKeys.poolNames, name.toLowerCase(), id)) === 0) throw new PoolError(409, `A pool named "${name}" already exists`, 'name');
  const record = { id, name, createdAt: now };
  await redis.hset(globalKeys.pools, id, JSON.stringify(record));
  return { ...record, extensionIds: [] };
}

export async function renamePool(redis: Redis, id: string, rawName: string): Promise<HuntPool> {
  const name = poolName(rawName);
  const pool = await requirePool(redis, id);
  const oldKey = pool.name.toLowerCase();
  const newKey = name.toLowerCase();
  if (newKey !== oldKey && (await redis.hsetnx(globalKeys.poolNames, newKey, id)) === 0) throw new PoolError(409, `A pool named "${name}" already exists`, 'name');
  const multi = redis.multi().hset(globalKeys.pools, id, JSON.stringify({ id, name, createdAt: pool.createdAt }));
  if (newKey !== oldKey) multi.hdel(globalKeys.poolNames, oldKey);
  await multi.exec();
  return { ...pool, name };
}

export async function deletePool(redis: Redis, id: string): Promise<boolean> {
  const pool = await getPool(redis, id);
  if (!pool) return false;
  await redis.multi().hdel(globalKeys.pools, id).hdel(globalKeys.poolNames, pool.name.toLowerCase()).del(globalKeys.poolMembers(id)).exec();
  return true;
}

/**
 * Adds and removes members; only extensions in the synced directory may be added. Returns how many changed and
 * which requested ids are unknown (nothing is written when any is).
 */
export async function changePoolMembers(redis: Redis, id: string, change: { add?: readonly string[]; remove?: readonly string[] }): Promise<{ added: number; removed: number }> {
  await requirePool(redis, id);
  const add = [...new Set(change.add ?? [])];
  const remove = [...new Set(change.remove ?? [])];
  if (add.length > 0) {
    const known = await redis.hmget(globalKeys.extensions, ...add);
    const unknown = add.filter((_, i) => known[i] === null);
    if (unknown.length > 0) throw new PoolError(422, `No synced extension with id ${unknown.join(', ')}`, 'extensionIds');
  }
  const multi = redis.multi();
  if (add.length > 0) multi.sadd(globalKeys.poolMembers(id), ...add);
  if (remove.length > 0) multi.srem(globalKeys.poolMembers(id), ...remove);
  const replies = (await multi.exec()) ?? [];
  const counts = replies.map(([, n]) => Number(n ?? 0));
  return { added: add.length > 0 ? (counts[0] ?? 0) : 0, removed: remove.length > 0 ? (counts[add.length > 0 ? 1 : 0] ?? 0) : 0 };
}

/** extensionId → the names of the pools it is in. */
export function poolsByExtension(pools: readonly HuntPool[]): Map<string, HuntPool[]> {
  const result = new Map<string, HuntPool[]>();
  for (const pool of pools) for (const id of pool.extensionIds) result.set(id, [...(result.get(id) ?? []), pool]);
  return result;
}

async function requirePool(redis: Redis, id: string): Promise<HuntPool> {
  const pool = await getPool(redis, id);
  if (!pool) throw new PoolError(404, `No pool with id ${id}`, 'pool');
  return pool;
}

function sortIds(ids: string[]): string[] {
  return ids.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
