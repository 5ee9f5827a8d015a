/**
 * The telephony-session notification RingCentral (and our simulator) POSTs to the webhook: only the fields the
 * receiver routes on are checked; anything else RingCentral adds (from/to, park, sipData, recordings, …) passes.
 * Identifiers become parts of Redis keys, so they are bounded in length and character set.
 */
import { z } from 'zod';
import type { PartyState } from '../telephony/telephony-port.ts';
import type { TelephonyEvent } from '../engine/telephony-event.ts';

/** RingCentral's uuids are numeric strings ("837270960869181944"); older ones look like UUIDs. */
const notificationUuid = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/);
/** "s-a0d7b6…" at RingCentral; bounded because it becomes part of a Redis key. */
const sessionId = z.string().regex(/^[A-Za-z0-9._:~-]{1,256}$/);

export const webhookPartySchema = z.object({
  id: z.string().min(1).max(256),
  extensionId: z.string().min(1).max(64).optional(),
  direction: z.enum(['Inbound', 'Outbound']),
  status: z.object({
    code: z.string().min(1).max(64),
    reason: z.string().max(256).optional(),
  }),
});

export const telephonySessionNotificationSchema = z.object({
  uuid: notificationUuid,
  event: z.string().max(2048).optional(),
  subscriptionId: z.string().max(256).optional(),
  body: z.object({
    sequence: z.int().min(0),
    telephonySessionId: sessionId,
    eventTime: z.string().min(1).max(64),
    /** RingCentral sends one changed party per notification; several are accepted and routed one by one. */
    parties: z.array(webhookPartySchema).max(64),
  }),
});

export type TelephonySessionNotification = z.infer<typeof telephonySessionNotificationSchema>;
export type WebhookParty = z.infer<typeof webhookPartySchema>;

/**
 * One TelephonyEvent per party. A notification with one party (RingCentral's norm) keeps its uuid; with several,
 * each event gets `<uuid>#<index>` so consumers that de-duplicate on the event's uuid keep them all.
 */
export function telephonyEvents(notification: TelephonySessionNotification): TelephonyEvent[] {
  const { uuid, body } = notification;
  const several = body.parties.length > 1;
  return body.parties.map((party, index) => ({
    uuid: several ? `${uuid}#${index}` : uuid,
    telephonySessionId: body.telephonySessionId,
    sequence: body.sequence,
    eventTime: body.eventTime,
    party: partyState(party),
  }));
}

function partyState(party: WebhookParty): PartyState {
  return {
    id: party.id,
    code: party.status.code,
    ...(party.status.reason === undefined ? {} : { reason: party.status.reason }),
    ...(party.extensionId === undefined ? {} : { extensionId: party.extensionId }),
    direction: party.direction,
  };
}
