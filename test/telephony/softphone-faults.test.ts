/**
 * Softphone lines under the faults of issue 4, against the real simulator's SIP listener and the unchanged
 * ringcentral-softphone@1.3.7 inside SoftphoneTelephony (over the real REST adapter): TLS refused, a certificate
 * that does not verify, junk / forged SRTP / RTCP on the call's RTP socket, the TLS connection dropped mid-call,
 * and 486 Busy. Each must end as a clean failure or recovery of that line — never an uncaught exception or an
 * unhandled rejection, which would end the whole process (and every other line with it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { ringCentralAccount } from '../../src/telephony/ringcentral-account.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { CallAudioHub } from '../../src/media/call-audio.ts';
import { SoftphoneTelephony } from '../../src/telephony/softphone/softphone-telephony.ts';
import { LineHangupRelay } from '../../src/telephony/softphone/line-hangup-relay.ts';
import { redisFixture } from '../store/redis-fixture.ts';
import { TelephonyError } from '../../src/telephony/telephony-port.ts';
import type { CallRef } from '../../src/telephony/telephony-port.ts';
import { dialString } from '../../src/telephony/dial-string.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { existingPhones } from '../simulator/sip/softphone-harness.ts';

const IRS = dialString('+18668604259', [
  { digits: '1', afterMs: 0 },
  { digits: '2', afterMs: 0 },
]);

interface SimCall {
  endedAt: string | null;
  milestones: { hangupBy: string | null };
  parties: { reason?: string }[];
  timeline: { event: string; detail?: unknown }[];
}

let sim: RunningSimulator;
let account: ReturnType<typeof ringCentralAccount>;
let deviceIds: string[];
const audio = new CallAudioHub();
const frames = new Map<string, number>();
const logs: { level: number; msg: string }[] = [];
const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
const crashes: unknown[] = [];
const onCrash = (error: unknown): void => void crashes.push(error);
const phones: SoftphoneTelephony[] = [];

/** REST hang-ups the softphone fell back to (a SIP hang-up that went unconfirmed, or a lost connection). */
const restHangups: string[] = [];

