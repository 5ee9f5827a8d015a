/** Builds the webhook body RingCentral sends for one changed telephony party. */
import type { NotificationParty, SessionEvent } from '../telephony/session-event.ts';
import type { TelephonySessionsNotification } from './subscription-types.ts';

export interface NotificationAddress {
  uuid: string;
  event: string;
  subscriptionId: string;
  ownerId: string;
}

/**
 * The party is copied field by field at publish time: the registry keeps mutating its own objects, and a delayed
 * or held notification must still say what was true when it was published. `timestamp` is filled in per POST.
 */
export function buildNotification(to: NotificationAddress, event: SessionEvent): TelephonySessionsNotification {
  return {
    uuid: to.uuid,
    event: to.event,
    timestamp: '',
    subscriptionId: to.subscriptionId,
    ownerId: to.ownerId,
    body: {
      sequence: event.sequence,
      sessionId: event.sessionId,
      telephonySessionId: event.telephonySessionId,
      serverId: event.serverId,
      eventTime: event.eventTime,
      origin: { type: event.origin.type },
      parties: [copyParty(event.party)],
    },
  };
}

/** The JSON posted for one attempt: the notification stamped with the send time. */
export function notificationJson(notification: TelephonySessionsNotification, sentAt: string): string {
  return JSON.stringify({ ...notification, timestamp: sentAt });
}

/** CallPartyShortInfo has exactly these three fields; nothing else leaks into the webhook. */
function shortInfo(end: NotificationParty['from']): NotificationParty['from'] {
  return {
    ...(end.phoneNumber === undefined ? {} : { phoneNumber: end.phoneNumber }),
    ...(end.name === undefined ? {} : { name: end.name }),
    ...(end.extensionId === undefined ? {} : { extensionId: end.extensionId }),
  };
}

function copyParty(p: NotificationParty): NotificationParty {
  return {
    accountId: p.accountId,
    ...(p.extensionId === undefined ? {} : { extensionId: p.extensionId }),
    id: p.id,
    direction: p.direction,
    to: shortInfo(p.to),
    from: shortInfo(p.from),
    status: {
      code: p.status.code,
      ...(p.status.reason === undefined ? {} : { reason: p.status.reason }),
      ...(p.status.peerId === undefined ? {} : { peerId: { ...p.status.peerId } }),
      rcc: p.status.rcc,
    },
    park: {},
    missedCall: p.missedCall,
    standAlone: p.standAlone,
    muted: p.muted,
  };
}
