/**
 * A 6-line hunt end to end: the engine against the simulator through the official SDK, with real Redis and
 * RingCentral's rate limits. An operator confirms a live agent on one line: exactly that call reaches the firm's
 * queue, every other call is hung up, and no extension stays reserved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { readHistory } from '../../src/engine/job-history.ts';
import { setQueueOverride } from '../../src/engine/queue-settings.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness({ db: 11 });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('a 6-line hunt', () => {
  it('transfers exactly one call and hangs up the other five', async () => {
    const job = await h.engine.commands.create({ lines: 6, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    expect(job.status).toBe('starting');

    const holding = await eventually(async () => {
      const view = await h.engine.commands.get(job.id);
      const held = view?.calls.filter((c) => c.status === 'holding') ?? [];
      return held.length >= 6 ? held : undefined;
    }, 60_000);

    const chosen = holding[2]!;
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);

    const done = await waitForJob(h, job.id, 'completed', 30_000);
    expect(done.winnerCallId).toBe(chosen.callId);

    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);

    const history = await readHistory(h.redis, job.id);
    expect(history.some((e) => e.actor === chosen.callId && e.to === 'transferred')).toBe(true);
    expect(history.some((e) => e.actor === 'job' && e.to === 'completed')).toBe(true);
  }, 120_000);

  it('hands a queue with a transfer number to that number, however the hunt was started (API included)', async () => {
    await setQueueOverride(h.redis, '801', '+12125550188');
    const job = await h.engine.commands.create({ lines: 1, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'api-token');
    expect(job.spec.target).toEqual({ kind: 'number', phoneNumber: '+12125550188' });
    await setQueueOverride(h.redis, '801', undefined);
    const plain = await h.engine.commands.create({ lines: 1, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'api-token');
    expect(plain.spec.target).toEqual({ kind: 'queue', extensionNumber: '801' });
    for (const id of [job.id, plain.id]) await h.engine.commands.send(id, { type: 'cancel' }, 'test-operator');
    await Promise.all([job.id, plain.id].map((id) => waitForJob(h, id, 'cancelled', 60_000)));
  }, 90_000);
});
