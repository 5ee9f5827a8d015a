/**
 * A telephony-session notification as the webhook receiver hands it to the job's owner (one party, its
 * session's `sequence`), after verification and de-duplication.
 */
import type { PartyState } from '../telephony/telephony-port.ts';

export interface TelephonyEvent {
  uuid: string;
  telephonySessionId: string;
  sequence: number;
  eventTime: string;
  party: PartyState;
}
