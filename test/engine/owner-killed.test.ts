/**
 * A hunt whose owner process dies with SIGKILL mid-hunt is finished by another process: BullMQ's stalled check
 * hands the hunt over, the new owner restores every actor from Redis, reconciles with the simulator, and the
 * hunt still ends with exactly one transfer and every other line hung up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness;
let child: ChildProcess | undefined;

function startChildEngine(redisUrl: string, simUrl: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('../support/engine-process.ts', import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx', script, redisUrl, simUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('engine-ready')) resolve(proc);
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`engine process exited with ${code}: ${output}`)));
  });
}

beforeAll(async () => {
  h = await startEngineHarness({ db: 14, ownEngine: false });
}, 60_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await h?.close();
});

describe('an owner killed mid-hunt', () => {
  it('is replaced by another process that finishes the hunt correctly', async () => {
    child = await startChildEngine(h.redisUrl, h.sim.url);
    const commands = h.engine.commands;
    const job = await commands.create({ lines: 4, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    await eventually(async () => ((await commands.get(job.id))?.calls.filter((c) => c.status === 'holding').length ?? 0) >= 4, 60_000);

    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    child = undefined;

    // The operator confirms while nobody owns the hunt: the command waits in the job's stream.
    const view = await commands.get(job.id);
    const chosen = view!.calls[1]!;
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);

    h.startEngine();
    const done = await waitForJob(h, job.id, 'completed', 60_000);
    expect(done.winnerCallId).toBe(chosen.callId);

    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);
  }, 150_000);
});
