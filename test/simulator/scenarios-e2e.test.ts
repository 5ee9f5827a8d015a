/**
 * Named scenarios end to end, over HTTP through @ringcentral/sdk with a webhook receiver, at time scale 60:
 * 'all-busy' (busy → both parties Disconnected/TargetBusy), 'closed' (answered, the closed-office recording, the IRS
 * hangs up; the call-out event order of research/ringcentral.md §4; presence during the call), 'fast-agent' (the
 * DTMF postfix dial string navigates the IVR to hold and an agent), 'voice-check' (the check appears; unanswered
 * the IRS hangs up, answered the call goes on to hold).
 *
 * Recordings play at their real length whatever the time scale (~25 s of IVR greeting, 15 s closed message), so
 * all but the first test run the simulator on a ManualClock (still at time scale 60) and advance it: the whole
 * file takes about a second. 'all-busy' runs on the real clock to cover real timers too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK } from '@ringcentral/sdk';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { ManualClock } from '../../src/simulator/sim-clock.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { IRS_PPS, manualClock } from './sim-client.ts';

/** What the product dials: '1' as the IVR answers (typed ahead during the greeting), '2' about 45 s later. */
const DIAL_WITH_IVR = `${IRS_PPS},1${','.repeat(22)}2`;
const VERIFICATION_TOKEN = 'scenarios-e2e';

let receiver: WebhookReceiver;

interface Line {
  sim: RunningSimulator;
  platform: ReturnType<SDK['platform']>;
  deviceId: string;
}

interface Seen {
  sequence: number;
  party: string;
  code: string;
  reason?: string;
}

async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Logs in through the SDK, subscribes to account telephony events, finds the owner's device. */
async function connect(sim: RunningSimulator): Promise<Line> {
  const sdk = new SDK({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, enableDiscovery: false });
  const platform = sdk.platform();
  await platform.login({ jwt: TEST_CREDENTIALS.jwt });
  await platform.post('/restapi/v1.0/subscription', {
    eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
    deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: VERIFICATION_TOKEN },
  });
  const devices = await json(await platform.get('/restapi/v1.0/account/~/extension/~/device'));
  const device = devices.records.find((d: { status: string; type: string }) => d.status === 'Online' && d.type !== 'WebPhone');
  return { sim, platform, deviceId: device.id };
}

async function dial(line: Line, phoneNumber: string): Promise<string> {
  const reply = await line.platform.post('/restapi/v1.0/account/~/telephony/call-out', { from: { deviceId: line.deviceId }, to: { phoneNumber } });
  expect(reply.status).toBe(201);
  return (await json(reply)).session.id as string;
}

function report(line: Line, session: string): Promise<any> {
  return control(line.sim, 'GET', `/_sim/calls/${session}`);
}

/** The session's notifications as received, in `sequence` order: `-1`/`-2` party suffix, status code, reason. */
function seen(session: string): Seen[] {
  return receiver.notifications
    .filter((n) => n.body.body.telephonySessionId === session)
    .map((n) => {
      expect(n.headers['verification-token']).toBe(VERIFICATION_TOKEN);
      const party = n.body.body.parties[0];
      return { sequence: n.body.body.sequence, party: party.id.slice(party.id.lastIndexOf('-')), code: party.status.code, ...(party.status.reason ? { reason: party.status.reason } : {}) };
    })
    .sort((a, b) => a.sequence - b.sequence);
}

/** Advances the manual clock `stepMs` at a time until the call report satisfies `done`; fails after `maxMs`. */
async function advanceUntil(line: Line, session: string, done: (r: any) => boolean, maxMs: number, stepMs = 500): Promise<any> {
  const clock = manualClock(line.sim);
  for (let elapsed = 0; elapsed <= maxMs; elapsed += stepMs) {
    const current = await report(line, session);
    if (done(current)) return current;
    clock.advance(stepMs);
  }
  throw new Error(`call ${session} did not get there within ${maxMs} ms: ${JSON.stringify((await report(line, session)).timeline.map((e: any) => e.event))}`);
}

