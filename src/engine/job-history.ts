/**
 * Every state change of every actor of a hunt, appended to the job's history stream (kept after the job ends)
 * and published for live views on every instance.
 */
import type { Redis } from 'ioredis';
import type { WriteBatch } from '../store/owner-fence.ts';
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

/** What changed between two summaries, as history entries. */
export function historyEntries(event: HuntEvent, before: JobSummary, after: JobSummary): HistoryEntry[] {
  const at = 'at' in event ? event.at : Date.now();
  const entries: HistoryEntry[] = [];
  if (before.status !== after.status) entries.push({ at, actor: 'job', from: before.status, to: after.status, event: event.type });
  const previous = new Map(before.calls.map((c) => [c.callId, c]));
  for (const call of after.calls) {
    const old = previous.get(call.callId);
    if (old === call) continue;
    if (old?.status === call.status && old.attempt === call.attempt) continue;
    entries.push({
      at,
      actor: call.callId,
      from: old?.status ?? null,
      to: call.status,
      event: event.type,
      detail: {
        attempt: call.attempt,
        ...(call.telephonySessionId ? { telephonySessionId: call.telephonySessionId } : {}),
        ...(call.endReason ? { endReason: call.endReason } : {}),
        // Who moved the line (the detector or an operator confirming): history and analytics tell them apart.
        ...('by' in event && 'callId' in event && event.callId === call.callId ? { by: event.by } : {}),
      },
    });
  }
  return entries;
}

/**
 * Adds the entries (and their live-view update) to a MULTI, so they commit together with the snapshot. The update
 * carries the changes, not the whole job (70 calls): views apply them, or read the job when they need all of it.
 */
export function appendHistory(multi: WriteBatch, jobId: string, entries: HistoryEntry[], job: Pick<JobSummary, 'status' | 'winnerCallId'>): void {
  if (entries.length === 0) return;
  for (const entry of entries) multi.xadd(jobKeys(jobId).history, 'MAXLEN', '~', '100000', '*', 'h', JSON.stringify(entry));
  multi.publish(uiChannel(jobId), JSON.stringify({ jobId, status: job.status, ...(job.winnerCallId ? { winnerCallId: job.winnerCallId } : {}), entries }));
}

export async function readHistory(redis: Redis, jobId: string): Promise<HistoryEntry[]> {
  const raw = (await redis.xrange(jobKeys(jobId).history, '-', '+')) as [string, string[]][];
  return raw.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as HistoryEntry);
}
