/**
 * The short chaos run on every submission (what `npm run chaos -- --short` does): 2 engine processes on a
 * private Redis with AOF, 3 hunts × 4 lines, and every kind of fault once — SIGKILL of an instance while lines
 * dial, hold and hand off, a Redis SIGKILL and restart, SIGSTOP past the lock, lost/duplicated/reordered/delayed
 * webhooks, a 503/429 burst and skewed clocks. The simulator's truth must hold: one transfer per job whose agent
 * picked up, no call left connected, no extension leaked, no call event lost. See docs/resilience.md#chaos.
 */
import { describe, expect, it } from 'vitest';
import { SHORT_RUN, formatReport, runChaos } from './chaos-run.ts';

describe('the short chaos run', () => {
  it('keeps every invariant under injected failures', async () => {
    const report = await runChaos({ ...SHORT_RUN, seed: Number(process.env.CHAOS_SEED ?? 1) });
    expect(report.violations, formatReport(report)).toEqual([]);
    expect(report.jobs.completed).toBe(report.jobs.total);
    expect(report.transfers).toBe(report.jobsPickedUp);
  }, 240_000);
});
