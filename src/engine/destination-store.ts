/**
 * Saved destinations (the numbers a hunt may dial) with their IVR scripts, in Redis. The IRS PPS line is always
 * there, with the script from research until the firm edits it.
 */
import type { Redis } from 'ioredis';
import { globalKeys } from '../store/redis-keys.ts';
import { PPS_DESTINATION } from './hunt-types.ts';
import type { Destination } from './hunt-types.ts';

export async function listDestinations(redis: Redis): Promise<Destination[]> {
  const saved = Object.values(await redis.hgetall(globalKeys.destinations)).map((v) => JSON.parse(v) as Destination);
  const all = saved.some((d) => d.id === PPS_DESTINATION.id) ? saved : [PPS_DESTINATION, ...saved];
  return all.sort((a, b) => Number(b.id === PPS_DESTINATION.id) - Number(a.id === PPS_DESTINATION.id) || a.name.localeCompare(b.name));
}

export async function getDestination(redis: Redis, id: string): Promise<Destination | undefined> {
  const saved = await redis.hget(globalKeys.destinations, id);
  if (saved) return JSON.parse(saved) as Destination;
  return id === PPS_DESTINATION.id ? PPS_DESTINATION : undefined;
}

export async function saveDestination(redis: Redis, destination: Destination): Promise<void> {
  await redis.hset(globalKeys.destinations, destination.id, JSON.stringify(destination));
}

/** Deleting the PPS line restores its default script; any other destination is removed. */
export async function deleteDestination(redis: Redis, id: string): Promise<boolean> {
  return (await redis.hdel(globalKeys.destinations, id)) === 1;
}
