/** A party of a simulated telephony session, and the two shapes RingCentral shows it in. */
import type { NotificationParty } from './session-event.ts';

export type PartyStatusCode = 'Setup' | 'Proceeding' | 'Answered' | 'Hold' | 'Disconnected' | 'Gone';

/** Which side of our call a party stands for. */
export type PartyRole = 'caller' | 'far-end' | 'firm';

export interface Endpoint {
  phoneNumber?: string;
  name?: string;
  extensionId?: string;
  extensionNumber?: string;
  deviceId?: string;
}

export interface SimParty {
  id: string;
  role: PartyRole;
  direction: 'Inbound' | 'Outbound';
  accountId: string;
  /** Set for parties that belong to one of the account's extensions. */
  extensionId?: number;
  from: Endpoint;
  to: Endpoint;
  status: {
    code: PartyStatusCode;
    reason?: string;
    peerId?: { sessionId: string; telephonySessionId: string; partyId: string };
  };
  muted: boolean;
  standAlone: boolean;
}

export const LIVE_CODES: ReadonlySet<PartyStatusCode> = new Set(['Setup', 'Proceeding', 'Answered', 'Hold']);

export function isLive(party: SimParty): boolean {
  return LIVE_CODES.has(party.status.code);
}

/** REST `PartyInfo`: phone number, name, device and extension id (an extension number is internal only). */
function partyInfo(end: Endpoint): Endpoint {
  const { extensionNumber: _internal, ...info } = end;
  return info;
}

/** The `CallParty` body of REST replies. */
export function partyResource(party: SimParty): Record<string, unknown> {
  return {
    id: party.id,
    ...(party.extensionId === undefined ? {} : { extensionId: String(party.extensionId) }),
    accountId: party.accountId,
    direction: party.direction,
    from: partyInfo(party.from),
    to: partyInfo(party.to),
    status: { ...party.status, rcc: false },
    park: {},
    standAlone: party.standAlone,
    muted: party.muted,
  };
}

/** Events carry `CallPartyShortInfo` ends: phone number, name and extension id only (no device). */
function shortInfo(end: Endpoint): NotificationParty['from'] {
  return {
    ...(end.phoneNumber === undefined ? {} : { phoneNumber: end.phoneNumber }),
    ...(end.name === undefined ? {} : { name: end.name }),
    ...(end.extensionId === undefined ? {} : { extensionId: end.extensionId }),
  };
}

/** The party as a telephony-session notification carries it. */
export function notificationParty(party: SimParty): NotificationParty {
  return {
    accountId: party.accountId,
    ...(party.extensionId === undefined ? {} : { extensionId: String(party.extensionId) }),
    id: party.id,
    direction: party.direction,
    from: shortInfo(party.from),
    to: shortInfo(party.to),
    status: { ...party.status, rcc: false },
    park: {},
    missedCall: false,
    standAlone: party.standAlone,
    muted: party.muted,
  };
}
