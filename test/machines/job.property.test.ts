/**
 * Property: under any interleaving of plausible telephony, detection and operator events — with webhooks lost,
 * duplicated and reordered, and the host crashing and restoring from JSON at random points, re-executing intents
 * — a job never makes two hand-offs on one token or two successful transfers, always finishes once cancelled,
 * and when it finishes nothing of ours is connected, every reserved extension is released and every event a
 * call received is in its history with the verdict the rules give it. See sim-host.ts for the host it plays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimHost } from './sim-host.ts';

const scenario = fc.record({
  lines: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 })),
  handoff: fc.constantFrom('transfer' as const, 'standby-bridge' as const),
  permanentFailures: fc.boolean(),
  looseHangup: fc.boolean(),
  choices: fc.array(fc.nat({ max: 9_999 }), { maxLength: 3_000, size: 'max' }),
});

const NUM_RUNS = Number(process.env.MACHINE_PROPERTY_RUNS ?? 400);

describe('job machine under a simulated host (crashes, duplicates, reordering, drops)', () => {
  it('keeps every invariant and always finishes', () => {
    const seen = { completed: 0, cancelled: 0, failed: 0, crashes: 0, transfersFailed: 0, transfersOk: 0, duplicates: 0, oldSessions: 0, standbyRings: 0, repeatedTimers: 0 };
    fc.assert(
      fc.property(scenario, (options) => {
        const sim = new SimHost(options);
        sim.run();
        expect(sim.check()).toEqual([]);
        const status = [...sim.finishes.values()][0];
        if (status === 'completed' || status === 'cancelled' || status === 'failed') seen[status] += 1;
        seen.crashes += sim.crashes;
        seen.transfersOk += sim.transferCalls.filter((t) => t.ok).length;
        seen.transfersFailed += sim.transferCalls.filter((t) => !t.ok).length;
        seen.duplicates += sim.verdicts.duplicate ?? 0;
        seen.oldSessions += sim.verdicts['old-session'] ?? 0;
        seen.standbyRings += sim.standbyRings.size;
        seen.repeatedTimers += sim.repeatedTimers;
      }),
      { numRuns: NUM_RUNS },
    );
    // The generator must actually reach the interesting paths, or the property proves little.
    for (const [key, count] of Object.entries(seen)) expect(count, key).toBeGreaterThan(0);
  }, Math.max(30_000, NUM_RUNS * 60));
});
