/**
 * The dashboard's writes to the synced extension directory: our own `enabled` flag (kept across syncs by
 * `syncDirectory`), and freeing a reservation whose line is gone (the hunt ended or vanished without releasing it).
 */
import type { Redis } from 'ioredis';
import type { HuntExtension } from '../engine/extension-directory.ts';
import type { JobCommands } from '../engine/job-commands.ts';
import { globalKeys } from '../store/redis-keys.ts';
import { RedisExtensionPool } from '../store/redis-extension-pool.ts';

const FINAL = new Set(['completed', 'cancelled', 'failed']);

/** Sets `enabled` on each existing extension; returns how many changed. */
export async function setExtensionsEnabled(redis: Redis, ids: readonly string[], enabled: boolean): Promise<number> {
  let changed = 0;
  for (const id of ids) {
    const raw = await redis.hget(globalKeys.extensions, id);
    if (!raw) continue;
    const record = JSON.parse(raw) as HuntExtension;
    if (record.enabled === enabled) continue;
    await redis.hset(globalKeys.extensions, id, JSON.stringify({ ...record, enabled }));
    changed += 1;
  }
  return changed;
}

export interface ReservationState {
  jobId: string;
  callId: string;
  attempt?: number;
  /** The holding job has ended or no longer exists: nothing will release the extension by itself. */
  stuck: boolean;
}

/** extensionId → who holds it, and whether that hold is stuck. */
export async function reservations(redis: Redis, jobs: JobCommands): Promise<Map<string, ReservationState>> {
  const raw = await redis.hgetall(globalKeys.extensionReservations);
  const statuses = new Map<string, string | undefined>();
  const result = new Map<string, ReservationState>();
  for (const [extensionId, value] of Object.entries(raw)) {
    // "<jobId> <callId>" or "<jobId> <callId>#<attempt>" (holderValue in the pool).
    const [jobId = '', holder = ''] = value.split(' ');
    const [callId = '', attempt] = holder.split('#');
    if (!statuses.has(jobId)) statuses.set(jobId, (await jobs.get(jobId))?.status);
    const status = statuses.get(jobId);
    result.set(extensionId, { jobId, callId, ...(attempt ? { attempt: Number(attempt) } : {}), stuck: status === undefined || FINAL.has(status) });
  }
  return result;
}

/** Frees the extension only if it is still held by the same stuck line (compare-and-delete). */
export async function releaseStuck(redis: Redis, jobs: JobCommands, extensionId: string): Promise<boolean> {
  const held = (await reservations(redis, jobs)).get(extensionId);
  if (!held?.stuck) return false;
  return new RedisExtensionPool(redis).release(extensionId, { jobId: held.jobId, callId: held.callId, ...(held.attempt === undefined ? {} : { attempt: held.attempt }) });
}

/** A tag as stored: trimmed and lower-cased; 1 to 30 letters, digits, spaces, "-" or "_". */
export const TAG = /^[a-z0-9][a-z0-9 _-]{0,29}$/;
export const MAX_TAGS = 12;

export function normalTag(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Adds and removes tags on each existing extension (at most MAX_TAGS each); returns how many changed. */
export async function changeTags(redis: Redis, ids: readonly string[], change: { add?: readonly string[]; remove?: readonly string[] }): Promise<number> {
  const add = (change.add ?? []).map(normalTag);
  const remove = new Set((change.remove ?? []).map(normalTag));
  let changed = 0;
  for (const id of new Set(ids)) {
    const raw = await redis.hget(globalKeys.extensions, id);
    if (!raw) continue;
    const record = JSON.parse(raw) as HuntExtension;
    const before = record.tags ?? [];
    const after = [...new Set([...before, ...add])].filter((t) => !remove.has(t)).sort().slice(0, MAX_TAGS);
    if (after.join('\n') === before.join('\n')) continue;
    const { tags: _old, ...rest } = record;
    await redis.hset(globalKeys.extensions, id, JSON.stringify(after.length > 0 ? { ...rest, tags: after } : rest));
    changed += 1;
  }
  return changed;
}
