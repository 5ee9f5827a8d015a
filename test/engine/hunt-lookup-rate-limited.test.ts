/**
 * A 429 burst hits the sweep's session look-ups (the simulator's /_sim/faults, Retry-After 60 s): the credential
 * is blocked for a minute, but the hunt does not wait it out inside its loop — it skips those look-ups until a
 * later sweep and goes on applying what arrives, so the operator's confirm is taken at once. (Found by the chaos
 * run, docs/resilience.md#chaos.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { TEST_CREDENTIALS, control } from '../support/simulator-harness.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import type { RateBudget } from '../../src/telephony/rate-budget.ts';
import type { RequestPriority, ThrottleGroup } from '../../src/telephony/telephony-port.ts';
import type { JobCommands } from '../../src/engine/job-commands.ts';
import type { CallView } from '../../src/engine/hunt-types.ts';

const ROOMY = { limit: 100_000, windowMs: 60_000 };

/**
 * The in-memory budget, with the test's hand on the clock of a 429 penalty: `lift()` ends it early (the hand-off,
 * which rightly waits for the budget, then goes out before the simulator's agent gives up).
 */
class LiftableBudget implements RateBudget {
  private inner = LiftableBudget.fresh();

  private static fresh(): InMemoryRateBudget {
    return new InMemoryRateBudget({ limits: { Light: ROOMY, Medium: ROOMY, Heavy: ROOMY, Auth: ROOMY } });
  }

  lift(): void {
    this.inner = LiftableBudget.fresh();
  }

  async acquire(credential: string, group: ThrottleGroup, priority: RequestPriority, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = await this.inner.tryAcquire(credential, group, priority);
      if (now.ok) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(now.retryInMs, 200)));
    }
  }

  tryAcquire(credential: string, group: ThrottleGroup, priority: RequestPriority) {
    return this.inner.tryAcquire(credential, group, priority);
  }

  penalize(credential: string, retryAfterMs?: number): Promise<void> {
    return this.inner.penalize(credential, retryAfterMs);
  }
}

let redis: PrivateRedis;
let h: EngineHarness;
const budget = new LiftableBudget();

/** True while a 429's Retry-After keeps the credential from sending anything (the transfer priority included). */
async function credentialBlocked(): Promise<boolean> {
  return !(await budget.tryAcquire(TEST_CREDENTIALS.clientId, 'Light', 'transfer')).ok;
}

/**
 * A two-line hunt with both lines on hold, then a moment in which every REST request is refused: the next sweep's
 * look-up meets a 429 with Retry-After 60 s, which blocks the credential.
 */
async function holdingThen429s(commands: JobCommands) {
  const job = await commands.create({ lines: 2, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
  const holding = await eventually(async () => {
    const held = (await commands.get(job.id))?.calls.filter((c) => c.status === 'holding') ?? [];
    return held.length === 2 ? held : undefined;
  }, 60_000, 200);
  await control(h.sim, 'POST', '/_sim/faults', { api429: 1 });
  await eventually(credentialBlocked, 15_000, 100);
  await control(h.sim, 'POST', '/_sim/faults', { api429: 0 });
  return { job, holding };
}

/** The agent answers `chosen` and the operator confirms it: the confirm is applied while the credential is still blocked. */
async function confirmAppliedWhileBlocked(commands: JobCommands, jobId: string, chosen: CallView): Promise<void> {
  await agentAnswersAndOperatorConfirms(h, jobId, chosen);
  await eventually(async () => {
    const line = (await commands.get(jobId))?.calls.find((c) => c.callId === chosen.callId);
    return line && ['confirmed', 'transferring', 'transferred'].includes(line.status);
  }, 20_000, 200);
  expect(await credentialBlocked()).toBe(true);
}

/** Once the penalty is over, the hand-off goes out and the hunt completes with `chosen` as its winner. */
async function completesOnceLifted(jobId: string, chosen: CallView): Promise<void> {
  budget.lift();
  const done = await waitForJob(h, jobId, 'completed', 60_000);
  expect(done.winnerCallId).toBe(chosen.callId);
}

beforeAll(async () => {
  redis = await startPrivateRedis();
  h = await startEngineHarness({ db: 0, redisUrl: redis.url, budget, relaxLimits: true, engineOptions: { sweep: { everyMs: 500, dialingStaleMs: 3_000, recheckLiveMs: 1_000 } } });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await redis?.close();
});

describe('a 429 on the sweep’s session look-ups', () => {
  it('blocks the credential but not the hunt: the confirm is applied while the block lasts', async () => {
    const commands = h.engine.commands;
    const { job, holding } = await holdingThen429s(commands);

    const chosen = holding[0]!;
    await confirmAppliedWhileBlocked(commands, job.id, chosen);
    await completesOnceLifted(job.id, chosen);
    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);
  }, 180_000);

  it('does not hold up a new owner either: its reconcile skips the look-ups and the confirm is applied at once', async () => {
    const first = h.startEngine();
    const commands = first.commands;
    const { job, holding } = await holdingThen429s(commands);

    // The owners hand the hunt on (a deploy): the new one reconciles every live line before it reads its stream.
    await h.engine.close();
    await first.close();
    h.startEngine();
    const chosen = holding[1]!;
    await confirmAppliedWhileBlocked(commands, job.id, chosen);
    await completesOnceLifted(job.id, chosen);
  }, 180_000);
});