/** Every notification published so far has been answered by the receiver. */
async function delivered(line: Line): Promise<void> {
  await line.sim.runtime.context.subscriptions.drain();
}

function timelineEvents(r: any, event: string): any[] {
  return r.timeline.filter((e: { event: string }) => e.event === event);
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

describe("'all-busy' on the real clock", () => {
  let line: Line;
  beforeAll(async () => {
    line = await connect(await startTestSimulator({ scenario: 'all-busy', timeScale: 60 }));
  });
  afterAll(async () => {
    await line.sim.close();
  });

  it('the line is busy: both parties Disconnected with TargetBusy, and the timeline says busy by the IRS', async () => {
    const session = await dial(line, IRS_PPS);
    await receiver.waitFor((n) => n.body.body.telephonySessionId === session && n.body.body.parties[0].id.endsWith('-1') && n.body.body.parties[0].status.code === 'Disconnected', 5000);
    await delivered(line);
    expect(seen(session)).toEqual([
      { sequence: 1, party: '-1', code: 'Setup' },
      { sequence: 2, party: '-2', code: 'Proceeding' },
      { sequence: 3, party: '-1', code: 'Proceeding' },
      { sequence: 4, party: '-2', code: 'Disconnected', reason: 'TargetBusy' },
      { sequence: 5, party: '-1', code: 'Disconnected', reason: 'TargetBusy' },
    ]);
    const r = await report(line, session);
    expect(r.plan.outcome).toBe('busy');
    expect(timelineEvents(r, 'busy').map((e) => e.by)).toContain('irs');
    expect(r.milestones).toMatchObject({ answeredAt: null, hangupBy: 'irs' });
    await expect(line.platform.get(`/restapi/v1.0/account/~/telephony/sessions/${session}`)).rejects.toMatchObject({ response: { status: 404 } });
  });
});

describe('scenarios on a manual clock at time scale 60', () => {
  let sim: RunningSimulator;
  let line: Line;

  async function scenario(name: string, seed: number): Promise<void> {
    await control(sim, 'POST', '/_sim/reset', { scenario: name, seed, timeScale: 60 });
    line = await connect(sim);
  }

  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'fast-agent', timeScale: 60, makeClock: (scale) => new ManualClock(Date.now(), scale) });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("'closed': the IVR answers with the closed-office message, then the IRS hangs up; events in RingCentral's order", async () => {
    await scenario('closed', 3);
    const session = await dial(line, IRS_PPS);
    const answered = await advanceUntil(line, session, (r) => r.milestones.answeredAt !== null, 5000, 100);
    expect(answered.plan.outcome).toBe('closed');
    expect(answered.phase).toBe('closed-message');

    // Presence while the call is up: the owner is on a connected call, this one.
    const presence = await json(await line.platform.get('/restapi/v1.0/account/~/extension/~/presence', { detailedTelephonyState: true }));
    expect(presence.telephonyStatus).toBe('CallConnected');
    expect(presence.presenceStatus).toBe('Busy');
    expect(presence.activeCalls.map((c: { telephonySessionId: string }) => c.telephonySessionId)).toEqual([session]);

    const ended = await advanceUntil(line, session, (r) => r.endedAt !== null, 30_000);
    expect(ended.milestones.hangupBy).toBe('irs');
    expect(timelineEvents(ended, 'closed-message')).toHaveLength(1);
    expect(timelineEvents(ended, 'hangup').find((e) => e.by === 'irs').detail.reason).toBe('closed');
    // The closed message is a 15.6 s recording: it plays at its real length.
    expect(Date.parse(ended.milestones.hangupAt) - Date.parse(ended.milestones.answeredAt)).toBeGreaterThan(15_000);

    await delivered(line);
    expect(seen(session)).toEqual([
      { sequence: 1, party: '-1', code: 'Setup' },
      { sequence: 2, party: '-2', code: 'Proceeding' },
      { sequence: 3, party: '-1', code: 'Proceeding' },
      { sequence: 4, party: '-2', code: 'Answered' },
      { sequence: 5, party: '-1', code: 'Answered' },
      { sequence: 6, party: '-2', code: 'Disconnected' },
      { sequence: 7, party: '-1', code: 'Disconnected' },
    ]);
    const after = await json(await line.platform.get('/restapi/v1.0/account/~/extension/~/presence', { detailedTelephonyState: true }));
    expect(after.telephonyStatus).toBe('NoCall');
    expect(after.activeCalls).toEqual([]);
  });

  it("'fast-agent': the DTMF postfix dial string works the IVR, the call reaches hold, then an agent", async () => {
    await scenario('fast-agent', 42);
    const session = await dial(line, DIAL_WITH_IVR);
    const held = await advanceUntil(line, session, (r) => r.milestones.holdStartAt !== null, 120_000);
    expect(held.plan.outcome).toBe('agent');
    expect(held.to).toBe(DIAL_WITH_IVR);
    const inputs = timelineEvents(held, 'ivr-input').filter((e) => e.detail.result === 'accepted').map((e) => [e.detail.menu, e.detail.digit]);
    expect(inputs).toEqual([['account-type', '1'], ['topic', '2']]);
    expect(held.milestones.ivrCompletedAt).not.toBeNull();

    const agent = await advanceUntil(line, session, (r) => r.milestones.agentPickupAt !== null, 10_000);
    expect(agent.phase).toBe('agent');
    // Nobody transfers the agent here: after 10-20 s of dead air the agent hangs up.
    const ended = await advanceUntil(line, session, (r) => r.endedAt !== null, 30_000);
    expect(ended.milestones.hangupBy).toBe('irs');
    expect(timelineEvents(ended, 'hangup').find((e) => e.by === 'irs').detail.reason).toBe('dead-air');
    await delivered(line);
    expect(seen(session).slice(-2)).toEqual([
      { sequence: 6, party: '-2', code: 'Disconnected' },
      { sequence: 7, party: '-1', code: 'Disconnected' },
    ]);
  });

  it("'voice-check': the check is asked after the IVR; unanswered, the IRS hangs up; answered, the call holds", async () => {
    await scenario('voice-check', 5);
    const unanswered = await dial(line, DIAL_WITH_IVR);
    const answeredToo = await dial(line, DIAL_WITH_IVR);
    const first = await advanceUntil(line, unanswered, (r) => timelineEvents(r, 'voice-check').length > 0, 120_000);
    expect(first.plan.voiceCheck).not.toBeNull();
    expect(first.phase).toBe('voice-check');
    expect(timelineEvents(first, 'voice-check')[0]).toMatchObject({ by: 'irs', detail: { kind: first.plan.voiceCheck.kind } });

    // The second call started at the same instant: it is at the check too. The operator answers it.
    const second = await report(line, answeredToo);
    expect(second.phase).toBe('voice-check');
    await control(sim, 'POST', `/_sim/calls/${answeredToo}/voice-check-answer`);

    const failed = await advanceUntil(line, unanswered, (r) => r.endedAt !== null, 30_000);
    expect(failed.milestones.hangupBy).toBe('irs');
    expect(timelineEvents(failed, 'voice-check-failed')).toHaveLength(1);
    expect(timelineEvents(failed, 'hangup').find((e) => e.by === 'irs').detail.reason).toBe('voice-check-failed');
    expect(failed.milestones.holdStartAt).toBeNull();

    const holding = await report(line, answeredToo);
    expect(timelineEvents(holding, 'voice-check-answered')).toHaveLength(1);
    expect(holding.milestones.holdStartAt).not.toBeNull(); // what happens on hold is up to its plan
    await delivered(line);
    expect(seen(unanswered).slice(-2).map((e) => [e.party, e.code])).toEqual([['-2', 'Disconnected'], ['-1', 'Disconnected']]);
  });
});
