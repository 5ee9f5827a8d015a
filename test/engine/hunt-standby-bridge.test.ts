/**
 * The standby bridge: when a line is confirmed the firm's queue is rung from the line's extension, and once it
 * answers the IRS call is bridged to it, so the agent meets a person instead of ringing. Exactly one call
 * reaches the firm; the other lines and every leg of ours are hung up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';

// Both line modes: in softphone mode the firm's standby leg is a second SIP call from the line's own device.
describe.each(['call-out', 'softphone'] as const)('a hunt with the standby bridge (%s lines)', (lineMode) => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness({ db: 7, lineMode });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('bridges the confirmed IRS call to the answered firm leg', async () => {
    const job = await h.engine.commands.create({ lines: 3, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' }, handoff: 'standby-bridge' }, 'test-operator');
    const chosen = await eventually(async () => (await h.engine.commands.get(job.id))?.calls.find((c) => c.status === 'holding'), 60_000);
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);
    const done = await waitForJob(h, job.id, 'completed');
    expect(done.winnerCallId).toBe(chosen.callId);

    const report = await control(h.sim, 'GET', `/_sim/calls/${chosen.telephonySessionId}`);
    expect(report.milestones.transferReceivedAt).not.toBeNull();
    expect(report.timeline.some((e: { event: string; detail?: { bridge?: string } }) => e.event === 'transfer-received' && e.detail?.bridge)).toBe(true);
    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);
  }, 120_000);
});
