/**
 * A hunt whose webhooks are lost, duplicated, reordered and delayed by the simulator still ends correctly:
 * duplicates are dropped, stale events are ignored by sequence, and lines that missed a notification are found
 * by the owner's sweep (GET session) and brought up to date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness({ db: 10, engineOptions: { sweep: { everyMs: 1_000, dialingStaleMs: 3_000, recheckLiveMs: 4_000 } } });
  await control(h.sim, 'POST', '/_sim/faults', { webhookLoss: 0.15, webhookDuplication: 0.2, webhookReorder: 0.2, webhookDelayMs: [0, 300] });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('a hunt with webhook faults', () => {
  it('still transfers exactly one call and hangs up the rest', async () => {
    const job = await h.engine.commands.create({ lines: 6, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const holding = await eventually(async () => (await h.engine.commands.get(job.id))?.calls.filter((c) => c.status === 'holding'), 60_000).then(async () =>
      eventually(async () => {
        const held = (await h.engine.commands.get(job.id))?.calls.filter((c) => c.status === 'holding') ?? [];
        return held.length >= 3 ? held : undefined;
      }, 60_000),
    );
    const chosen = holding[0]!;
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);

    const done = await waitForJob(h, job.id, 'completed', 60_000);
    expect(done.winnerCallId).toBe(chosen.callId);

    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);
    // The faults really happened.
    const { records: deliveries } = await control(h.sim, 'GET', '/_sim/webhooks');
    expect(deliveries.some((d: any) => d.lost)).toBe(true);
    expect(deliveries.some((d: any) => d.duplicated)).toBe(true);
    expect(deliveries.some((d: any) => d.reordered)).toBe(true);
  }, 150_000);
});
