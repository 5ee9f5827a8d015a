/**
 * The firm's extensions and queues as last synced from RingCentral, kept in Redis with our own settings
 * (enabled for hunting) beside them. A line dials from an extension's online device.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../observability/metrics.ts';
import { globalKeys } from '../store/redis-keys.ts';
import type { DirectoryDevice, Telephony } from '../telephony/telephony-port.ts';
import { ourSessions, presenceOf, writePresence } from './extension-presence.ts';

export interface HuntExtension {
  id: string;
  extensionNumber: string;
  name: string;
  deviceId?: string;
  deviceType?: string;
  enabled: boolean;
  /** The firm's own labels ("spanish", "night"), kept across syncs; filters on the extensions page. */
  tags?: string[];
}

export interface HuntQueue {
  id: string;
  extensionNumber: string;
  name: string;
}

/** Devices a call-out may start from, best first: an Existing Phone is also what the softphone mode needs. */
const DEVICE_PREFERENCE = ['OtherPhone', 'HardPhone', 'SoftPhone'];

export function pickDevice(devices: DirectoryDevice[]): DirectoryDevice | undefined {
  return devices
    .filter((d) => d.status === 'Online' && DEVICE_PREFERENCE.includes(d.type))
    .sort((a, b) => DEVICE_PREFERENCE.indexOf(a.type) - DEVICE_PREFERENCE.indexOf(b.type))[0];
}

export async function readExtensions(redis: Redis): Promise<HuntExtension[]> {
  const raw = await redis.hgetall(globalKeys.extensions);
  return Object.values(raw)
    .map((v) => JSON.parse(v) as HuntExtension)
    .sort((a, b) => a.extensionNumber.localeCompare(b.extensionNumber, 'en', { numeric: true }));
}

export async function readQueues(redis: Redis): Promise<HuntQueue[]> {
  const raw = await redis.hgetall(globalKeys.queues);
  return Object.values(raw).map((v) => JSON.parse(v) as HuntQueue);
}

/**
 * Pulls users and call queues from RingCentral (two list requests), keeping each extension's `enabled` flag and
 * last known device. Devices cost one Light request per user, so `syncDevices` fills them in afterwards at the
 * lowest priority while the dashboard already shows the directory.
 */
export async function syncDirectory(telephony: Telephony, redis: Redis, log: Logger): Promise<{ extensions: number; queues: number }> {
  const [users, queues] = await Promise.all([telephony.listExtensions(), telephony.listQueues()]);
  const existing = await redis.hgetall(globalKeys.extensions);
  const extensions: Record<string, string> = {};
  for (const user of users.filter((u) => u.status === 'Enabled')) {
    const previous = existing[user.id] ? (JSON.parse(existing[user.id] as string) as HuntExtension) : undefined;
    const record: HuntExtension = {
      id: user.id,
      extensionNumber: user.extensionNumber,
      name: user.name,
      enabled: previous?.enabled ?? true,
      ...(previous?.tags?.length ? { tags: previous.tags } : {}),
      ...(previous?.deviceId ? { deviceId: previous.deviceId, ...(previous.deviceType ? { deviceType: previous.deviceType } : {}) } : {}),
    };
    extensions[user.id] = JSON.stringify(record);
  }
  const queueRecords: Record<string, string> = {};
  for (const queue of queues) queueRecords[queue.id] = JSON.stringify({ id: queue.id, extensionNumber: queue.extensionNumber, name: queue.name } satisfies HuntQueue);
  const multi = redis.multi().del(globalKeys.extensions, globalKeys.queues);
  if (Object.keys(extensions).length > 0) multi.hset(globalKeys.extensions, extensions);
  if (Object.keys(queueRecords).length > 0) multi.hset(globalKeys.queues, queueRecords);
  await multi.exec();
  log.info({ extensions: Object.keys(extensions).length, queues: queues.length }, 'directory synced');
  return { extensions: Object.keys(extensions).length, queues: queues.length };
}

/**
 * Looks up each extension's devices and presence (two Light requests each), records the best online device and
 * whether the extension is available (`extension-presence.ts`); returns how many have a device.
 * `shared` (at start): instances starting together split the work instead of each looking up every extension on
 * the account's one Light quota — an extension another instance claimed within `claimMs` is skipped (and counted
 * by what Redis already holds for it). Sets the instance's `devicesSyncedAt` gauge when its pass ends.
 */
export async function syncDevices(
  telephony: Telephony,
  redis: Redis,
  log: Logger,
  signal?: AbortSignal,
  shared?: { claimMs: number },
): Promise<number> {
  let withDevice = 0;
  for (const extension of await readExtensions(redis)) {
    if (signal?.aborted) break;
    if (shared && (await redis.set(globalKeys.deviceLookupClaim(extension.id), '1', 'PX', shared.claimMs, 'NX')) !== 'OK') {
      if (extension.deviceId) withDevice += 1;
      continue;
    }
    let device: DirectoryDevice | undefined;
    try {
      device = pickDevice(await telephony.listDevices(extension.id));
    } catch (error) {
      log.warn({ err: error, extensionId: extension.id }, 'device list failed; keeping the previous device');
      if (extension.deviceId) withDevice += 1;
      continue;
    }
    // Re-read: the dashboard may have changed the record (enabled, tags) while the device list was on its way.
    const current = await redis.hget(globalKeys.extensions, extension.id);
    if (!current) continue;
    const { deviceId: _old, deviceType: _oldType, ...rest } = JSON.parse(current) as HuntExtension;
    const updated: HuntExtension = { ...rest, ...(device ? { deviceId: device.id, deviceType: device.type } : {}) };
    await redis.hset(globalKeys.extensions, extension.id, JSON.stringify(updated));
    if (device) withDevice += 1;
    await syncPresenceOf(telephony, redis, log, extension.id);
  }
  // Whoever runs it (start, the dashboard's Sync button), the instance reports when its pass ended.
  metrics.devicesSyncedAt.set(Date.now() / 1000);
  return withDevice;
}

/** Reads one extension's presence and stores what it means for hunting; a failure keeps the last one. */
export async function syncPresenceOf(telephony: Telephony, redis: Redis, log: Logger, extensionId: string): Promise<void> {
  try {
    const presence = await telephony.presence(extensionId);
    await writePresence(redis, extensionId, presenceOf(presence, await ourSessions(redis, presence), Date.now()));
  } catch (error) {
    log.warn({ err: error, extensionId }, 'presence read failed; keeping the previous one');
  }
}

/** How often presence is re-read between directory syncs (one instance per round, see keepPresenceFresh). */
export const PRESENCE_REFRESH_MS = 5 * 60_000;

/**
 * Re-reads every extension's presence each `everyMs` until `signal` aborts, so availability stays close to the
 * truth between syncs. With several app instances only the first to claim a round (SET NX on the round's key)
 * reads, so the account's Light quota is spent once per round.
 */
export async function keepPresenceFresh(telephony: Telephony, redis: Redis, log: Logger, signal: AbortSignal, everyMs = PRESENCE_REFRESH_MS): Promise<void> {
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, everyMs);
      signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
    if (signal.aborted) break;
    try {
      const round = Math.floor(Date.now() / everyMs);
      if ((await redis.set(globalKeys.presenceRound(round), '1', 'PX', everyMs, 'NX')) !== 'OK') continue;
      for (const extension of await readExtensions(redis)) {
        if (signal.aborted) break;
        await syncPresenceOf(telephony, redis, log, extension.id);
      }
    } catch (error) {
      log.warn({ err: error }, 'presence refresh failed; trying again next round');
    }
  }
}
