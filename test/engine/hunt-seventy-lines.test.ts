/**
 * A 70-line hunt with RingCentral's rate limits on: call-out is Heavy (10 a minute per user), so dialling is
 * spread over nine users' credentials and paced by the budget. One confirmed line is transferred; the other 69
 * are hung up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { readHistory } from '../../src/engine/job-history.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness({ db: 13, credentials: 9 });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('a 70-line hunt under rate limits', () => {
  it('ends with one transfer and every other line hung up', async () => {
    const job = await h.engine.commands.create({ lines: 70, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '802' } }, 'test-operator');

    // Every line has been placed at least once (the budget paces the dials; none is refused by RingCentral).
    await eventually(async () => {
      const view = await h.engine.commands.get(job.id);
      return view && view.calls.length === 70 && view.calls.every((c) => c.status !== 'queued' || c.attempt > 1);
    }, 150_000, 500);

    const holding = await eventually(async () => (await h.engine.commands.get(job.id))?.calls.find((c) => c.status === 'holding'), 60_000);
    await agentAnswersAndOperatorConfirms(h, job.id, holding);

    const done = await waitForJob(h, job.id, 'completed', 90_000);
    expect(done.winnerCallId).toBe(holding.callId);

    await expectOneTransferAndRestEnded(h, holding.telephonySessionId);
    // RingCentral never had to refuse a dial: the budget kept every credential inside its limits.
    const history = await readHistory(h.redis, job.id);
    expect(history.filter((e) => JSON.stringify(e.detail ?? {}).includes('rate exceeded'))).toEqual([]);
  }, 330_000);
});
