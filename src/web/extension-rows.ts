/**
 * The extensions as the dashboard and `GET /api/v1/extensions` show them: the synced record with our settings
 * (enabled, tags), the named pools it is in, its availability from presence, and which hunt holds it.
 */
import type { Redis } from 'ioredis';
import type { HuntExtension } from '../engine/extension-directory.ts';
import { readExtensions } from '../engine/extension-directory.ts';
import type { JobCommands } from '../engine/job-commands.ts';
import { listPools, poolsByExtension } from '../engine/extension-pools.ts';
import type { HuntPool } from '../engine/extension-pools.ts';
import { readPresence } from '../engine/extension-presence.ts';
import type { ExtensionPresence } from '../engine/extension-presence.ts';
import { reservations } from './extension-settings.ts';
import type { ReservationState } from './extension-settings.ts';
import type { LineMode } from './dial-estimate.ts';

export interface ExtensionRow extends HuntExtension {
  /** Has a device the line mode can dial from (whether or not it is enabled). */
  usable: boolean;
  pools: { id: string; name: string }[];
  presence?: ExtensionPresence;
  held?: ReservationState;
}

export interface ExtensionFilters {
  q: string;
  show: string;
  tag: string;
  pool: string;
}

/** Same device rule as the engine's candidate check (`RedisJobCommands`). */
export function hasUsableDevice(e: HuntExtension, lineMode: LineMode): boolean {
  return Boolean(e.deviceId) && (lineMode !== 'softphone' || e.deviceType === 'OtherPhone');
}

export async function extensionRows(redis: Redis, jobs: JobCommands, lineMode: LineMode): Promise<{ rows: ExtensionRow[]; pools: HuntPool[] }> {
  const [all, held, presence, pools] = await Promise.all([readExtensions(redis), reservations(redis, jobs), readPresence(redis), listPools(redis)]);
  const byExtension = poolsByExtension(pools);
  const rows = all.map((e) => {
    const h = held.get(e.id);
    const p = presence.get(e.id);
    return {
      ...e,
      usable: hasUsableDevice(e, lineMode),
      pools: (byExtension.get(e.id) ?? []).map(({ id, name }) => ({ id, name })),
      ...(p ? { presence: p } : {}),
      ...(h ? { held: h } : {}),
    };
  });
  return { rows, pools };
}

export function filterExtensionRows(rows: ExtensionRow[], filters: ExtensionFilters): ExtensionRow[] {
  const q = filters.q.toLowerCase();
  return rows
    .filter((e) => q === '' || e.extensionNumber.includes(q) || e.name.toLowerCase().includes(q))
    .filter((e) => filters.tag === '' || (e.tags ?? []).includes(filters.tag))
    .filter((e) => filters.pool === '' || e.pools.some((p) => p.id === filters.pool))
    .filter((e) => {
      switch (filters.show) {
        case 'enabled':
          return e.enabled;
        case 'disabled':
          return !e.enabled;
        case 'in-use':
          return e.held !== undefined;
        case 'stuck':
          return e.held?.stuck === true;
        case 'no-device':
          return !e.usable;
        case 'available':
          return (e.presence?.availability ?? 'available') === 'available';
        case 'unavailable':
          return e.presence !== undefined && e.presence.availability !== 'available';
        default:
          return true;
      }
    });
}

/** Every tag in use, sorted. */
export function allTags(rows: readonly HuntExtension[]): string[] {
  return [...new Set(rows.flatMap((e) => e.tags ?? []))].sort();
}
