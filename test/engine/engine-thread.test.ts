/**
 * `serve` runs hunts in a worker thread of their own (src/engine/engine-thread.ts): the same hunt, driven from
 * the main thread's commands and webhooks through Redis, ends with one transfer and every other line hung up,
 * and the thread stops cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';

// One harness at a time: each describe has the file's Redis db (5) to itself while it runs.
describe('the engine thread', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness({ db: 5, engineInThread: true, relaxLimits: true });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('runs a hunt to exactly one transfer', async () => {
    const job = await h.engine.commands.create({ lines: 4, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const chosen = await eventually(async () => (await h.engine.commands.get(job.id))?.calls.find((c) => c.status === 'holding'), 60_000);
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);
    await waitForJob(h, job.id, 'completed', 60_000);
    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);
  }, 120_000);
});

describe('several engine threads (HUNT_THREADS=2)', () => {
  let t: EngineHarness;

  beforeAll(async () => {
    t = await startEngineHarness({ db: 5, engineInThread: true, engineThreads: 2, relaxLimits: true });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('share the hunts: each ends with exactly one transfer', async () => {
    const jobs = await Promise.all([1, 2, 3].map(() => t.engine.commands.create({ lines: 3, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator')));
    const chosen = await Promise.all(jobs.map((job) => eventually(async () => (await t.engine.commands.get(job.id))?.calls.find((c) => c.status === 'holding'), 60_000)));
    await Promise.all(jobs.map((job, i) => agentAnswersAndOperatorConfirms(t, job.id, chosen[i]!)));
    await Promise.all(jobs.map((job) => waitForJob(t, job.id, 'completed', 60_000)));
    const { records } = await control<{ records: { telephonySessionId: string; endedAt: string | null; to?: string; milestones: { transferReceivedAt: string | null } }[] }>(t.sim, 'GET', '/_sim/calls');
    expect(records.filter((r) => r.milestones.transferReceivedAt !== null).map((r) => r.telephonySessionId).sort()).toEqual(chosen.map((c) => c.telephonySessionId).sort());
    const winners = new Set(chosen.map((c) => c.telephonySessionId));
    expect(records.filter((r) => r.endedAt === null && !winners.has(r.telephonySessionId) && !/^\d{1,8}$/.test(r.to ?? ''))).toEqual([]);
  }, 150_000);
});

describe('the engine thread with softphone lines', () => {
  let s: EngineHarness;

  beforeAll(async () => {
    s = await startEngineHarness({ db: 5, engineInThread: true, lineMode: 'softphone', relaxLimits: true });
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  it('registers the hunt-enabled Existing Phones before any job needs them', async () => {
    const eligible = Object.values(await s.redis.hgetall('hh:extensions'))
      .map((raw) => JSON.parse(raw) as { enabled: boolean; deviceType?: string })
      .filter((e) => e.enabled && e.deviceType === 'OtherPhone').length;
    expect(eligible).toBeGreaterThan(0);
    await eventually(async () => {
      const { registrations } = await control<{ registrations: unknown[] }>(s.sim, 'GET', '/_sim/sip');
      return registrations.length >= eligible;
    }, 60_000);
  }, 90_000);
});
