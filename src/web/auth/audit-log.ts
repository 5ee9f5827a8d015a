/**
 * The audit log: who did what and when (hunts started and cancelled, line confirmations and hang-ups, settings,
 * destinations, queues, extensions, users, tokens, logins). One capped Redis stream, newest read first; entries
 * never carry secrets or request bodies — only the actor, the action, its target (ids from the path) and an outcome.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { authKeys } from '../../store/redis-keys.ts';

/** Keeps roughly this many entries (older ones are trimmed). */
export const AUDIT_MAX_ENTRIES = 100_000;

export interface AuditEntry {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  ip: string;
}

export type AuditInput = Omit<AuditEntry, 'id' | 'at'>;

export class AuditLog {
  constructor(private readonly redis: Redis) {}

  /**
   * Records `entry` unless one with the same actor, action and target was recorded in the last `everyMs`: for
   * actions that arrive as a stream of requests (an operator talking sends ten a second), one entry per turn.
   */
  async recordAtMostEvery(entry: AuditInput, everyMs: number): Promise<void> {
    const digest = createHash('sha256').update(`${entry.actor}\n${entry.action}\n${entry.target}`).digest('hex');
    if ((await this.redis.set(authKeys.auditRecent(digest), '1', 'PX', everyMs, 'NX')) !== 'OK') return;
    await this.record(entry);
  }

  async record(entry: AuditInput): Promise<void> {
    await this.redis.xadd(authKeys.audit, 'MAXLEN', '~', String(AUDIT_MAX_ENTRIES), '*', 'actor', entry.actor, 'action', entry.action, 'target', entry.target, 'outcome', entry.outcome, 'ip', entry.ip);
  }

  /** Newest first; `before` is an entry id to page back from; `actor`/`action` filter by exact match or prefix. */
  async read(options: { count?: number; before?: string; actor?: string; action?: string } = {}): Promise<AuditEntry[]> {
    const count = Math.max(1, Math.min(500, options.count ?? 100));
    const end = options.before && /^\d+-\d+$/.test(options.before) ? `(${options.before}` : '+';
    const wanted: AuditEntry[] = [];
    let cursor = end;
    // Filters are applied after reading: page through until enough entries match (bounded).
    for (let pages = 0; pages < 20 && wanted.length < count; pages++) {
      const batch = (await this.redis.xrevrange(authKeys.audit, cursor, '-', 'COUNT', 500)) as [string, string[]][];
      if (batch.length === 0) break;
      for (const [id, fields] of batch) {
        const entry = toEntry(id, fields);
        if (options.actor && entry.actor !== options.actor) continue;
        if (options.action && !entry.action.startsWith(options.action)) continue;
        wanted.push(entry);
        if (wanted.length === count) break;
      }
      cursor = `(${batch.at(-1)?.[0] ?? '0-0'}`;
    }
    return wanted;
  }
}

function toEntry(id: string, fields: string[]): AuditEntry {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i] as string] = fields[i + 1] as string;
  return { id, at: Number(id.split('-')[0]), actor: map.actor ?? '', action: map.action ?? '', target: map.target ?? '', outcome: map.outcome ?? '', ip: map.ip ?? '' };
}
