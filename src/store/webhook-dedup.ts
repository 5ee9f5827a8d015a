/**
 * Webhook de-duplication across instances: RingCentral may deliver a notification more than once, and any
 * instance may receive it. The first SET NX on its uuid wins; the TTL bounds memory (a day outlives every retry).
 */
import type { Redis } from 'ioredis';
import { globalKeys } from './redis-keys.ts';

/** True the first time `uuid` is seen (within `ttlSeconds`), false for every repeat. */
export async function firstSighting(redis: Redis, uuid: string, ttlSeconds = 86_400): Promise<boolean> {
  if (uuid === '') throw new Error('webhook uuid is empty');
  const reply = await redis.set(globalKeys.webhookSeen(uuid), '1', 'EX', ttlSeconds, 'NX');
  return reply === 'OK';
}
