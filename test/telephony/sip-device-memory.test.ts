/**
 * A device places calls for hours (every failed line is redialled from it): a call that has ended must not stay in
 * memory for as long as the device's connection lives. Real simulator SIP listener, the unchanged
 * ringcentral-softphone@1.3.7 inside SipDevice; calls ended by the far end, and calls we cancel before the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { ringCentralAccount } from '../../src/telephony/ringcentral-account.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { SipDevice } from '../../src/telephony/softphone/sip-device.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { existingPhones } from '../simulator/sip/softphone-harness.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let sim: RunningSimulator;
let device: SipDevice;

beforeAll(async () => {
  sim = await startTestSimulator({ sipPort: 0, timeScale: 10 });
  const log = pino({ level: 'silent' });
  const account = ringCentralAccount({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt }, new InMemoryRateBudget(), log);
  const [phone] = await existingPhones(sim, 1);
  if (!phone) throw new Error('no device');
  device = new SipDevice({ deviceId: phone.deviceId, sipInfo: await account.telephony.sipInfo(phone.deviceId), codec: 'PCMU/8000', ignoreTlsCertErrors: true, log });
});

afterAll(async () => {
  device?.close();
  await sim?.close();
});

/** How many of the calls are still reachable once the garbage collector has run. */
async function stillAlive(ended: WeakRef<object>[]): Promise<number> {
  // Late handlers run a turn or two after the end.
  for (let round = 0; round < 5 && ended.some((ref) => ref.deref()); round++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
  }
  return ended.filter((ref) => ref.deref() !== undefined).length;
}

describe('SipDevice memory', () => {
  it('keeps no ended call alive while its connection stays up', async () => {
    const ended: WeakRef<object>[] = [];
    for (let i = 0; i < 3; i++) {
      const call = await device.call('+18668604259');
      await new Promise<void>((resolve) => call.once('answered', () => resolve()));
      const disposed = new Promise<void>((resolve) => call.once('disposed', () => resolve()));
      await control(sim, 'POST', `/_sim/calls/${call.sessionId}/disconnect`);
      await disposed;
      ended.push(new WeakRef(call));
    }
    expect(await stillAlive(ended)).toBe(0);
  }, 60_000);

  it('keeps no call cancelled before the answer (the library ignores its 487)', async () => {
    const ended: WeakRef<object>[] = [];
    for (let i = 0; i < 3; i++) {
      const call = await device.call('+18668604259');
      const disposed = new Promise<void>((resolve) => call.once('disposed', () => resolve()));
      await call.cancel();
      await disposed;
      ended.push(new WeakRef(call));
    }
    expect(await stillAlive(ended)).toBe(0);
    // The device goes on: the next call is answered.
    const next = await device.call('+18668604259');
    await new Promise<void>((resolve) => next.once('answered', () => resolve()));
    await control(sim, 'POST', `/_sim/calls/${next.sessionId}/disconnect`);
  }, 60_000);
});
