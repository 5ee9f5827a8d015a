/** What the job board shows, read from the job view and the tail of the job's history stream. */
import type { Redis } from 'ioredis';
import type { JobCommands } from '../engine/job-commands.ts';
import type { HistoryEntry } from '../engine/job-history.ts';
import { jobKeys } from '../store/redis-keys.ts';
import type { BoardModel } from '../../views/board/job-board.tsx';

export interface StreamEntry {
  id: string;
  entry: HistoryEntry;
}

const RECENT_PER_LINE = 3;
/** Enough of the tail for the last events of 70 lines. */
const TAIL = 500;

function decode(raw: [string, string[]][]): StreamEntry[] {
  return raw.map(([id, fields]) => ({ id, entry: JSON.parse(fields[1] ?? '{}') as HistoryEntry }));
}

/** The newest `count` history entries, newest first. */
export async function historyTail(redis: Redis, jobId: string, count: number): Promise<StreamEntry[]> {
  return decode(await redis.xrevrange(jobKeys(jobId).history, '+', '-', 'COUNT', count));
}

/** History entries after stream id `after` (exclusive), oldest first, at most `count`. */
export async function historyAfter(redis: Redis, jobId: string, after: string, count = 1000): Promise<StreamEntry[]> {
  return decode(await redis.xrange(jobKeys(jobId).history, `(${after}`, '+', 'COUNT', count));
}

export async function loadBoard(jobs: JobCommands, redis: Redis, jobId: string, now = Date.now()): Promise<(BoardModel & { tail: StreamEntry[] }) | undefined> {
  const [job, tail] = await Promise.all([jobs.get(jobId), historyTail(redis, jobId, TAIL)]);
  if (!job) return undefined;
  const recent = new Map<string, HistoryEntry[]>();
  for (const { entry } of tail) {
    if (entry.actor === 'job') continue;
    const list = recent.get(entry.actor) ?? [];
    if (list.length < RECENT_PER_LINE) list.unshift(entry);
    recent.set(entry.actor, list);
  }
  return { job, recent, now, tail };
}
