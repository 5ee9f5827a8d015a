/**
 * Lines still waiting for their staggered dial when the hunt hands off are cancelled (`cleaned`), and stay so:
 * their dials are taken off the queue, and a dial that comes due anyway checks its line right before calling out
 * and drops itself. (bench:load found such lines dialled after the transfer, one a second, then hung up as
 * `stray-placement`, docs/benchmarks.md.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { control } from '../support/simulator-harness.ts';
import { readHistory } from '../../src/engine/job-history.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { jobKeys } from '../../src/store/redis-keys.ts';

const RELAXED = { limit: 100_000, windowMs: 60_000 };

let redis: PrivateRedis;
let h: EngineHarness;

beforeAll(async () => {
  redis = await startPrivateRedis();
  // Call-outs (Heavy) 4 per 20 s: lines 5–8 wait for the budget inside their dial when the hand-off comes, lines
  // 9–14 are still delayed in the queue.
  const budget = new InMemoryRateBudget({ limits: { Light: RELAXED, Medium: RELAXED, Heavy: { limit: 5, windowMs: 20_000 } } });
  h = await startEngineHarness({ db: 0, redisUrl: redis.url, budget });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await redis?.close();
});

interface SimCall {
  telephonySessionId: string;
  createdAt: string;
  milestones: { transferReceivedAt: string | null };
}

describe('a hunt handed off while lines still wait for their dial', () => {
  it('never dials the lines it cancelled at the hand-off', async () => {
    const lines = 14;
    const commands = h.engine.commands;
    const job = await commands.create({ lines, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    // The first line holds a few seconds in; lines are dialled 1 s apart, so the last ones are still queued.
    const first = await eventually(async () => (await commands.get(job.id))?.calls.find((c) => c.status === 'holding'), 60_000, 100);
    await agentAnswersAndOperatorConfirms(h, job.id, first);

    const done = await waitForJob(h, job.id, 'completed', 60_000);
    expect(done.winnerCallId).toBe(first.callId);
    const cancelled = done.calls.filter((c) => c.status === 'cleaned' && c.telephonySessionId === undefined);
    expect(cancelled.length).toBeGreaterThan(0);

    // Their dials are off the queue: none is left waiting for its time.
    const waiting = (await h.engine.dials.getDelayed()).filter((d) => d.data.jobId === job.id);
    expect(waiting.map((d) => d.data.callId)).toEqual([]);

    // Once the dials that were waiting for the budget have run, the phone system has seen no call placed after
    // the transfer.
    await eventually(async () => (await h.redis.scard(jobKeys(job.id).dialsInFlight)) === 0, 60_000, 200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, done.spec.createdAt + lines * 1_000 + 3_000 - Date.now())));
    const { records } = await control<{ records: SimCall[] }>(h.sim, 'GET', '/_sim/calls');
    const transferAt = Date.parse(records.find((r) => r.telephonySessionId === first.telephonySessionId)?.milestones.transferReceivedAt ?? '');
    expect(Number.isNaN(transferAt)).toBe(false);
    expect(records.filter((r) => Date.parse(r.createdAt) > transferAt).map((r) => r.telephonySessionId)).toEqual([]);
    const history = await readHistory(h.redis, job.id);
    expect(history.filter((e) => e.detail?.endReason === 'stray-placement')).toEqual([]);
    expect((await commands.get(job.id))?.calls.filter((c) => c.endReason === 'stray-placement')).toEqual([]);
  }, 120_000);
});
