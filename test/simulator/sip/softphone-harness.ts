/**
 * The unchanged `ringcentral-softphone@1.3.7` against a real simulator with its SIP listener: sip-info over REST,
 * a Softphone with an `error` listener attached right after construction (the library has none: a TLS error
 * would kill the test process), and helpers to wait on the simulator's true call state.
 */
import Softphone from 'ringcentral-softphone';
import type { RunningSimulator, StartSimulatorOptions } from '../../../src/simulator/simulator-server.ts';
import { control, startTestSimulator } from '../../support/simulator-harness.ts';
import { ownerToken, request } from '../sim-client.ts';

import { afterAll, beforeAll } from 'vitest';
export { IRS_PPS } from '../sim-client.ts';
export { eventually } from '../../support/eventually.ts';

export type Codec = 'PCMU/8000' | 'OPUS/16000' | 'OPUS/48000/2';

export interface SipInfo {
  domain: string;
  outboundProxies: { proxyTLS: string }[];
  userName: string;
  password: string;
  authorizationId: string;
}

export interface Device {
  deviceId: string;
  extensionId: number;
  sipInfo: SipInfo;
}

export interface SipLine {
  softphone: Softphone;
  device: Device;
  errors: Error[];
  close(): void;
}

/** A simulator with SIP on a free port (fast-agent, seed 42 unless overridden). */
/**
 * One describe block's SIP test bed: a SIP-enabled simulator with `count` Existing Phones, and lines registered on
 * demand (closed, with the simulator, after the block). Read `sim` and `devices` inside tests, not at definition.
 */
export function sipRig(count: number, overrides: Partial<StartSimulatorOptions> = {}) {
  const rig = {
    sim: undefined as unknown as RunningSimulator,
    devices: [] as Device[],
    lines: [] as SipLine[],
    async registered(index: number, codec: Codec = 'PCMU/8000'): Promise<SipLine> {
      const line = softphoneFor(rig.devices[index] as Device, codec);
      rig.lines.push(line);
      await line.softphone.register();
      return line;
    },
  };
  beforeAll(async () => {
    rig.sim = await startSipSimulator({ timeScale: 60, ...overrides });
    rig.devices = await existingPhones(rig.sim, count);
  });
  afterAll(async () => {
    for (const line of rig.lines) line.close();
    await rig.sim.close();
  });
  return rig;
}

export function startSipSimulator(overrides: Partial<StartSimulatorOptions> = {}): Promise<RunningSimulator> {
  return startTestSimulator({ sipPort: 0, ...overrides });
}

/** The "Existing Phone" devices of the first `count` enabled users with one, with their sip-info. */
export async function existingPhones(sim: RunningSimulator, count: number): Promise<Device[]> {
  const token = await ownerToken(sim);
  const users = sim.runtime.context.directory.users().filter((u) => u.status === 'Enabled' && u.devices.some((d) => d.type === 'OtherPhone'));
  const devices: Device[] = [];
  for (const user of users.slice(0, count)) {
    const device = user.devices.find((d) => d.type === 'OtherPhone');
    if (!device) continue;
    const reply = await request(sim, 'GET', `/restapi/v1.0/account/~/device/${device.id}/sip-info`, { token });
    if (reply.status !== 200) throw new Error(`sip-info ${reply.status}`);
    devices.push({ deviceId: device.id, extensionId: user.id, sipInfo: reply.body as SipInfo });
  }
  return devices;
}

/** A Softphone for the device; `password` overrides the real one (wrong-password tests). */
export function softphoneFor(device: Device, codec: Codec = 'PCMU/8000', password?: string): SipLine {
  const { sipInfo } = device;
  const softphone = new Softphone({
    domain: sipInfo.domain,
    outboundProxy: sipInfo.outboundProxies[0]?.proxyTLS ?? '',
    username: sipInfo.userName,
    password: password ?? sipInfo.password,
    authorizationId: sipInfo.authorizationId,
    codec,
    ignoreTlsCertErrors: true,
  });
  const errors: Error[] = [];
  softphone.client.on('error', (error: Error) => errors.push(error));
  return { softphone, device, errors, close: () => softphone.revoke() };
}

/** Polls `GET /_sim/calls/{id}` until `done` holds. */
export async function waitForCall(sim: RunningSimulator, sessionId: string, done: (report: any) => boolean, timeoutMs = 10_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const report = await control(sim, 'GET', `/_sim/calls/${sessionId}`);
    if (done(report)) return report;
    if (Date.now() > until) throw new Error(`call ${sessionId} did not reach the expected state: ${JSON.stringify(report.parties)} ${report.phase}`);
    await sleep(25);
  }
}

/** Resolves when `emitter` emits `event`, or rejects after `timeoutMs`. */
export function once<T = unknown>(emitter: { once(event: string, listener: (value: T) => void): unknown }, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

