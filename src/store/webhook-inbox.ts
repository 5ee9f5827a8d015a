/**
 * Where a webhook notification's events go in Redis, once per uuid: a mapped session's events onto its job's
 * stream, an unmapped session's into its parked list (the engine drains it after it maps the session). On one
 * Redis this is one Lua script, one round trip (deliver-webhook-3.lua): the receiver's whole Redis cost. On a
 * Redis Cluster, whose slots a script may not span, it takes the steps one by one (dedup, look-up, park, and a
 * rescue when the mapping appeared meanwhile). Either way a failure forgets the uuid, so a redelivery is processed.
 */
import type { Redis } from 'ioredis';
import { appendToJobStream } from '../engine/job-stream.ts';
import type { TelephonyEvent } from '../engine/telephony-event.ts';
import { luaScript } from './lua-script.ts';
import { isCluster } from './redis-client.ts';
import { globalKeys, jobKeys } from './redis-keys.ts';
import { parseSessionMapValue } from './session-map.ts';
import { firstSighting } from './webhook-dedup.ts';

/** Parked events outlive any plausible gap between a call-out's first events and its reply. */
export const PARKED_EVENTS_TTL_SECONDS = 300;
/** A day outlives every RingCentral retry of one notification. */
const SEEN_TTL_SECONDS = 86_400;

export type Delivered = 'job' | 'parked' | 'duplicate' | 'empty';

const deliverScript = luaScript('deliver-webhook-3.lua');
/** The job stream key around the job id, for the script (which learns the job id from the session map). */
const [streamKeyBefore, streamKeyAfter] = jobKeys('\u0000').events.split('\u0000') as [string, string];

export async function deliverNotification(redis: Redis, uuid: string, telephonySessionId: string, events: readonly TelephonyEvent[]): Promise<Delivered> {
  if (uuid === '') throw new Error('webhook uuid is empty');
  try {
    if (isCluster(redis)) return await deliverInSteps(redis, uuid, telephonySessionId, events);
    const payloads = events.map((event) => JSON.stringify(event));
    const keys = [globalKeys.webhookSeen(uuid), globalKeys.sessionMap, globalKeys.parkedEvents(telephonySessionId)];
    return (await deliverScript.run(redis, keys, [SEEN_TTL_SECONDS, PARKED_EVENTS_TTL_SECONDS, telephonySessionId, streamKeyBefore, streamKeyAfter, ...payloads])) as Delivered;
  } catch (error) {
    // Forget the sighting so a redelivery of this uuid is processed rather than dropped as a duplicate.
    redis.del(globalKeys.webhookSeen(uuid)).catch(() => undefined);
    throw error;
  }
}

/**
 * The cluster's way. If the mapping appears between our look-up and the park (checked atomically with the push),
 * whichever of us removes an entry from the list delivers it: exactly once, provided the engine maps first and
 * then takes the list atomically.
 */
export async function deliverInSteps(redis: Redis, uuid: string, telephonySessionId: string, events: readonly TelephonyEvent[]): Promise<Delivered> {
  if (!(await firstSighting(redis, uuid, SEEN_TTL_SECONDS))) return 'duplicate';
  if (events.length === 0) return 'empty';
  const mapped = parseSessionMapValue(await redis.hget(globalKeys.sessionMap, telephonySessionId));
  if (mapped) {
    await appendAll(redis, mapped.jobId, events);
    return 'job';
  }
  const parkedKey = globalKeys.parkedEvents(telephonySessionId);
  const payloads = events.map((event) => JSON.stringify(event));
  const results = await redis
    .multi()
    .rpush(parkedKey, ...payloads)
    .expire(parkedKey, PARKED_EVENTS_TTL_SECONDS)
    .hget(globalKeys.sessionMap, telephonySessionId)
    .exec();
  if (!results) throw new Error('parking transaction aborted');
  for (const [error] of results) if (error) throw error;
  const mappedNow = parseSessionMapValue(results[2]?.[1] as string | null | undefined);
  if (!mappedNow) return 'parked';
  // Mapped meanwhile: rescue what the engine's drain has not taken yet.
  const rescued: TelephonyEvent[] = [];
  for (const [index, payload] of payloads.entries()) {
    const event = events[index];
    if (event && (await redis.lrem(parkedKey, 1, payload)) === 1) rescued.push(event);
  }
  await appendAll(redis, mappedNow.jobId, rescued);
  return 'job';
}

async function appendAll(redis: Redis, jobId: string, events: readonly TelephonyEvent[]): Promise<void> {
  for (const event of events) await appendToJobStream(redis, jobId, { kind: 'telephony', event });
}
