import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimHost } from './sim-host.ts';

const scenario = fc.record({
  lines: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 })),
  handoff: fc.constantFrom('transfer' as const, 'standby-bridge' as const),
  permanentFailures: fc.boolean(),
  choices: fc.array(fc.nat({ max: 9_999 }), { maxLength: 3_000, size: 'max' }),
});

describe('job machine under a simulated host (crashes, duplicates, reordering, drops)', () => {
  it('keeps every invariant and always finishes', () => {
    const stats = { runs: 0, completed: 0, cancelled: 0, failed: 0, crashes: 0, transfers: 0 };
    fc.assert(
      fc.property(scenario, (options) => {
        const sim = new SimHost(options);
        sim.run();
        const problems = sim.check();
        stats.runs += 1;
        stats.crashes += sim.crashes;
        stats.transfers += sim.transferCalls.length;
        const status = [...sim.finishes.values()][0];
        if (status === 'completed' || status === 'cancelled' || status === 'failed') stats[status] += 1;
        expect(problems).toEqual([]);
      }),
      { numRuns: Number(process.env.MACHINE_PROPERTY_RUNS ?? 150) },
    );
    console.log(JSON.stringify(stats));
  });
});
