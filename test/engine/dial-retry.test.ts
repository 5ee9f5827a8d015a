/**
 * Dial jobs are retried (BullMQ attempts), so a retry must never place a second call for the same line attempt: a
 * dial records its intent (extension and device) just before it calls out, and a retry of a run that stopped after
 * that finds the call it placed and adopts it, or reports the attempt failed (the line redials) when there is none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { QUICK_IVR_DESTINATION, startEngineHarness } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { control } from '../support/simulator-harness.ts';
import { dialGuardKey, runDial } from '../../src/engine/dial-runner.ts';
import type { DialJobData } from '../../src/engine/engine-queues.ts';
import { parseJobStreamEntries } from '../../src/engine/job-stream.ts';
import { RedisExtensionPool } from '../../src/store/redis-extension-pool.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import { dialString } from '../../src/telephony/dial-string.ts';

let redis: PrivateRedis;
let h: EngineHarness;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  redis = await startPrivateRedis();
  // Commands only: no worker runs the hunts or their dials; the test plays the dial jobs itself.
  h = await startEngineHarness({ db: 0, redisUrl: redis.url, relaxLimits: true, ownEngine: false });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await redis?.close();
});

async function results(jobId: string) {
  const entries = parseJobStreamEntries(await h.redis.xrange(jobKeys(jobId).events, '-', '+'));
  return entries.flatMap((e) => (e.message.kind === 'result' ? [e.message.event] : []));
}

/** A dial job's first run that reserved its extension, recorded its intent and — if `place` — called out, then stopped. */
async function interruptedRun(dial: DialJobData, place: boolean) {
  const pool = new RedisExtensionPool(h.redis);
  const job = await h.engine.commands.get(dial.jobId);
  const extensionId = (await pool.reserve(dial, job!.spec.extensionIds))!;
  const deviceId = (JSON.parse((await h.redis.hget(globalKeys.extensions, extensionId))!) as { deviceId: string }).deviceId;
  await h.redis.set(dialGuardKey(dial), JSON.stringify({ extensionId, deviceId }));
  const placed = place ? await h.telephony.placeCall({ deviceId, to: dialString(QUICK_IVR_DESTINATION.phoneNumber, QUICK_IVR_DESTINATION.ivr) }) : undefined;
  return { pool, extensionId, placed };
}

describe('a dial job delivered again after its first run stopped mid-dial', () => {
  it('adopts the call the first run placed instead of placing another', async () => {
    const job = await h.engine.commands.create({ lines: 1, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const dial = { jobId: job.id, callId: 'call-1', attempt: 1 };
    const { pool, extensionId, placed } = await interruptedRun(dial, true);
    const callsBefore = (await control<{ records: unknown[] }>(h.sim, 'GET', '/_sim/calls')).records.length;

    await runDial({ redis: h.redis, telephony: h.telephony, pool, log }, dial);

    expect(await results(job.id)).toEqual([expect.objectContaining({ type: 'call.placed', callId: 'call-1', attempt: 1, extensionId, telephonySessionId: placed!.telephonySessionId })]);
    expect((await control<{ records: unknown[] }>(h.sim, 'GET', '/_sim/calls')).records.length).toBe(callsBefore);
    expect(await h.redis.hget(globalKeys.sessionMap, placed!.telephonySessionId)).toBe(`${job.id} call-1`);
    await h.telephony.hangup(placed!.telephonySessionId);
  }, 60_000);

  it('reports the attempt failed (the line redials) and frees its extension when nothing was placed', async () => {
    const job = await h.engine.commands.create({ lines: 1, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const dial = { jobId: job.id, callId: 'call-1', attempt: 1 };
    const { pool, extensionId } = await interruptedRun(dial, false);
    const callsBefore = (await control<{ records: unknown[] }>(h.sim, 'GET', '/_sim/calls')).records.length;

    await runDial({ redis: h.redis, telephony: h.telephony, pool, log }, dial);

    expect(await results(job.id)).toEqual([expect.objectContaining({ type: 'call.dial-failed', callId: 'call-1', attempt: 1, retryable: true })]);
    expect((await control<{ records: unknown[] }>(h.sim, 'GET', '/_sim/calls')).records.length).toBe(callsBefore);
    expect(await h.redis.hget(globalKeys.extensionReservations, extensionId)).toBeNull();
  }, 60_000);
});
