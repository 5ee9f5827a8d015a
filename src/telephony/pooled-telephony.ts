/**
 * Several RingCentral credentials (users of the firm, each with its own JWT) used as one Telephony. RingCentral
 * counts requests per (user, app) — call-out is Heavy, 10 a minute — so a 70-line hunt dials through several
 * users' budgets at once (research/ringcentral.md §6). Calls are placed round-robin; everything about a call
 * afterwards goes through the credential that placed it.
 */
import { DelegatingTelephony } from './delegating-telephony.ts';
import type { CallRef, PlaceCallRequest, SessionLookupOptions, SipInfoSource, Telephony, TransferTarget } from './telephony-port.ts';

export class PooledTelephony extends DelegatingTelephony implements SipInfoSource {
  private next = 0;
  /** telephonySessionId → the member that placed it (only hints: any member may control any call of the account). */
  private readonly owners = new Map<string, Telephony>();

  constructor(private readonly members: readonly Telephony[]) {
    // The first member (primary) serves the directory, subscriptions and anything not tied to a call.
    super(primaryOf(members));
  }

  private ownerOf(telephonySessionId: string): Telephony {
    return this.owners.get(telephonySessionId) ?? this.inner;
  }

  override async placeCall(request: PlaceCallRequest): Promise<CallRef> {
    const member = this.members[this.next % this.members.length] as Telephony;
    this.next += 1;
    const ref = await member.placeCall(request);
    this.owners.set(ref.telephonySessionId, member);
    return ref;
  }

  override getSession(telephonySessionId: string, options?: SessionLookupOptions) {
    return this.ownerOf(telephonySessionId).getSession(telephonySessionId, options);
  }

  override transfer(call: CallRef, target: TransferTarget): Promise<void> {
    return this.ownerOf(call.telephonySessionId).transfer(call, target);
  }

  override bridge(call: CallRef, standby: CallRef): Promise<void> {
    return this.ownerOf(call.telephonySessionId).bridge(call, standby);
  }

  override async hangup(telephonySessionId: string): Promise<void> {
    await this.ownerOf(telephonySessionId).hangup(telephonySessionId);
    this.owners.delete(telephonySessionId);
  }



  /** SIP credentials are the account's, whoever reads them. */
  sipInfo(deviceId: string) {
    const primary = this.inner as Partial<SipInfoSource>;
    if (!primary.sipInfo) throw new Error('this telephony cannot read SIP credentials');
    return primary.sipInfo(deviceId);
  }






}

function primaryOf(members: readonly Telephony[]): Telephony {
  const primary = members[0];
  if (!primary) throw new Error('PooledTelephony needs at least one credential');
  return primary;
}
