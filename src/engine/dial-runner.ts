/**
 * Places one line's call (a BullMQ `dials` job, run on any instance): reserve an extension, call out from its
 * device, map the session to the job, and report back through the job's stream. BullMQ delivers at least once,
 * so a guard key makes a second delivery report the first one's result instead of dialling again.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { globalKeys, jobKeys } from '../store/redis-keys.ts';
import { sessionMapValue } from '../store/session-map.ts';
import type { ExtensionPool } from '../store/extension-pool.ts';
import type { CallRef, Telephony } from '../telephony/telephony-port.ts';
import { PlacementWithdrawn, TelephonyError } from '../telephony/telephony-port.ts';
import { dialString } from '../telephony/dial-string.ts';
import type { HuntEvent } from '../../machines/hunt-protocol.ts';
import { appendToJobStream } from './job-stream.ts';
import { readJob } from './job-records.ts';
import { readStoredLine } from './job-snapshot-store.ts';
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
/** The stored result of a dial that placed nothing because its line no longer wanted it. */
const WITHDRAWN = 'withdrawn';

/**
 * True while the dial's line, as its job's owner last committed it, is still queued for this very attempt: a
 * line cleaned meanwhile (hand-off, cancel, deadline, operator) or moved on to another attempt is not dialled.
 * The job record's final status is checked too (its lines are all settled then).
 */
export async function lineAwaitsDial(redis: Redis, dial: DialJobData): Promise<boolean> {
  const [status, line] = await Promise.all([redis.hget(jobKeys(dial.jobId).record, 'status'), readStoredLine(redis, dial.jobId, dial.callId)]);
  if (status === null || FINAL.has(status)) return false;
  return line?.status === 'queued' && line.attempt === dial.attempt;
}

/** The dial's guard: `started`, then its intent (the extension and device it calls out from) just before the call. */
export function dialGuardKey(dial: DialJobData): string {
  return `${jobKeys(dial.jobId).record}:dial:${dial.callId}:${dial.attempt}`;
}

/** What a dial records just before it calls out, so a retry can find what it placed instead of placing again. */
export interface DialIntent {
  extensionId: string;
  deviceId: string;
}

function parseIntent(raw: string | null): DialIntent | undefined {
  if (!raw?.startsWith('{')) return undefined;
  const intent = JSON.parse(raw) as Partial<DialIntent>;
  return intent.extensionId && intent.deviceId ? { extensionId: intent.extensionId, deviceId: intent.deviceId } : undefined;
}

