/**
 * ExtensionPool over one Redis hash (`hh:ext:reservations`, field extensionId → "<jobId> <callId>"). Every write
 * is a Lua script, so "one extension, one call" holds across instances without locks.
 */
import type { Redis } from 'ioredis';
import type { ExtensionPool, Reservation } from './extension-pool.ts';
import { luaScript } from './lua-script.ts';
import { globalKeys } from './redis-keys.ts';

const reserveScript = luaScript('reserve-extension-1.lua');
const releaseScript = luaScript('release-extension-1.lua');
const releaseJobScript = luaScript('release-job-extensions-1.lua');

/** The stored value "<jobId> <callId>[#<attempt>]"; a job id holds no space, since the first space ends it. */
export function holderValue({ jobId, callId, attempt }: Reservation): string {
  if (callId === '') throw new Error('empty call id for a reservation');
  return `${jobPrefix(jobId)}${callId}${attempt === undefined ? '' : `#${attempt}`}`;
}

/** "<jobId> ": the trailing space keeps job "4" from matching job "42". */
function jobPrefix(jobId: string): string {
  if (jobId === '' || /\s/.test(jobId)) throw new Error(`invalid job id for a reservation: ${JSON.stringify(jobId)}`);
  return `${jobId} `;
}

export function parseHolder(value: string): Reservation | undefined {
  const space = value.indexOf(' ');
  if (space <= 0) return undefined;
  const call = /^(.*)#(\d+)$/.exec(value.slice(space + 1));
  if (call) return { jobId: value.slice(0, space), callId: call[1] ?? '', attempt: Number(call[2]) };
  return { jobId: value.slice(0, space), callId: value.slice(space + 1) };
}

export class RedisExtensionPool implements ExtensionPool {
  constructor(
    private readonly redis: Redis,
    private readonly key: string = globalKeys.extensionReservations,
  ) {}

  async reserve(reservation: Reservation, candidates: readonly string[]): Promise<string | undefined> {
    const holder = holderValue(reservation);
    if (candidates.length === 0) return undefined;
    const reply = await reserveScript.run(this.redis, [this.key], [holder, ...candidates]);
    return typeof reply === 'string' ? reply : undefined;
  }

  async release(extensionId: string, holder: Reservation): Promise<boolean> {
    const reply = await releaseScript.run(this.redis, [this.key], [extensionId, holderValue(holder)]);
    return reply === 1;
  }

  async releaseJob(jobId: string): Promise<string[]> {
    const reply = await releaseJobScript.run(this.redis, [this.key], [jobPrefix(jobId)]);
    return Array.isArray(reply) ? reply.map(String) : [];
  }

  async holder(extensionId: string): Promise<Reservation | undefined> {
    const value = await this.redis.hget(this.key, extensionId);
    return value === null ? undefined : parseHolder(value);
  }

  async heldBy(jobId: string): Promise<Record<string, string>> {
    const all = await this.redis.hgetall(this.key);
    const held: Record<string, string> = {};
    for (const [extensionId, value] of Object.entries(all)) {
      const holder = parseHolder(value);
      if (holder?.jobId === jobId) held[extensionId] = holder.callId;
    }
    return held;
  }
}
