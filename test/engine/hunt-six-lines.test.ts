/**
 * A 6-line hunt end to end: the engine against the simulator through the official SDK, with real Redis and
 * RingCentral's rate limits. An operator confirms a live agent on one line: exactly that call reaches the firm's
 * queue, every other call is hung up, and no extension stays reserved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, QUICK_IVR_DESTINATION, startEngineHarness } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { readHistory } from '../../src/engine/job-history.ts';

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
    await control(h.sim, 'POST', `/_sim/calls/${chosen.telephonySessionId}/pickup`);
    await h.engine.commands.send(job.id, { type: 'confirm', callId: chosen.callId }, 'test-operator');

    const done = await eventually(async () => {
      const view = await h.engine.commands.get(job.id);
      return view?.status === 'completed' ? view : undefined;
    }, 30_000);
    expect(done.winnerCallId).toBe(chosen.callId);

    const { records } = await control(h.sim, 'GET', '/_sim/calls');
    const transferred = records.filter((r: any) => r.milestones.transferReceivedAt !== null);
    expect(transferred).toHaveLength(1);
    expect(transferred[0].telephonySessionId).toBe(chosen.telephonySessionId);
    const stillConnected = records.filter((r: any) => r.endedAt === null && r.telephonySessionId !== chosen.telephonySessionId);
    expect(stillConnected).toEqual([]);
    expect(await h.redis.hlen(globalKeys.extensionReservations)).toBe(0);

    const history = await readHistory(h.redis, job.id);
    expect(history.some((e) => e.actor === chosen.callId && e.to === 'transferred')).toBe(true);
    expect(history.some((e) => e.actor === 'job' && e.to === 'completed')).toBe(true);
  }, 120_000);
});
