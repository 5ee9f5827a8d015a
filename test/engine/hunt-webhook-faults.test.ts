/**
 * A hunt whose webhooks are lost, duplicated, reordered and delayed by the simulator still ends correctly:
 * duplicates are dropped, stale events are ignored by sequence, and lines that missed a notification are found
 * by the owner's sweep (GET session) and brought up to date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, QUICK_IVR_DESTINATION, startEngineHarness } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';

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
    await control(h.sim, 'POST', `/_sim/calls/${chosen.telephonySessionId}/pickup`);
    await h.engine.commands.send(job.id, { type: 'confirm', callId: chosen.callId }, 'test-operator');

    const done = await eventually(async () => {
      const view = await h.engine.commands.get(job.id);
      return view?.status === 'completed' ? view : undefined;
    }, 60_000, 250);
    expect(done.winnerCallId).toBe(chosen.callId);

    const { records } = await control(h.sim, 'GET', '/_sim/calls');
    expect(records.filter((r: any) => r.milestones.transferReceivedAt !== null)).toHaveLength(1);
    expect(records.filter((r: any) => r.endedAt === null && r.telephonySessionId !== chosen.telephonySessionId)).toEqual([]);
    expect(await h.redis.hlen(globalKeys.extensionReservations)).toBe(0);
    // The faults really happened.
    const { records: deliveries } = await control(h.sim, 'GET', '/_sim/webhooks');
    expect(deliveries.some((d: any) => d.lost)).toBe(true);
    expect(deliveries.some((d: any) => d.duplicated)).toBe(true);
    expect(deliveries.some((d: any) => d.reordered)).toBe(true);
  }, 150_000);
});
