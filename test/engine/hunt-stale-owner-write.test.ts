/**
 * A finished hunt's record is what its owner settled, even after a former owner wrote an older copy of a line.
 *
 * Chaos run (docs/resilience.md): a completed job kept a loser `cleaning` although our own hang-up had ended the
 * call. An owner SIGSTOPped past its lock had been replaced; on SIGCONT it applied what its stream read returned
 * and wrote the call parts its stale actors changed — among them a line the new owner had already written for the
 * last time (`cleaned`). The new owner writes only the parts that change, so the older copy stayed. Here the stale
 * write is made deterministic: the lines' parts as they were while holding land after the hunt's last step was
 * committed and before its owner finishes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { jobKeys } from '../../src/store/redis-keys.ts';
import { RedisExtensionPool } from '../../src/store/redis-extension-pool.ts';
import type { Reservation } from '../../src/store/extension-pool.ts';

let redis: PrivateRedis;
let h: EngineHarness;

/**
 * The former owner's copies of the lines' parts (taken while every line held), written once the hunt's last step
 * is committed and before the owner finishes: when it releases the last loser's extension, an intent of that step.
 */
const stale = { key: '', parts: {} as Record<string, string>, completed: false, written: false };

function noteCompletion(event: InspectionEvent): void {
  if (event.type === '@xstate.snapshot' && (event.snapshot as { value?: unknown }).value === 'completed') stale.completed = true;
}

class PoolWithAStaleWriter extends RedisExtensionPool {
  override async release(extensionId: string, holder: Reservation): Promise<boolean> {
    if (stale.completed && !stale.written) {
      stale.written = true;
      await h.redis.hset(stale.key, stale.parts);
    }
    return super.release(extensionId, holder);
  }
}

beforeAll(async () => {
  redis = await startPrivateRedis();
  h = await startEngineHarness({ db: 0, redisUrl: redis.url, relaxLimits: true, ownEngine: false });
  h.startEngine({ pool: new PoolWithAStaleWriter(h.redis), inspect: noteCompletion });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await redis?.close();
});

describe('a finished hunt after a former owner wrote older copies of its lines', () => {
  it('reads every line as its owner settled it', async () => {
    const commands = h.engine.commands;
    const job = await commands.create({ lines: 3, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const holding = await eventually(async () => {
      const held = (await commands.get(job.id))?.calls.filter((c) => c.status === 'holding') ?? [];
      return held.length === 3 ? held : undefined;
    }, 60_000);
    stale.key = jobKeys(job.id).snapshotCalls;
    stale.parts = await h.redis.hgetall(stale.key);
    expect(Object.keys(stale.parts)).toHaveLength(3);

    const winner = holding[0]!;
    await agentAnswersAndOperatorConfirms(h, job.id, winner);
    await waitForJob(h, job.id, 'completed', 30_000);
    // The record is final once the owner has finished (ended, outcome written).
    const done = await eventually(async () => {
      const view = await commands.get(job.id);
      return view?.endedAt === undefined ? undefined : view;
    }, 30_000);
    expect(stale.written).toBe(true);
    expect(done.calls.map((c) => [c.callId, c.status])).toEqual(
      done.calls.map((c) => [c.callId, c.callId === winner.callId ? 'transferred' : 'cleaned']),
    );
  }, 120_000);
});
