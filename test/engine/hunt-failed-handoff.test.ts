/**
 * A hand-off that fails does not end the hunt: the winner record is released (the next claim gets a higher
 * token), the other lines keep holding, and a later agent on another line is handed off exactly once — also while
 * the owner's session look-ups (its sweep for lost notifications) cannot get a request slot.
 * (Found by bench:load: a job stayed `hunting` with its lines frozen for 10 minutes after its winner record turned
 * `failed`: the hunt outlived its first agent, its lines came due for the sweep, and the owner waited for the
 * look-ups' rate budget inside its loop, applying nothing meanwhile.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { readWinner } from '../../src/store/winner-record.ts';
import type { CallView } from '../../src/engine/hunt-types.ts';
import { StarvedSyncBudget } from '../support/starved-sync-budget.ts';

let redis: PrivateRedis;
let h: EngineHarness;
const budget = new StarvedSyncBudget();

beforeAll(async () => {
  redis = await startPrivateRedis();
  // Lines that hold for a few seconds are due for the sweep's look-up, which never gets a slot.
  h = await startEngineHarness({ db: 0, redisUrl: redis.url, relaxLimits: true, budget, engineOptions: { sweep: { everyMs: 500, dialingStaleMs: 3_000, recheckLiveMs: 3_000 } } });
}, 60_000);

afterAll(async () => {
  budget.close();
  await h?.close();
  await redis?.close();
});

async function holdingLines(jobId: string, atLeast: number): Promise<CallView[]> {
  return eventually(async () => {
    const held = (await h.engine.commands.get(jobId))?.calls.filter((c) => c.status === 'holding') ?? [];
    return held.length >= atLeast ? held : undefined;
  }, 60_000);
}

describe('a hunt whose hand-off fails', () => {
  it('goes on hunting and hands the next agent off exactly once', async () => {
    const commands = h.engine.commands;
    const job = await commands.create({ lines: 3, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const [first] = await holdingLines(job.id, 3);

    // Both tries on the first agent's line fail (a line gets two): the line is given up and hung up.
    await control(h.sim, 'POST', '/_sim/faults', { failNextTransfers: 2 });
    await agentAnswersAndOperatorConfirms(h, job.id, first!);
    const failed = await eventually(async () => {
      const winner = await readWinner(h.redis, job.id);
      return winner?.state === 'failed' && winner.token === 2 ? winner : undefined;
    }, 30_000);
    expect(failed.callId).toBe(first!.callId);

    // The hunt lives on, and its holding lines come due for the sweep: from here on every session look-up waits
    // for a request slot.
    budget.starve();
    await eventually(() => budget.starved > 0, 30_000);

    // The hunt goes on: the other lines still hold, and the first line is dialled again.
    const after = await eventually(async () => {
      const view = await commands.get(job.id);
      return view?.status === 'hunting' && view.calls.find((c) => c.callId === first!.callId)?.attempt === 2 ? view : undefined;
    }, 30_000);
    const next = after.calls.find((c) => c.callId !== first!.callId && c.status === 'holding');
    expect(next).toBeDefined();

    await agentAnswersAndOperatorConfirms(h, job.id, next!);
    const done = await waitForJob(h, job.id, 'completed', 30_000);
    expect(done.winnerCallId).toBe(next!.callId);
    expect(await readWinner(h.redis, job.id)).toMatchObject({ callId: next!.callId, token: 3, state: 'transferred' });
    await expectOneTransferAndRestEnded(h, next!.telephonySessionId);
  }, 150_000);
});
