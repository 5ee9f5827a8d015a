/**
 * REGISTER with the unchanged ringcentral-softphone@1.3.7: the 401 digest challenge, the device's sip-info
 * credentials (200), a wrong password (403, so `register()` rejects), and the registration the simulator shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../src/simulator/simulator-server.ts';
import { control } from '../../support/simulator-harness.ts';
import { existingPhones, softphoneFor, startSipSimulator } from './softphone-harness.ts';
import type { Device, SipLine } from './softphone-harness.ts';

describe('SIP registrar', () => {
  let sim: RunningSimulator;
  let devices: Device[];
  const lines: SipLine[] = [];

  beforeAll(async () => {
    sim = await startSipSimulator();
    devices = await existingPhones(sim, 2);
  });
  afterAll(async () => {
    for (const line of lines) line.close();
    await sim.close();
  });

  it('sip-info names the bound TLS port', () => {
    expect(devices[0]?.sipInfo.outboundProxies[0]?.proxyTLS).toBe(`127.0.0.1:${sim.sip?.port}`);
  });

  it('registers with the right password and shows the registration', async () => {
    const line = softphoneFor(devices[0] as Device);
    lines.push(line);
    await line.softphone.register();
    const status = await control(sim, 'GET', '/_sim/sip');
    expect(status.registrations).toEqual([expect.objectContaining({ deviceId: devices[0]?.deviceId, userName: devices[0]?.sipInfo.userName })]);
    // What the library does every 30 s: challenge and answer again over the same connection; still one binding.
    await line.softphone.register();
    const again = await control(sim, 'GET', '/_sim/sip');
    expect(again.registrations).toHaveLength(1);
    expect(again.registrations[0].registeredAt).toBe(status.registrations[0].registeredAt);
    expect(line.errors).toEqual([]);
  });

  it('refuses a wrong password with 403', async () => {
    const line = softphoneFor(devices[1] as Device, 'PCMU/8000', 'not-the-password');
    lines.push(line);
    await expect(line.softphone.register()).rejects.toThrow(/Failed to register: SIP\/2.0 403 Forbidden/);
    const status = await control(sim, 'GET', '/_sim/sip');
    expect(status.registrations.map((r: { deviceId: string }) => r.deviceId)).not.toContain(devices[1]?.deviceId);
  });
});
