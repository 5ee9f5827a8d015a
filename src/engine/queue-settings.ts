/**
 * Per-queue settings the firm keeps beside the synced queue list (so a sync never overwrites them): the default
 * hand-off target and a transfer number that overrides a queue's extension (e.g. the queue's direct number).
 *
 * A hunt started for a queue with an override (from the dashboard or the API) is handed off to that number:
 * `RedisJobCommands` resolves it when the hunt is created, and an override is also a saved transfer number (the
 * only numbers a hunt may hand off to).
 */
import type { Redis } from 'ioredis';
import { globalKeys } from '../store/redis-keys.ts';
import type { TransferTarget } from '../telephony/telephony-port.ts';

const OVERRIDES = 'queueTransferNumbers';
const SAVED = 'savedNumbers';
const DEFAULT = 'defaultTarget';

export async function queueOverrides(redis: Redis): Promise<Record<string, string>> {
  const raw = await redis.hget(globalKeys.settings, OVERRIDES);
  return raw ? (JSON.parse(raw) as Record<string, string>) : {};
}

/** Sets (or with `undefined`, clears) the transfer number of the queue with this extension number. */
export async function setQueueOverride(redis: Redis, extensionNumber: string, phoneNumber: string | undefined): Promise<void> {
  const overrides = await queueOverrides(redis);
  if (phoneNumber) overrides[extensionNumber] = phoneNumber;
  else delete overrides[extensionNumber];
  const savedRaw = await redis.hget(globalKeys.settings, SAVED);
  const saved = new Set(savedRaw ? (JSON.parse(savedRaw) as string[]) : []);
  if (phoneNumber) saved.add(phoneNumber);
  await redis.hset(globalKeys.settings, OVERRIDES, JSON.stringify(overrides), SAVED, JSON.stringify([...saved]));
}

export async function defaultTarget(redis: Redis): Promise<TransferTarget | undefined> {
  const raw = await redis.hget(globalKeys.settings, DEFAULT);
  return raw ? (JSON.parse(raw) as TransferTarget) : undefined;
}

export async function setDefaultQueue(redis: Redis, extensionNumber: string): Promise<void> {
  await redis.hset(globalKeys.settings, DEFAULT, JSON.stringify({ kind: 'queue', extensionNumber } satisfies TransferTarget));
}

/** A queue target whose queue has an override becomes that number; any other target is unchanged. */
export function resolveOverride(target: TransferTarget, overrides: Record<string, string>): TransferTarget {
  if (target.kind !== 'queue') return target;
  const number = overrides[target.extensionNumber];
  return number ? { kind: 'number', phoneNumber: number } : target;
}
