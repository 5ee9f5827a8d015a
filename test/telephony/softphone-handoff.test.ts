/**
 * SoftphoneTelephony `handoff: 'refer'`: the winner goes to the firm by SIP REFER from the process that holds the
 * call's dialog (the library's `call.transfer`), and by the REST transfer from a process that does not — both
 * against the real simulator's SIP listener (TLS, digest auth, SRTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { CallAudioHub } from '../../src/media/call-audio.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { ringCentralAccount } from '../../src/telephony/ringcentral-account.ts';
import type { CallRef } from '../../src/telephony/telephony-port.ts';
import { SoftphoneTelephony } from '../../src/telephony/softphone/softphone-telephony.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';

const IRS_PPS = '+18668604259';
const QUEUE = { kind: 'queue', extensionNumber: '801' } as const;

interface SipCallStatus {
  telephonySessionId: string;
  state: string;
  awaitingAck: boolean;
  endReason?: string;
}

let sim: RunningSimulator;
const phones: SoftphoneTelephony[] = [];

beforeAll(async () => {
  sim = await startTestSimulator({ sipPort: 0, timeScale: 60 });
});

afterAll(async () => {
  for (const phone of phones) phone.close();
  await sim?.close();
});

async function sipCall(sessionId: string): Promise<SipCallStatus | undefined> {
  const status = await control<{ calls: SipCallStatus[] }>(sim, 'GET', '/_sim/sip');
  return status.calls.find((c) => c.telephonySessionId === sessionId);
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 10_000; Date.now() < end; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within 10 s`);
}

describe('softphone hand-off by REFER', () => {
  it('REFERs a call this process holds, uses the REST transfer for one it does not, and bounds a refused REFER', async () => {
    const log = pino({ level: 'silent' });
    const { telephony: rest } = ringCentralAccount({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt }, new InMemoryRateBudget(), log);
    const holder = new SoftphoneTelephony({ rest, audio: new CallAudioHub(), ignoreTlsCertErrors: true, handoff: 'refer', referTimeoutMs: 1_000, log });
    const other = new SoftphoneTelephony({ rest, audio: new CallAudioHub(), ignoreTlsCertErrors: true, handoff: 'refer', log });
    phones.push(holder, other);
    const devices = sim.runtime.context.directory
      .users()
      .filter((u) => u.status === 'Enabled')
      .flatMap((u) => u.devices.filter((d) => d.type === 'OtherPhone' && d.status === 'Online').map((d) => d.id))
      .slice(0, 3);
    expect(devices.length).toBe(3);

    const calls: CallRef[] = [];
    for (const deviceId of devices) calls.push(await holder.placeCall({ deviceId, to: IRS_PPS }));
    // Answered and ACKed: the library has seen the 200 (REFER needs an established dialog).
    for (const call of calls) await until(async () => (await sipCall(call.telephonySessionId))?.awaitingAck === false && (await sipCall(call.telephonySessionId))?.state === 'answered', 'answered');
    await until(() => Promise.resolve(holder.liveCalls === 3), 'all calls held');

    const [first, second, third] = calls as [CallRef, CallRef, CallRef];
    // A refused REFER gets no NOTIFY (the library would wait forever): after the timeout the session shows no
    // hand-off, the REST transfer is refused as well, and the error reaches the engine; the call is still ours.
    await expect(holder.transfer(third, { kind: 'extension', extensionNumber: '999' })).rejects.toThrow();
    expect((await sipCall(third.telephonySessionId))?.state).toBe('answered');

    await holder.transfer(first, QUEUE);
    // `other` does not hold the second call's dialog: the REST transfer, and the server's BYE ends the holder's leg.
    await other.transfer(second, QUEUE);

    expect(await sipCall(first.telephonySessionId)).toMatchObject({ state: 'ended', endReason: 'transferred by REFER' });
    await until(async () => (await sipCall(second.telephonySessionId))?.state === 'ended', 'second leg ended');
    expect((await sipCall(second.telephonySessionId))?.endReason).not.toBe('transferred by REFER');
    for (const call of [first, second]) {
      const report = await control<{ milestones: { transferReceivedAt: string | null }; parties: { id: string; status: string; reason?: string }[] }>(sim, 'GET', `/_sim/calls/${call.telephonySessionId}`);
      expect(report.milestones.transferReceivedAt).not.toBeNull();
      expect(report.parties.find((p) => p.id === call.partyId)).toMatchObject({ status: 'Disconnected', reason: 'BlindTransfer' });
    }
    await until(() => Promise.resolve(holder.liveCalls === 1), 'the holder let both transferred calls go');
  }, 30_000);
});
