/**
 * Whether an extension is free to dial from, as its RingCentral presence says (GET …/extension/{id}/presence,
 * research §5): a person on a call of their own is busy, "Do not accept any calls" is DND, a user logged in
 * nowhere is offline. Lines of our own hunts make an extension look busy too, so calls whose telephony session is
 * one of ours (`hh:session-map`) do not count. Kept in its own hash so directory syncs never clobber it.
 */
import type { Redis } from 'ioredis';
import { globalKeys } from '../store/redis-keys.ts';
import type { Presence } from '../telephony/telephony-port.ts';

export type Availability = 'available' | 'busy' | 'dnd' | 'offline';

export interface ExtensionPresence {
  availability: Availability;
  presenceStatus?: string;
  dndStatus?: string;
  telephonyStatus: string;
  /** Epoch ms the presence was read. */
  at: number;
}

export const AVAILABILITY_WORDS: Record<Availability, string> = {
  available: 'Available',
  busy: 'Busy (on a call)',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

const ON_A_CALL = new Set(['Ringing', 'CallConnected', 'OnHold', 'ParkedCall']);

export function availabilityOf(presence: Presence, ourSessions: ReadonlySet<string>): Availability {
  if (presence.dndStatus === 'DoNotAcceptAnyCalls') return 'dnd';
  const theirs = presence.activeCalls.filter((call) => !ourSessions.has(call.telephonySessionId));
  // RingCentral lists active calls only with detailedTelephonyState; a status without a list is taken at its word.
  if (theirs.length > 0 || (presence.activeCalls.length === 0 && ON_A_CALL.has(presence.telephonyStatus))) return 'busy';
  if (presence.presenceStatus === 'Offline') return 'offline';
  return 'available';
}

export function presenceOf(presence: Presence, ourSessions: ReadonlySet<string>, at: number): ExtensionPresence {
  return {
    availability: availabilityOf(presence, ourSessions),
    telephonyStatus: presence.telephonyStatus,
    ...(presence.presenceStatus ? { presenceStatus: presence.presenceStatus } : {}),
    ...(presence.dndStatus ? { dndStatus: presence.dndStatus } : {}),
    at,
  };
}

/** Reads which of these sessions are our own lines (one HMGET). */
export async function ourSessions(redis: Redis, presence: Presence): Promise<Set<string>> {
  const ids = presence.activeCalls.map((c) => c.telephonySessionId).filter((id) => id !== '');
  if (ids.length === 0) return new Set();
  const mapped = await redis.hmget(globalKeys.sessionMap, ...ids);
  return new Set(ids.filter((_, i) => mapped[i] !== null));
}

export async function writePresence(redis: Redis, extensionId: string, presence: ExtensionPresence): Promise<void> {
  await redis.hset(globalKeys.extensionPresence, extensionId, JSON.stringify(presence));
}

export async function readPresence(redis: Redis): Promise<Map<string, ExtensionPresence>> {
  const raw = await redis.hgetall(globalKeys.extensionPresence);
  return new Map(Object.entries(raw).map(([id, v]) => [id, JSON.parse(v) as ExtensionPresence]));
}

/** Never read (or not yet) is no reason to refuse an extension: only a presence that says otherwise is. */
export function isAvailable(presence: ExtensionPresence | undefined): boolean {
  return presence === undefined || presence.availability === 'available';
}
