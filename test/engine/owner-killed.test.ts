/**
 * A hunt whose owner process dies with SIGKILL mid-hunt is finished by another process: BullMQ's stalled check
 * hands the hunt over, the new owner restores every actor from Redis, reconciles with the simulator, and the
 * hunt still ends with exactly one transfer and every other line hung up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, QUICK_IVR_DESTINATION, startEngineHarness } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';

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
    await control(h.sim, 'POST', `/_sim/calls/${chosen.telephonySessionId}/pickup`);
    await commands.send(job.id, { type: 'confirm', callId: chosen.callId }, 'test-operator');

    h.startEngine();
    const done = await eventually(async () => {
      const current = await commands.get(job.id);
      return current?.status === 'completed' ? current : undefined;
    }, 60_000, 200);
    expect(done.winnerCallId).toBe(chosen.callId);

    const { records } = await control(h.sim, 'GET', '/_sim/calls');
    expect(records.filter((r: any) => r.milestones.transferReceivedAt !== null)).toHaveLength(1);
    expect(records.filter((r: any) => r.endedAt === null && r.telephonySessionId !== chosen.telephonySessionId)).toEqual([]);
    expect(await h.redis.hlen(globalKeys.extensionReservations)).toBe(0);
  }, 150_000);
});
