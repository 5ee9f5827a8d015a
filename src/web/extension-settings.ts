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