function softphone(ignoreTlsCertErrors = true): SoftphoneTelephony {
  const counting = new Proxy(account.telephony, {
    get(target, property, receiver) {
      if (property === 'hangup') return (id: string) => (restHangups.push(id), target.hangup(id));
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const phone = new SoftphoneTelephony({ rest: counting, audio, ignoreTlsCertErrors, log, byeTimeoutMs: 2_000 });
  phones.push(phone);
  return phone;
}

function device(index: number): string {
  const id = deviceIds[index];
  if (!id) throw new Error(`no device ${index}`);
  return id;
}

async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until `n` more audio frames of the call have reached the CallAudio hub. */
async function heardFrames(call: CallRef, n: number): Promise<void> {
  const from = frames.get(call.telephonySessionId) ?? 0;
  await eventually(() => ((frames.get(call.telephonySessionId) ?? 0) >= from + n ? true : undefined), 10_000, `${n} frames of ${call.telephonySessionId}`);
}

function simCall(call: CallRef): Promise<SimCall> {
  return control<SimCall>(sim, 'GET', `/_sim/calls/${call.telephonySessionId}`);
}

async function hangUpAndConfirm(phone: SoftphoneTelephony, call: CallRef): Promise<void> {
  await phone.hangup(call.telephonySessionId);
  await eventually(async () => ((await simCall(call)).endedAt !== null ? true : undefined), 5_000, 'the call ended');
}

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  sim = await startTestSimulator({ sipPort: 0, timeScale: 10 });
  account = ringCentralAccount({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt }, new InMemoryRateBudget(), log);
  deviceIds = (await existingPhones(sim, 7)).map((d) => d.deviceId);
  audio.subscribeAll((sessionId) => frames.set(sessionId, (frames.get(sessionId) ?? 0) + 1));
});

afterEach(async () => {
  await control(sim, 'DELETE', '/_sim/sip/faults');
  // Late rejections and socket errors surface a turn or two after the fault.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(crashes).toEqual([]);
});

afterAll(async () => {
  for (const phone of phones) phone.close();
  await sim?.close();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
});

describe('softphone lines under faults', () => {
  it('TLS refused: placeCall rejects with a TelephonyError at once; the same device works after the fault clears', async () => {
    const phone = softphone();
    await control(sim, 'POST', '/_sim/sip/faults', { refuseTls: true });
    const started = Date.now();
    const refused = await phone.placeCall({ deviceId: device(0), to: IRS }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TelephonyError);
    expect((refused as TelephonyError).status).toBe(503);
    // Not the library's 10 s wait for a connection that is already gone.
    expect(Date.now() - started).toBeLessThan(3_000);

    await control(sim, 'DELETE', '/_sim/sip/faults');
    const call = await phone.placeCall({ deviceId: device(0), to: IRS });
    await heardFrames(call, 25);
    await hangUpAndConfirm(phone, call);
    expect(phone.liveCalls).toBe(0);
  });

  it('a certificate that does not verify: placeCall rejects (permanent), nothing crashes', async () => {
    const phone = softphone(false);
    const started = Date.now();
    const refused = await phone.placeCall({ deviceId: device(1), to: IRS }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TelephonyError);
    expect(refused).toMatchObject({ status: 495, errorCode: 'SIP-TLS-CERT' });
    expect(Date.now() - started).toBeLessThan(3_000);
    const { registrations } = await control<{ registrations: { deviceId: string }[] }>(sim, 'GET', '/_sim/sip');
    expect(registrations.map((r) => r.deviceId)).not.toContain(device(1));
  });

  it('junk, forged SRTP and RTCP on the RTP socket are dropped; the call keeps being heard', async () => {
    const phone = softphone();
    const call = await phone.placeCall({ deviceId: device(2), to: IRS });
    await heardFrames(call, 10);
    const dropped = (): number => logs.filter((l) => l.msg === 'dropped a packet the SIP library could not handle').length;
    const before = dropped();
    for (const kind of ['random', 'forged-srtp', 'rtcp'] as const) {
      expect(await control(sim, 'POST', `/_sim/sip/calls/${call.telephonySessionId}/junk-rtp`, { kind, count: 20 })).toEqual({ sent: 20 });
    }
    await heardFrames(call, 25);
    // Every datagram reached the library's handler and threw there (caught by the guard), none was taken for audio.
    await eventually(() => (dropped() - before >= 60 ? true : undefined), 5_000, '60 dropped datagrams');
    expect((await simCall(call)).endedAt).toBeNull();
    await hangUpAndConfirm(phone, call);
    // The hook only knows live SIP calls.
    await expect(control(sim, 'POST', `/_sim/sip/calls/${call.telephonySessionId}/junk-rtp`, { kind: 'random' })).rejects.toThrow(/404/);
  });

  it('TLS dropped mid-call: the call ends, and the next call from the device registers again and works', async () => {
    const phone = softphone();
    const call = await phone.placeCall({ deviceId: device(3), to: IRS });
    await heardFrames(call, 10);
    expect(phone.liveCalls).toBe(1);
    expect(await control(sim, 'POST', `/_sim/sip/devices/${device(3)}/disconnect`)).toEqual({ closed: 1 });
    // The product lets go of the call (its RTP socket closed, nothing left to hang up) and the session is gone.
    await eventually(() => (phone.liveCalls === 0 ? true : undefined), 5_000, 'the call released');
    const ended = await eventually(async () => {
      const report = await simCall(call);
      return report.endedAt !== null ? report : undefined;
    }, 5_000);
    expect(ended.milestones.hangupBy).toBe('caller');
    expect(await account.telephony.getSession(call.telephonySessionId)).toMatchObject({ exists: false });
    expect(logs.some((l) => l.msg === 'SIP call lost with its connection')).toBe(true);

    const again = await phone.placeCall({ deviceId: device(3), to: IRS });
    await heardFrames(again, 25);
    await hangUpAndConfirm(phone, again);
    expect(phone.liveCalls).toBe(0);
  });

  it('a hang-up before the answer (CANCEL) is confirmed by the 487, with no REST fallback', async () => {
    const phone = softphone();
    const call = await phone.placeCall({ deviceId: device(5), to: IRS });
    const started = Date.now();
    await phone.hangup(call.telephonySessionId);
    // The library ignores the 487, so without a guard its session never ends and the hang-up waits for byeTimeoutMs.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(restHangups).not.toContain(call.telephonySessionId);
    expect(phone.liveCalls).toBe(0);
    const report = await simCall(call);
    expect(report.endedAt).not.toBeNull();
    expect(report.timeline.some((e) => e.event === 'hangup' && JSON.stringify(e.detail) === JSON.stringify({ sip: 'CANCEL' }))).toBe(true);
  });

  it('486 Busy: the call ends busy (or placeCall rejects 486), and the device goes on', async () => {
    const phone = softphone();
    await control(sim, 'POST', '/_sim/sip/faults', { busyNextInvites: 1 });
    const outcome = await phone.placeCall({ deviceId: device(4), to: IRS }).catch((error: unknown) => error);
    if (outcome instanceof TelephonyError) {
      expect(outcome.status).toBe(486);
    } else {
      // The network's 183 then 486: the session is placed, then ends TargetBusy; the product lets go of it.
      const busy = outcome as CallRef;
      const report = await eventually(async () => {
        const r = await simCall(busy);
        return r.endedAt !== null ? r : undefined;
      }, 5_000);
      expect(report.parties.map((p) => p.reason)).toEqual(['TargetBusy', 'TargetBusy']);
      await eventually(() => (phone.liveCalls === 0 ? true : undefined), 5_000, 'the busy call released');
    }
    const call = await phone.placeCall({ deviceId: device(4), to: IRS });
    await heardFrames(call, 10);
    await hangUpAndConfirm(phone, call);
  });
});

describe('hang-ups across processes', () => {
  it("a line another process holds is ended there with a BYE, not with RingCentral's REST hang-up", async () => {
    const fx = redisFixture(2);
    const holding = softphone();
    const owning = softphone();
    const relays = [holding, owning].map((phone, i) => new LineHangupRelay({ redis: fx.clients[i]!, lines: { holds: (id) => phone.holds(id), hangUpHeld: (id) => phone.hangup(id) }, log }));
    try {
      await Promise.all(relays.map((r) => r.start()));
      holding.useHangupRequests(relays[0]);
      owning.useHangupRequests(relays[1]);
      // The dial ran on one instance's worker; the hunt's owner, elsewhere, hangs the losing line up.
      const call = await holding.placeCall({ deviceId: device(6), to: IRS });
      await heardFrames(call, 10);
      expect(owning.holds(call.telephonySessionId)).toBe(false);
      await hangUpAndConfirm(owning, call);
      await eventually(() => (holding.liveCalls === 0 ? true : undefined), 5_000, 'the holder let go of the call');
      expect(restHangups).not.toContain(call.telephonySessionId);
      expect((await simCall(call)).timeline.some((e) => e.event === 'hangup' && JSON.stringify(e.detail) === JSON.stringify({ sip: 'BYE' }))).toBe(true);
    } finally {
      await Promise.all(relays.map((r) => r.close()));
      await fx.close();
    }
  });
});
