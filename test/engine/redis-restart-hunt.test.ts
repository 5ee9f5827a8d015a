/**
 * Redis killed and restarted (AOF on) under a running hunt: the owner's run fails while Redis is away, and the
 * hunt is tried again from its snapshot instead of being failed by the queue with its lines left on hold.
 * (Found by the chaos run, docs/resilience.md#chaos.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

let redis: PrivateRedis;
let h: EngineHarness;

beforeAll(async () => {
  redis = await startPrivateRedis(['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']);
  h = await startEngineHarness({ db: 0, redisUrl: redis.url, relaxLimits: true, engineOptions: { sweep: { everyMs: 1_000, dialingStaleMs: 3_000, recheckLiveMs: 4_000 } } });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await redis?.close();
});

describe('a hunt while Redis restarts', () => {
  it('resumes and still transfers exactly one call', async () => {
    const commands = h.engine.commands;
    const job = await commands.create({ lines: 3, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    await eventually(async () => ((await commands.get(job.id))?.calls.some((c) => c.status === 'holding') ? true : undefined), 60_000);

    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await redis.start();

    const holding = await eventually(async () => {
      const view = await commands.get(job.id).catch(() => undefined);
      return view?.status === 'hunting' ? view.calls.find((c) => c.status === 'holding') : undefined;
    }, 60_000, 200);
    await agentAnswersAndOperatorConfirms(h, job.id, holding);
    const done = await waitForJob(h, job.id, 'completed', 60_000);
    expect(done.winnerCallId).toBe(holding.callId);
    await expectOneTransferAndRestEnded(h, holding.telephonySessionId);
  }, 150_000);
});
