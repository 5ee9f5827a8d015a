/**
 * A hunt over softphone lines meets SIP faults and goes on: the network answers some INVITEs 486 Busy, and one
 * line's device loses its TLS connection mid-hunt. Busy lines and the dropped line fail and are redialled (the
 * dropped device registers again on its next call), and the hunt still ends with exactly one transfer, every
 * other line hung up, no extension left reserved, and no crash of the process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import type { CallView } from '../../src/engine/hunt-types.ts';
import { control } from '../support/simulator-harness.ts';

interface SipStatus {
  faults: { busyNextInvites: number };
  calls: { deviceId: string; telephonySessionId: string; state: string; endReason?: string }[];
}

interface SimRecord {
  telephonySessionId: string;
  endedAt: string | null;
  parties: { reason?: string }[];
}

let h: EngineHarness;
const crashes: unknown[] = [];
const onCrash = (error: unknown): void => void crashes.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  h = await startEngineHarness({ db: 3, lineMode: 'softphone' });
}, 60_000);

afterAll(async () => {
  await h?.close();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
});

async function holdingLines(jobId: string): Promise<CallView[]> {
  return (await h.engine.commands.get(jobId))?.calls.filter((c) => c.status === 'holding' && c.telephonySessionId) ?? [];
}

describe('a softphone hunt under SIP faults', () => {
  it('survives 486s and a dropped TLS connection, and still ends with exactly one transfer', async () => {
    await control(h.sim, 'POST', '/_sim/sip/faults', { busyNextInvites: 2 });
    const job = await h.engine.commands.create({ lines: 4, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');

    // The first two INVITEs were answered 183 then 486: those lines failed busy and are redialled.
    await eventually(async () => ((await control<SipStatus>(h.sim, 'GET', '/_sim/sip')).faults.busyNextInvites === 0 ? true : undefined), 30_000);
    const busy = await eventually(async () => {
      const { records } = await control<{ records: SimRecord[] }>(h.sim, 'GET', '/_sim/calls');
      const ended = records.filter((r) => r.endedAt !== null && r.parties.some((p) => p.reason === 'TargetBusy'));
      return ended.length >= 2 ? ended : undefined;
    }, 15_000);
    expect(busy).toHaveLength(2);

    // One holding line's device loses its TLS connection.
    const [victim] = await eventually(async () => {
      const held = await holdingLines(job.id);
      return held.length >= 2 ? held : undefined;
    }, 60_000);
    const victimSession = victim!.telephonySessionId!;
    const sip = await control<SipStatus>(h.sim, 'GET', '/_sim/sip');
    const victimDevice = sip.calls.find((c) => c.telephonySessionId === victimSession)?.deviceId;
    expect(victimDevice).toBeDefined();
    const { closed } = await control<{ closed: number }>(h.sim, 'POST', `/_sim/sip/devices/${victimDevice}/disconnect`);
    expect(closed).toBeGreaterThanOrEqual(1);
    // That line lets go of its session and is dialled again (a new session) after the machine's redial back-off
    // (15 s ± 15 %).
    let seen: unknown;
    await eventually(async () => {
      const line = (await h.engine.commands.get(job.id))?.calls.find((c) => c.callId === victim!.callId);
      seen = line;
      return line && line.telephonySessionId !== victimSession && line.attempt > victim!.attempt ? line : undefined;
    }, 45_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; the line: ${JSON.stringify(seen)}`);
    });

    // The hunt goes on: an agent on another holding line is confirmed and handed off.
    const winner = await eventually(async () => (await holdingLines(job.id)).find((c) => c.telephonySessionId !== victimSession), 60_000);
    await agentAnswersAndOperatorConfirms(h, job.id, winner);
    const done = await waitForJob(h, job.id, 'completed', 60_000);
    expect(done.winnerCallId).toBe(winner.callId);
    await expectOneTransferAndRestEnded(h, winner.telephonySessionId);
    const { records } = await control<{ records: SimRecord[] }>(h.sim, 'GET', '/_sim/calls');
    expect(records.find((r) => r.telephonySessionId === victimSession)?.endedAt).not.toBeNull();
    expect(crashes).toEqual([]);
  }, 120_000);
});
