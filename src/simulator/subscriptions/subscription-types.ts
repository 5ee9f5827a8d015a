/** Wire shapes of the subscription API and its notifications, field for field as the RingCentral spec has them. */
import type { NotificationParty } from '../telephony/session-event.ts';

/** SubscriptionInfo for a WebHook subscription (`verificationToken` is write-only and never appears). */
export interface SubscriptionInfo {
  uri: string;
  id: string;
  creationTime: string;
  status: 'Active' | 'Blacklisted';
  eventFilters: string[];
  expirationTime: string;
  /** Seconds left until expirationTime. */
  expiresIn: number;
  deliveryMode: { transportType: 'WebHook'; encryption: false; address: string };
  blacklistedData?: { blacklistedAt: string; reason: string };
}

/** SubscriptionListResource. */
export interface SubscriptionList {
  uri: string;
  records: SubscriptionInfo[];
}

/** TelephonySessionsEventBody, always with exactly one party. */
export interface TelephonySessionsEventBody {
  sequence: number;
  sessionId: string;
  telephonySessionId: string;
  serverId: string;
  eventTime: string;
  origin: { type: string };
  parties: NotificationParty[];
}

/** AccountTelephonySessionsEvent / ExtensionTelephonySessionsEvent (the two share one shape). */
export interface TelephonySessionsNotification {
  /** Numeric string, as RingCentral's notification uuids are. */
  uuid: string;
  /** The matched filter with real ids. */
  event: string;
  /** When the notification was sent (set per POST). */
  timestamp: string;
  subscriptionId: string;
  /** The subscriber's extension id ("Internal identifier of a subscription owner extension"). */
  ownerId: string;
  body: TelephonySessionsEventBody;
}
