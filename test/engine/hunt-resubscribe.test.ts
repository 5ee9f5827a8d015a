/**
 * The webhook subscription disappears mid-hunt (blacklisted or deleted on RingCentral's side): the keeper's check
 * creates a new one, and every hunt re-checks its lines at once, because what happened in the gap was never
 * notified and would otherwise wait for the slow periodic re-check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, eventually, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';

let h: EngineHarness;

beforeAll(async () => {
  // Live lines are re-checked only every 10 minutes: within this test only the resync can notice a lost event.
  h = await startEngineHarness({ db: 6, engineOptions: { sweep: { everyMs: 300, dialingStaleMs: 30_000, recheckLiveMs: 600_000 } } });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('a hunt whose webhook subscription is recreated', () => {
  it('notices what happened to its lines during the gap', async () => {
    const job = await h.engine.commands.create({ lines: 2, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const [first] = await eventually(async () => {
      const held = (await h.engine.commands.get(job.id))?.calls.filter((c) => c.status === 'holding') ?? [];
      return held.length === 2 ? held : undefined;
    }, 60_000);
    const lost = first!;

    const subscriptionId = await h.redis.hget(globalKeys.subscription, 'id');
    await h.telephony.deleteSubscription(subscriptionId!);
    await control(h.sim, 'POST', `/_sim/calls/${lost.telephonySessionId}/disconnect`);
    // Nobody is told: the call stays "holding" in the hunt.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await h.engine.commands.get(job.id))?.calls.find((c) => c.callId === lost.callId)?.status).toBe('holding');

    await h.keeper.ensure();
    expect(await h.redis.hget(globalKeys.subscription, 'id')).not.toBe(subscriptionId);
    const after = await eventually(async () => {
      const call = (await h.engine.commands.get(job.id))?.calls.find((c) => c.callId === lost.callId);
      return call && (call.status !== 'holding' || call.attempt > lost.attempt) ? call : undefined;
    }, 10_000);
    expect(after.attempt > lost.attempt || after.status !== 'holding').toBe(true);

    await h.engine.commands.send(job.id, { type: 'cancel' }, 'test-operator');
    await waitForJob(h, job.id, 'cancelled', 60_000);
  }, 120_000);
});
