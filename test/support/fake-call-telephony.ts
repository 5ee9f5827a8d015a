/**
 * A phone system in memory for host-level property tests (it stands in for RingCentral where a test needs
 * thousands of randomized runs): it places calls, reports their parties' changes through the product's real
 * webhook receiver — with duplicates, reordering and losses on demand — and records every transfer request.
 */
import type { Hono } from 'hono';
import type { CallRef, PartyState, SessionState, Telephony, TransferTarget } from '../../src/telephony/telephony-port.ts';
import { TelephonyError } from '../../src/telephony/telephony-port.ts';

interface FakeSession {
  id: string;
  ours: PartyState;
  far: PartyState;
  sequence: number;
  live: boolean;
  transferred: boolean;
  /** Someone hung up: as on RingCentral the whole session ends, and an answer still on its way never lands. */
  ending?: boolean;
}

export interface WebhookFaults {
  duplicate: (n: number) => boolean;
  drop: (n: number) => boolean;
  /** Hold this notification back and send it after the next one. */
  reorder: (n: number) => boolean;
}

export class FakeCallTelephony implements Telephony {
  readonly sessions = new Map<string, FakeSession>();
  readonly transferRequests: { telephonySessionId: string; target: TransferTarget; ok?: boolean }[] = [];
  readonly hangupRequests: string[] = [];
  /** Decides whether a transfer request succeeds (by request index). */
  transferSucceeds: (index: number) => boolean = () => true;
  private next = 0;
  private notified = 0;
  private held: Record<string, unknown> | undefined;

  constructor(
    private readonly receiver: Hono,
    private readonly verificationToken: string,
    private readonly faults: WebhookFaults = { duplicate: () => false, drop: () => false, reorder: () => false },
  ) {}

  /** Sessions still connected (the invariant "no call left connected" reads this). */
  liveSessions(): FakeSession[] {
    return [...this.sessions.values()].filter((s) => s.live);
  }

  async placeCall(request: { deviceId: string; to: string }): Promise<CallRef> {
    this.next += 1;
    const hex = String(this.next).padStart(32, '0');
    const session: FakeSession = {
      id: `s-${hex}`,
      ours: { id: `p-${hex}-1`, code: 'Setup', direction: 'Outbound', extensionId: request.deviceId },
      far: { id: `p-${hex}-2`, code: 'Setup', direction: 'Inbound' },
      sequence: 0,
      live: true,
      transferred: false,
    };
    this.sessions.set(session.id, session);
    // As on RingCentral, the first notifications may beat the call-out's reply.
    const answer = (side: 'ours' | 'far'): Promise<void> => (session.ending ? Promise.resolve() : this.change(session, side, 'Answered'));
    setImmediate(() => {
      void answer('far').then(() => answer('ours'));
    });
    return { telephonySessionId: session.id, partyId: session.ours.id };
  }

  async getSession(telephonySessionId: string): Promise<SessionState> {
    const session = this.sessions.get(telephonySessionId);
    if (!session?.live) return { telephonySessionId, exists: false, parties: [] };
    // After a blind transfer our party has left; the IRS party talks to the firm's target (an extension party).
    if (session.transferred) return { telephonySessionId, exists: true, parties: [{ ...session.ours }, { ...session.far }, { id: `${session.id}-firm`, code: 'Answered', direction: 'Inbound', extensionId: 'firm' }] };
    return { telephonySessionId, exists: true, parties: [{ ...session.ours }, { ...session.far }] };
  }

  async transfer(call: CallRef, target: TransferTarget): Promise<void> {
    const session = this.sessions.get(call.telephonySessionId);
    const index = this.transferRequests.length;
    const request: { telephonySessionId: string; target: TransferTarget; ok?: boolean } = { telephonySessionId: call.telephonySessionId, target, ok: false };
    this.transferRequests.push(request);
    if (!session?.live || session.ours.code !== 'Answered') throw new TelephonyError('Incorrect State [WrongState]', 409, 'TAS-102');
    if (!this.transferSucceeds(index)) throw new TelephonyError('Service Temporary Unavailable', 503, 'CMN-201');
    request.ok = true;
    session.transferred = true;
    await this.change(session, 'ours', 'Disconnected', 'BlindTransfer');
  }

  async bridge(): Promise<void> {
    throw new TelephonyError('bridge is not modelled by the fake', 409, 'TAS-102');
  }

  async hangup(telephonySessionId: string): Promise<void> {
    this.hangupRequests.push(telephonySessionId);
    const session = this.sessions.get(telephonySessionId);
    if (!session?.live) return;
    session.ending = true;
    await this.change(session, 'ours', 'Disconnected');
    await this.change(session, 'far', 'Disconnected');
  }

  /** The IRS hangs up (a courtesy disconnect) on a random live call. */
  async farHangup(telephonySessionId: string): Promise<void> {
    const session = this.sessions.get(telephonySessionId);
    if (!session?.live || session.transferred) return;
    session.ending = true;
    await this.change(session, 'far', 'Disconnected');
    await this.change(session, 'ours', 'Disconnected');
  }

  private async change(session: FakeSession, side: 'ours' | 'far', code: string, reason?: string): Promise<void> {
    const party = session[side];
    party.code = code;
    if (reason) party.reason = reason;
    session.sequence += 1;
    // A transferred call lives on at the firm until the IRS side hangs up.
    if (session.ours.code === 'Disconnected' && session.far.code === 'Disconnected') session.live = false;
    const notification = {
      uuid: `u-${session.id}-${session.sequence}`,
      event: '/restapi/v1.0/account/1/telephony/sessions',
      timestamp: new Date().toISOString(),
      subscriptionId: 'fake',
      ownerId: '1',
      body: {
        sequence: session.sequence,
        sessionId: '1',
        telephonySessionId: session.id,
        serverId: 'fake',
        eventTime: new Date().toISOString(),
        parties: [{ accountId: '1', id: party.id, direction: party.direction, status: { code, ...(reason ? { reason } : {}), rcc: false }, ...(party.extensionId ? { extensionId: party.extensionId } : {}) }],
      },
    };
    await this.notify(notification);
  }

  private async notify(notification: Record<string, unknown>): Promise<void> {
    const n = this.notified++;
    if (this.faults.drop(n)) return;
    if (this.faults.reorder(n) && !this.held) {
      this.held = notification;
      return;
    }
    await this.post(notification);
    if (this.faults.duplicate(n)) await this.post(notification);
    if (this.held) {
      const held = this.held;
      this.held = undefined;
      await this.post(held);
    }
  }

  /** Sends anything still held back (end of a run). */
  async flush(): Promise<void> {
    if (!this.held) return;
    const held = this.held;
    this.held = undefined;
    await this.post(held);
  }

  private async post(notification: Record<string, unknown>): Promise<void> {
    await this.receiver.request('/webhooks/ringcentral', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Verification-Token': this.verificationToken },
      body: JSON.stringify(notification),
    });
  }

  listExtensions = () => Promise.resolve([]);
  listDevices = () => Promise.resolve([]);
  listQueues = () => Promise.resolve([]);
  presence = (extensionId: string) => Promise.resolve({ extensionId, telephonyStatus: 'NoCall', activeCalls: [] });
  createSubscription = () => Promise.reject(new Error('not modelled'));
  getSubscription = () => Promise.resolve(undefined);
  renewSubscription = () => Promise.reject(new Error('not modelled'));
  deleteSubscription = () => Promise.resolve();
}
