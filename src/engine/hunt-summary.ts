/**
 * One line per hunt for history, queue usage and analytics, computed from what every hunt leaves behind: its
 * record (spec, status, outcome) and its history stream (every state change of every line, with times and end
 * reasons). An ended hunt's summary never changes, so it is computed once and kept in `hh:job-summaries`.
 *
 * Courtesy disconnects: when its queue is full the IRS answers, plays "due to high call volume…" and hangs up
 * before the hold queue; on our side that is a line the far end hung up while it was still in the IVR phase,
 * before it ever held (the after-hours "closed" message ends the same way). A far-end hang-up while holding is a
 * hold drop.
 */
import type { Redis } from 'ioredis';
import { globalKeys } from '../store/redis-keys.ts';
import { readHistory } from './job-history.ts';
import type { HistoryEntry } from './job-history.ts';
import type { JobRecord } from './job-records.ts';
import { readJob } from './job-records.ts';
import type { JobStatus } from './hunt-types.ts';

export interface HuntSummary {
  id: string;
  createdAt: number;
  createdBy: string;
  destinationId: string;
  destination: string;
  status: JobStatus;
  /** transferred, cancelled, failed, or running while the hunt goes on. */
  outcome: string;
  /** The call queue the agent was handed to (also when its transfer number was dialled). */
  queue?: string;
  target: string;
  pool?: string;
  lines: number;
  /** Calls placed, redials included. */
  dials: number;
  /** Dials the IRS answered (the line reached its IVR). */
  answered: number;
  courtesyDisconnects: number;
  holdDrops: number;
  /** Lines the detector (or a hand-off) marked as a suspected live agent. */
  suspicions: number;
  /** Suspicions that went back to holding: the detector's false alarms that it caught itself. */
  suspicionsCleared: number;
  /** Who confirmed the winning line: the detector, or an operator (by name). */
  confirmedBy?: string;
  /** Start to the winner's hand-off (transferred, else confirmed). */
  timeToAgentMs?: number;
  endedAt?: number;
}

const FINAL = new Set<JobStatus>(['completed', 'cancelled', 'failed']);

export function summarize(record: JobRecord, history: readonly HistoryEntry[]): HuntSummary {
  const { spec } = record;
  let dials = 0;
  let answered = 0;
  let courtesyDisconnects = 0;
  let holdDrops = 0;
  let suspicions = 0;
  let suspicionsCleared = 0;
  let confirmedAt: number | undefined;
  let transferredAt: number | undefined;
  let confirmedBy: string | undefined;
  for (const h of history) {
    if (h.actor === 'job') continue;
    const detail = h.detail ?? {};
    if (h.to === 'dialing') dials += 1;
    if (h.to === 'ivr') answered += 1;
    if (h.to === 'suspected-live') suspicions += 1;
    if (h.from === 'suspected-live' && h.to === 'holding') suspicionsCleared += 1;
    if (detail.endReason === 'far-hangup' && h.from === 'ivr') courtesyDisconnects += 1;
    if (detail.endReason === 'far-hangup' && (h.from === 'holding' || h.from === 'suspected-live')) holdDrops += 1;
    const isWinner = record.winnerCallId === undefined || h.actor === record.winnerCallId;
    if (h.to === 'confirmed' && isWinner && confirmedAt === undefined) {
      confirmedAt = h.at;
      confirmedBy = typeof detail.by === 'string' ? detail.by : undefined;
    }
    if (h.to === 'transferred' && isWinner && transferredAt === undefined) transferredAt = h.at;
  }
  const agentAt = transferredAt ?? confirmedAt;
  const queue = spec.target.kind === 'queue' ? spec.target.extensionNumber : spec.forQueue;
  const target = spec.target.kind === 'number' ? spec.target.phoneNumber : `${spec.target.kind} ${spec.target.extensionNumber}`;
  const running = !FINAL.has(record.status);
  return {
    id: spec.id,
    createdAt: spec.createdAt,
    createdBy: spec.createdBy,
    destinationId: spec.destination.id,
    destination: spec.destination.name,
    status: record.status,
    outcome: running ? 'running' : (record.outcome ?? (transferredAt !== undefined ? 'transferred' : record.status)),
    ...(queue ? { queue } : {}),
    target,
    ...(spec.pool ? { pool: spec.pool.name } : {}),
    lines: spec.lines,
    dials,
    answered,
    courtesyDisconnects,
    holdDrops,
    suspicions,
    suspicionsCleared,
    ...(confirmedBy ? { confirmedBy } : {}),
    ...(agentAt !== undefined ? { timeToAgentMs: agentAt - spec.createdAt } : {}),
    ...(record.endedAt ? { endedAt: record.endedAt } : {}),
  };
}

/**
 * The newest `limit` hunts' summaries, newest first. Ended hunts come from the cache (filled on first read);
 * running ones are computed afresh.
 */
export async function readSummaries(redis: Redis, limit = 2000): Promise<HuntSummary[]> {
  const ids = await redis.zrevrange(globalKeys.jobs, 0, limit - 1);
  if (ids.length === 0) return [];
  const cached = await redis.hmget(globalKeys.jobSummaries, ...ids);
  const summaries = new Map<string, HuntSummary>();
  const missing: string[] = [];
  ids.forEach((id, i) => {
    const raw = cached[i];
    if (raw) summaries.set(id, JSON.parse(raw) as HuntSummary);
    else missing.push(id);
  });
  // In batches, so a first read of thousands of hunts does not hold every history in memory at once.
  for (let start = 0; start < missing.length; start += 50) {
    const batch = missing.slice(start, start + 50);
    const computed = await Promise.all(batch.map((id) => computeSummary(redis, id)));
    const done: Record<string, string> = {};
    for (const summary of computed) {
      if (!summary) continue;
      summaries.set(summary.id, summary);
      if (FINAL.has(summary.status)) done[summary.id] = JSON.stringify(summary);
    }
    if (Object.keys(done).length > 0) await redis.hset(globalKeys.jobSummaries, done);
  }
  return ids.map((id) => summaries.get(id)).filter((s): s is HuntSummary => s !== undefined);
}

async function computeSummary(redis: Redis, jobId: string): Promise<HuntSummary | undefined> {
  const [record, history] = await Promise.all([readJob(redis, jobId), readHistory(redis, jobId)]);
  return record ? summarize(record, history) : undefined;
}
