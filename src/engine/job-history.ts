/**
 * Every state change of every actor of a hunt, appended to the job's history stream (kept after the job ends)
 * and published for live views on every instance.
 */
import type { Redis } from 'ioredis';
import type { HuntEvent, JobSummary } from '../../machines/hunt-protocol.ts';
import { jobKeys } from '../store/redis-keys.ts';

export interface HistoryEntry {
  at: number;
  actor: string;
  from: string | null;
  to: string;
  event: string;
  detail?: Record<string, unknown>;
}

/** Pub/sub channel a job's live updates go out on. */
export const uiChannel = (jobId: string): string => `hh:ui:job:${jobId}`;

/** Compares two summaries and records what changed; returns the entries written. */
export async function recordHistory(redis: Redis, jobId: string, event: HuntEvent, before: JobSummary, after: JobSummary): Promise<HistoryEntry[]> {
  const at = 'at' in event ? event.at : Date.now();
  const entries: HistoryEntry[] = [];
  if (before.status !== after.status) entries.push({ at, actor: 'job', from: before.status, to: after.status, event: event.type });
  const previous = new Map(before.calls.map((c) => [c.callId, c]));
  for (const call of after.calls) {
    const old = previous.get(call.callId);
    if (old?.status === call.status && old.attempt === call.attempt) continue;
    entries.push({
      at,
      actor: call.callId,
      from: old?.status ?? null,
      to: call.status,
      event: event.type,
      detail: { attempt: call.attempt, ...(call.telephonySessionId ? { telephonySessionId: call.telephonySessionId } : {}), ...(call.endReason ? { endReason: call.endReason } : {}) },
    });
  }
  if (entries.length === 0) return entries;
  const multi = redis.multi();
  for (const entry of entries) multi.xadd(jobKeys(jobId).history, 'MAXLEN', '~', '100000', '*', 'h', JSON.stringify(entry));
  multi.publish(uiChannel(jobId), JSON.stringify({ jobId, entries, summary: after }));
  await multi.exec();
  return entries;
}

export async function readHistory(redis: Redis, jobId: string): Promise<HistoryEntry[]> {
  const raw = (await redis.xrange(jobKeys(jobId).history, '-', '+')) as [string, string[]][];
  return raw.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as HistoryEntry);
}
