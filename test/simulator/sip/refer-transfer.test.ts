/**
 * REFER from the unchanged ringcentral-softphone@1.3.7 (202, NOTIFY "100 Trying", NOTIFY "200 OK", BYE from the
 * server) hands the IRS party to a call queue exactly as the REST blind transfer does: the same webhooks, party by
 * party, for a SIP call as for a REST call-out. ManualClock (time scale 60), advanced by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK } from '@ringcentral/sdk';
import type { RunningSimulator } from '../../../src/simulator/simulator-server.ts';
import { ManualClock } from '../../../src/simulator/sim-clock.ts';
import { TEST_CREDENTIALS, control } from '../../support/simulator-harness.ts';
import { startWebhookReceiver } from '../../support/webhook-receiver.ts';
import type { WebhookReceiver } from '../../support/webhook-receiver.ts';
import { manualClock } from '../sim-client.ts';
import { IRS_PPS, existingPhones, once, softphoneFor, sleep, startSipSimulator } from './softphone-harness.ts';
import type { Device, SipLine } from './softphone-harness.ts';

const QUEUE = '801';

describe('REFER transfer over SIP', () => {
  let sim: RunningSimulator;
  let receiver: WebhookReceiver;
  let platform: ReturnType<SDK['platform']>;
  let devices: Device[];
  const lines: SipLine[] = [];

  async function advance(ms: number, stepMs = 50): Promise<void> {
    for (let done = 0; done < ms; done += stepMs) {
      manualClock(sim).advance(stepMs);
      await sleep(2);
    }
  }

  async function until(check: () => boolean | Promise<boolean>, maxMs = 10_000): Promise<void> {
    for (let done = 0; done < maxMs; done += 50) {
      if (await check()) return;
      await advance(50);
    }
    throw new Error('not reached');
  }

  /** The session's webhooks in sequence order: party suffix, status, reason. */
  function seen(sessionId: string): { party: string; code: string; reason?: string; origin: string }[] {
    return receiver.notifications
      .filter((n) => n.body.body.telephonySessionId === sessionId)
      .sort((a, b) => a.body.body.sequence - b.body.body.sequence)
      .map((n) => {
        const party = n.body.body.parties[0];
        return {
          party: party.id.slice(party.id.lastIndexOf('-')),
          code: party.status.code,
          ...(party.status.reason ? { reason: party.status.reason } : {}),
          origin: n.body.body.origin.type,
        };
      });
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sim = await startSipSimulator({ timeScale: 60, makeClock: (scale) => new ManualClock(Date.now(), scale) });
    const sdk = new SDK({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, enableDiscovery: false });
    platform = sdk.platform();
    await platform.login({ jwt: TEST_CREDENTIALS.jwt });
    await platform.post('/restapi/v1.0/subscription', {
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
      deliveryMode: { transportType: 'WebHook', address: receiver.url },
    });
    devices = await existingPhones(sim, 2);
  });
  afterAll(async () => {
    for (const line of lines) line.close();
    await sim.close();
    await receiver.close();
  });

  it('gives the same webhooks as a REST call-out and REST blind transfer to the same queue', async () => {
    // The REST way, from the owner's device.
    const owner = devices[0] as Device;
    const placed: any = await (await platform.post('/restapi/v1.0/account/~/telephony/call-out', { from: { deviceId: owner.deviceId }, to: { phoneNumber: IRS_PPS } })).json();
    const restSession: string = placed.session.id;
    await until(async () => (await control(sim, 'GET', `/_sim/calls/${restSession}`)).parties[0].status === 'Answered');
    await platform.post(`/restapi/v1.0/account/~/telephony/sessions/${restSession}/parties/${placed.session.parties[0].id}/transfer`, { extensionNumber: QUEUE });
    await advance(2000);

    // The SIP way, from another user's Existing Phone.
    const line = softphoneFor(devices[1] as Device);
    lines.push(line);
    await line.softphone.register();
    const call = await line.softphone.call(IRS_PPS);
    let answered = false;
    call.once('answered', () => (answered = true));
    await until(() => answered);
    const disposed = once(call, 'disposed');
    await call.transfer(QUEUE); // resolves on NOTIFY "SIP/2.0 200 OK"
    await disposed; // then the server's BYE ends the device's leg
    await advance(2000);
    await sim.runtime.context.subscriptions.drain();

    const rest = seen(restSession);
    const sip = seen(call.sessionId);
    expect(rest.map((e) => e.origin)).toEqual(rest.map(() => 'CallOut'));
    expect(sip.map((e) => e.origin)).toEqual(sip.map(() => 'Call'));
    const strip = (events: typeof rest) => events.map(({ origin: _origin, ...rest }) => rest);
    expect(strip(sip)).toEqual(strip(rest));
    expect(strip(sip)).toContainEqual({ party: '-1', code: 'Disconnected', reason: 'BlindTransfer' });
    expect(strip(sip).filter((e) => e.party === '-3').length).toBeGreaterThan(0);

    const report = await control(sim, 'GET', `/_sim/calls/${call.sessionId}`);
    expect(report.milestones.transferReceivedAt).not.toBeNull();
    const status = await control(sim, 'GET', '/_sim/sip');
    expect(status.calls.find((c: any) => c.telephonySessionId === call.sessionId)).toMatchObject({ state: 'ended', endReason: 'transferred by REFER' });
    expect(line.errors).toEqual([]);
  });
});