export async function runDial(deps: DialRunnerDeps, data: DialJobData): Promise<void> {
  const { redis, telephony, pool, log } = deps;
  const now = deps.now ?? Date.now;
  const { jobId, callId, attempt } = data;
  const guard = dialGuardKey(data);
  const inFlight = jobKeys(jobId).dialsInFlight;
  const member = `${callId}:${attempt}`;
  const report = async (event: HuntEvent): Promise<void> => {
    await redis.set(`${guard}:result`, JSON.stringify(event), 'EX', GUARD_TTL_SECONDS);
    await appendToJobStream(redis, jobId, { kind: 'result', event });
    await redis.srem(inFlight, member);
  };
  const failed = (reason: string, retryable: boolean): HuntEvent => ({ type: 'call.dial-failed', callId, attempt, reason, retryable, at: now() });

  const owner = { jobId, callId, attempt };
  /** The call is ours: report it (unless the hunt ended meanwhile), map its session and take its early events. */
  const adopt = async (placed: CallRef, extensionId: string): Promise<void> => {
    const after = await readJob(redis, jobId);
    if (!after || FINAL.has(after.status)) {
      // The hunt ended while we dialled: nobody will hang this call up but us.
      await telephony.hangup(placed.telephonySessionId).catch((error: unknown) => log.warn({ err: error, jobId, callId }, 'late hang-up failed'));
      await pool.release(extensionId, owner);
    } else {
      // The placed result goes first so the owner knows the session before any of its events.
      await report({ type: 'call.placed', callId, attempt, extensionId, telephonySessionId: placed.telephonySessionId, partyId: placed.partyId, at: now() });
    }
    // Either way the session's events belong to this job's record: map it, then take what arrived early (the
    // receiver parks events of unmapped sessions), atomically so nothing is lost or doubled.
    await redis.hset(globalKeys.sessionMap, placed.telephonySessionId, sessionMapValue({ jobId, callId }));
    const parked = globalKeys.parkedEvents(placed.telephonySessionId);
    const [[, early]] = (await redis.multi().lrange(parked, 0, -1).del(parked).exec()) as [[Error | null, string[]], unknown];
    for (const event of early ?? []) await appendToJobStream(redis, jobId, { kind: 'telephony', event: JSON.parse(event) as TelephonyEvent });
    await redis.srem(inFlight, member);
  };

  if ((await redis.set(guard, 'started', 'EX', GUARD_TTL_SECONDS, 'NX')) !== 'OK') {
    // A second delivery: BullMQ retried a run that failed (Redis away) or moved a stalled one (its instance died).
    const previous = await redis.get(`${guard}:result`);
    if (previous === WITHDRAWN) return;
    if (previous) {
      await appendToJobStream(redis, jobId, { kind: 'result', event: JSON.parse(previous) as HuntEvent });
      return;
    }
    // The earlier run stopped mid-dial. If it got as far as calling out, the call may be up without anyone
    // knowing it: find it on its extension and adopt it rather than place another.
    const intent = parseIntent(await redis.get(guard));
    if (intent) {
      const placed = await findUnmappedCall(deps, intent.extensionId);
      if (placed) {
        log.info({ jobId, callId, attempt, telephonySessionId: placed.telephonySessionId }, 'dial retried: adopting the call the interrupted run placed');
        await adopt(placed, intent.extensionId);
        return;
      }
      await pool.release(intent.extensionId, owner);
    }
    // Nothing placed (or nothing to be found): the line is redialled as a new attempt.
    await report(failed('dial interrupted by a restart', true));
    return;
  }
  // Nothing to report: the line was cancelled (it is cleaned without waiting for this dial).
  const withdraw = async (): Promise<void> => {
    await redis.set(`${guard}:result`, WITHDRAWN, 'EX', GUARD_TTL_SECONDS);
    await redis.srem(inFlight, member);
  };

  await redis.sadd(inFlight, member);
  const record = await readJob(redis, jobId);
  // A dial that comes due after its hunt ended or its line was cancelled (hand-off, cancel, operator) must not
  // place a call nobody wants; it is checked again after every wait, right before the call goes out.
  const proceed = (): Promise<boolean> => lineAwaitsDial(redis, data);
  if (!record || !(await proceed())) {
    await withdraw();
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
  await redis.set(guard, JSON.stringify({ extensionId, deviceId } satisfies DialIntent), 'EX', GUARD_TTL_SECONDS);
  let placed: CallRef;
  try {
    placed = await telephony.placeCall({ deviceId, to: dialString(spec.destination.phoneNumber, spec.destination.ivr), proceed });
  } catch (error) {
    await pool.release(extensionId, { jobId, callId, attempt });
    if (error instanceof PlacementWithdrawn) {
      log.info({ jobId, callId, attempt }, 'dial withdrawn: its line was cancelled while it waited');
      await withdraw();
      return;
    }
    const retryable = !(error instanceof TelephonyError) || error.status === 429 || error.status >= 500 || error.status === 409;
    log.warn({ err: error, jobId, callId, attempt }, 'dial failed');
    await report(failed((error as Error).message, retryable));
    return;
  }
  await adopt(placed, extensionId);
}

/**
 * An outbound call up on the extension whose session no job has mapped: what an interrupted dial placed (the
 * extension was reserved for that dial alone). Undefined when there is none, or the phone system cannot say.
 */
async function findUnmappedCall(deps: DialRunnerDeps, extensionId: string): Promise<CallRef | undefined> {
  try {
    const { activeCalls } = await deps.telephony.presence(extensionId);
    for (const call of activeCalls) {
      if (call.direction !== 'Outbound' || !call.telephonySessionId || !call.partyId) continue;
      if ((await deps.redis.hexists(globalKeys.sessionMap, call.telephonySessionId)) === 0) return { telephonySessionId: call.telephonySessionId, partyId: call.partyId };
    }
  } catch (error) {
    deps.log.warn({ err: error, extensionId }, 'dial retried: could not look for the call the interrupted run placed');
  }
  return undefined;
}
