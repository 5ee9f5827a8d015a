/**
 * SIGTERM to a `hold-hunter serve` that owns a hunt: it stops taking work (/readyz 503), finishes the step in
 * flight, hands the hunt back to BullMQ at once (not after its 30 s lock expires), closes and exits 0; another
 * process takes the hunt over, reconciles its lines with RingCentral (a line dropped meanwhile, unnotified, is
 * noticed), keeps every other line holding, and the hunt ends with exactly one transfer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { onCluster, TEST_REDIS } from '../support/redis-url.ts';
import { spawnApp } from '../support/spawn-app.ts';
import type { SpawnedApp } from '../support/spawn-app.ts';
import { TEST_CREDENTIALS, control } from '../support/simulator-harness.ts';
import { WEBHOOK_PATH } from '../../src/web/webhook-receiver.ts';

let redisServer: PrivateRedis;
let h: EngineHarness;
let app: SpawnedApp | undefined;
// `npm run test:cluster`: the harness and the serve process share that cluster instead.
const redisUrl = (): string => (onCluster ? TEST_REDIS : redisServer.url);

beforeAll(async () => {
  redisServer = await startPrivateRedis();
  // The harness only sends commands: the hunt's owner is the `serve` process below.
  h = await startEngineHarness({ db: 0, redisUrl: redisUrl(), ownEngine: false, relaxLimits: true });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await h?.close();
  await redisServer?.close();
});

describe('SIGTERM during a hunt', () => {
  it('hands the hunt to another process at once: no line lost, exactly one transfer', async () => {
    const webhookAddress = h.keeper.current?.address ?? '';
    app = await spawnApp({
      REDIS_URL: redisUrl(),
      RC_SERVER_URL: h.sim.url,
      RC_CLIENT_ID: TEST_CREDENTIALS.clientId,
      RC_CLIENT_SECRET: TEST_CREDENTIALS.clientSecret,
      RC_JWT: TEST_CREDENTIALS.jwt,
      // The same webhook receiver and token as the harness: the subscription stays as it is.
      PUBLIC_URL: webhookAddress.slice(0, -WEBHOOK_PATH.length),
      RC_WEBHOOK_TOKEN: 'engine-harness-token',
      LINE_MODE: 'call-out',
      LOG_LEVEL: 'info',
    });
    const served = app;
    await eventually(async () => ((await fetch(`${served.url}/readyz`)).status === 200 ? true : undefined), 20_000, 100);

    const commands = h.engine.commands;
    const job = await commands.create({ lines: 4, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    const holding = await eventually(async () => {
      const view = await commands.get(job.id);
      const calls = view?.calls.filter((c) => c.status === 'holding') ?? [];
      return calls.length >= 4 ? calls : undefined;
    }, 60_000, 200);

    // SIGTERM: while it closes, the instance says it takes no more work.
    const exited = new Promise<number | null>((resolve) => served.process.once('exit', (code) => resolve(code)));
    const stoppingAt = Date.now();
    served.process.kill('SIGTERM');
    const answers: number[] = [];
    for (let open = true; open; ) {
      try {
        answers.push((await fetch(`${served.url}/readyz`)).status);
      } catch {
        open = false;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await exited).toBe(0);
    const shutdownMs = Date.now() - stoppingAt;
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((status) => status === 503)).toBe(true);
    expect(shutdownMs).toBeLessThan(25_000);
    expect(served.output()).toContain('shut down cleanly');
    app = undefined;

    // The hunt was handed back (waiting for the next owner), not left locked until the old owner's 30 s BullMQ
    // lock expires.
    const hunts = await h.engine.hunts.getJobs(['active', 'delayed', 'wait']);
    expect(hunts).toHaveLength(1);
    expect(await hunts[0]!.getState()).not.toBe('active');

    // While nobody owns the hunt, the IRS drops one line and its notification is lost: only the new owner's
    // reconciliation with RingCentral after the restart can notice.
    const dropped = holding[0]!;
    await control(h.sim, 'POST', '/_sim/faults', { webhookLoss: 1 });
    await control(h.sim, 'POST', `/_sim/calls/${dropped.telephonySessionId}/disconnect`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await control(h.sim, 'DELETE', '/_sim/faults');

    // Another process (this one) takes over at once.
    h.startEngine();
    await eventually(async () => ((await h.engine.hunts.getActiveCount()) > 0 ? true : undefined), 10_000, 100);

    // The dropped line is noticed by the reconciliation sweep (ended, then redialled as a new attempt) …
    await eventually(async () => {
      const call = (await commands.get(job.id))?.calls.find((c) => c.callId === dropped.callId);
      return call && (call.attempt > dropped.attempt || call.status !== 'holding') ? call : undefined;
    }, 15_000, 100);
    // … and no other line was lost: the same calls are still holding under the new owner.
    const after = await commands.get(job.id);
    for (const call of holding.slice(1)) {
      expect(after?.calls.find((c) => c.callId === call.callId)).toMatchObject({ status: 'holding', telephonySessionId: call.telephonySessionId });
    }

    const chosen = holding[2]!;
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);
    const done = await waitForJob(h, job.id, 'completed', 60_000);
    expect(done.winnerCallId).toBe(chosen.callId);
    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);
  }, 180_000);
});
