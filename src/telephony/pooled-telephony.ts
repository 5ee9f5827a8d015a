/**
 * Several RingCentral credentials (users of the firm, each with its own JWT) used as one Telephony. RingCentral
 * counts requests per (user, app) — call-out is Heavy, 10 a minute — so a 70-line hunt dials through several
 * users' budgets at once (research/ringcentral.md §6). Calls are placed round-robin; everything about a call
 * afterwards goes through the credential that placed it.
 */
import type { CallRef, SipInfoSource, Telephony, TransferTarget } from './telephony-port.ts';

export class PooledTelephony implements Telephony, SipInfoSource {
  private next = 0;
  /** telephonySessionId → the member that placed it (only hints: any member may control any call of the account). */
  private readonly owners = new Map<string, Telephony>();

  constructor(private readonly members: readonly Telephony[]) {
    if (members.length === 0) throw new Error('PooledTelephony needs at least one credential');
  }

  private primary(): Telephony {
    return this.members[0] as Telephony;
  }

  private ownerOf(telephonySessionId: string): Telephony {
    return this.owners.get(telephonySessionId) ?? this.primary();
  }

  async placeCall(request: { deviceId: string; to: string; priority?: 'dial' | 'transfer' }): Promise<CallRef> {
    const member = this.members[this.next % this.members.length] as Telephony;
    this.next += 1;
    const ref = await member.placeCall(request);
    this.owners.set(ref.telephonySessionId, member);
    return ref;
  }

  getSession(telephonySessionId: string) {
    return this.ownerOf(telephonySessionId).getSession(telephonySessionId);
  }

  transfer(call: CallRef, target: TransferTarget): Promise<void> {
    return this.ownerOf(call.telephonySessionId).transfer(call, target);
  }

  bridge(call: CallRef, standby: CallRef): Promise<void> {
    return this.ownerOf(call.telephonySessionId).bridge(call, standby);
  }

  async hangup(telephonySessionId: string): Promise<void> {
    await this.ownerOf(telephonySessionId).hangup(telephonySessionId);
    this.owners.delete(telephonySessionId);
  }

  listExtensions() {
    return this.primary().listExtensions();
  }

  listDevices(extensionId: string) {
    return this.primary().listDevices(extensionId);
  }

  /** SIP credentials are the account's, whoever reads them. */
  sipInfo(deviceId: string) {
    const primary = this.primary() as Partial<SipInfoSource>;
    if (!primary.sipInfo) throw new Error('this telephony cannot read SIP credentials');
    return primary.sipInfo(deviceId);
  }

  listQueues() {
    return this.primary().listQueues();
  }

  presence(extensionId: string) {
    return this.primary().presence(extensionId);
  }

  createSubscription(request: Parameters<Telephony['createSubscription']>[0]) {
    return this.primary().createSubscription(request);
  }

  getSubscription(id: string) {
    return this.primary().getSubscription(id);
  }

  renewSubscription(id: string) {
    return this.primary().renewSubscription(id);
  }

  deleteSubscription(id: string): Promise<void> {
    return this.primary().deleteSubscription(id);
  }
}
