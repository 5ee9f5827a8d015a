/** One telephony-session change as the call registry announces it: exactly one party per event. */
export interface NotificationParty {
  accountId: string;
  extensionId?: string;
  id: string;
  direction: 'Inbound' | 'Outbound';
  from: { phoneNumber?: string; name?: string; extensionId?: string };
  to: { phoneNumber?: string; name?: string; extensionId?: string };
  status: { code: string; reason?: string; rcc: boolean; peerId?: { sessionId: string; telephonySessionId: string; partyId: string } };
  park: Record<string, never>;
  missedCall: boolean;
  standAlone: boolean;
  muted: boolean;
}

/** How a session began: a REST call-out, or a call the device dialled itself (RingCentral's `Call`). */
export type SessionOrigin = 'CallOut' | 'Call';

export interface SessionEvent {
  telephonySessionId: string;
  /** RingCentral's legacy numeric session id, as a string. */
  sessionId: string;
  serverId: string;
  origin: { type: SessionOrigin | 'RingOut' };
  eventTime: string;
  /** Rises by one per event across all parties of the session. */
  sequence: number;
  party: NotificationParty;
}

/** Where the call registry sends its events (the subscription hub). */
export interface SessionEventSink {
  publish(event: SessionEvent): void;
}
