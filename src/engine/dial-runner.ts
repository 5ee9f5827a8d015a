/**
 * Places one line's call (a BullMQ `dials` job, run on any instance): reserve an extension, call out from its
 * device, map the session to the job, and report back through the job's stream. BullMQ delivers at least once,
 * so a guard key makes a second delivery report the first one's result instead of dialling again.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { globalKeys, jobKeys } from '../store/redis-keys.ts';
import type { ExtensionPool } from '../store/extension-pool.ts';
import type { CallRef, Telephony } from '../telephony/telephony-port.ts';
import { TelephonyError } from '../telephony/telephony-port.ts';
import { dialString } from '../telephony/dial-string.ts';
import type { HuntEvent } from '../../machines/hunt-protocol.ts';
import { appendToJobStream } from './job-stream.ts';
import { readJob } from './job-records.ts';
import type { DialJobData } from './engine-queues.ts';
import type { TelephonyEvent } from './telephony-event.ts';
import type { HuntExtension } from './extension-directory.ts';

export interface DialRunnerDeps {
  redis: Redis;
  telephony: Telephony;
  pool: ExtensionPool;
  log: Logger;
  now?: () => number;
}

const GUARD_TTL_SECONDS = 24 * 3600;
const FINAL = new Set(['completed', 'cancelled', 'failed']);

export async function runDial(deps: DialRunnerDeps, data: DialJobData): Promise<void> {
  const { redis, telephony, pool, log } = deps;
  const now = deps.now ?? Date.now;
  const { jobId, callId, attempt } = data;
  const guard = `${jobKeys(jobId).record}:dial:${callId}:${attempt}`;
  const inFlight = jobKeys(jobId).dialsInFlight;
  const member = `${callId}:${attempt}`;
  const report = async (event: HuntEvent): Promise<void> => {
    await redis.set(`${guard}:result`, JSON.stringify(event), 'EX', GUARD_TTL_SECONDS);
    await appendToJobStream(redis, jobId, { kind: 'result', event });
    await redis.srem(inFlight, member);
  };
  const failed = (reason: string, retryable: boolean): HuntEvent => ({ type: 'call.dial-failed', callId, attempt, reason, retryable, at: now() });

  if ((await redis.set(guard, 'started', 'EX', GUARD_TTL_SECONDS, 'NX')) !== 'OK') {
    const previous = await redis.get(`${guard}:result`);
    // Without a stored result the earlier run died mid-dial; the line is redialled and its extension freed.
    await appendToJobStream(redis, jobId, { kind: 'result', event: previous ? (JSON.parse(previous) as HuntEvent) : failed('dial interrupted by a restart', true) });
    return;
  }

  await redis.sadd(inFlight, member);
  const record = await readJob(redis, jobId);
  // A dial that comes due after its hunt ended (cancel, transfer) must not place a call nobody would hang up.
  if (!record || FINAL.has(record.status)) {
    await redis.srem(inFlight, member);
    return;
  }
  const { spec } = record;
  const extensionId = await pool.reserve({ jobId, callId, attempt }, spec.extensionIds);
  if (!extensionId) {
    await report(failed('no free extension', true));
    return;
  }
  const raw = await redis.hget(globalKeys.extensions, extensionId);
  const deviceId = raw ? (JSON.parse(raw) as HuntExtension).deviceId : undefined;
  if (!deviceId) {
    await pool.release(extensionId, { jobId, callId, attempt });
    await report(failed(`extension ${extensionId} has no online device`, true));
    return;
  }
  let placed: CallRef;
  try {
    placed = await telephony.placeCall({ deviceId, to: dialString(spec.destination.phoneNumber, spec.destination.ivr) });
  } catch (error) {
    await pool.release(extensionId, { jobId, callId, attempt });
    const retryable = !(error instanceof TelephonyError) || error.status === 429 || error.status >= 500 || error.status === 409;
    log.warn({ err: error, jobId, callId, attempt }, 'dial failed');
    await report(failed((error as Error).message, retryable));
    return;
  }
  const after = await readJob(redis, jobId);
  if (!after || FINAL.has(after.status)) {
    // The hunt ended while we dialled: nobody will hang this call up but us.
    await telephony.hangup(placed.telephonySessionId).catch((error: unknown) => log.warn({ err: error, jobId, callId }, 'late hang-up failed'));
    await pool.release(extensionId, { jobId, callId, attempt });
  } else {
    // The placed result goes first so the owner knows the session before any of its events.
    await report({ type: 'call.placed', callId, attempt, extensionId, telephonySessionId: placed.telephonySessionId, partyId: placed.partyId, at: now() });
  }
  // Either way the session's events belong to this job's record: map it, then take what arrived early (the
  // receiver parks events of unmapped sessions), atomically so nothing is lost or doubled.
  await redis.hset(globalKeys.sessionMap, placed.telephonySessionId, `${jobId} ${callId}`);
  const parked = globalKeys.parkedEvents(placed.telephonySessionId);
  const [[, early]] = (await redis.multi().lrange(parked, 0, -1).del(parked).exec()) as [[Error | null, string[]], unknown];
  for (const event of early ?? []) await appendToJobStream(redis, jobId, { kind: 'telephony', event: JSON.parse(event) as TelephonyEvent });
  await redis.srem(inFlight, member);
}
