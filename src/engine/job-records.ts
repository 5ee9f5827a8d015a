/** The job's record in Redis: its spec, status and outcome, readable by every instance. */
import type { Redis } from 'ioredis';
import type { WriteBatch } from '../store/owner-fence.ts';
import { globalKeys, jobKeys } from '../store/redis-keys.ts';
import type { JobSpec, JobStatus } from './hunt-types.ts';

export interface JobRecord {
  spec: JobSpec;
  status: JobStatus;
  endedAt?: number;
  outcome?: string;
  winnerCallId?: string;
}

export async function writeNewJob(redis: Redis, spec: JobSpec): Promise<void> {
  await redis
    .multi()
    .hset(jobKeys(spec.id).record, { spec: JSON.stringify(spec), status: 'starting' })
    .zadd(globalKeys.jobs, spec.createdAt, spec.id)
    .exec();
}

export async function readJob(redis: Redis, jobId: string): Promise<JobRecord | undefined> {
  const raw = await redis.hgetall(jobKeys(jobId).record);
  if (!raw.spec) return undefined;
  return {
    spec: JSON.parse(raw.spec) as JobSpec,
    status: (raw.status ?? 'starting') as JobStatus,
    ...(raw.endedAt ? { endedAt: Number(raw.endedAt) } : {}),
    ...(raw.outcome ? { outcome: raw.outcome } : {}),
    ...(raw.winnerCallId ? { winnerCallId: raw.winnerCallId } : {}),
  };
}

export async function updateJob(redis: Redis, jobId: string, fields: Partial<Omit<JobRecord, 'spec'>>): Promise<void> {
  const values = recordValues(fields);
  if (Object.keys(values).length > 0) await redis.hset(jobKeys(jobId).record, values);
}

/** The same update inside a transaction the caller runs (so it commits with the rest). */
export function updateJobIn(multi: WriteBatch, jobId: string, fields: Partial<Omit<JobRecord, 'spec'>>): void {
  const values = recordValues(fields);
  if (Object.keys(values).length > 0) multi.hset(jobKeys(jobId).record, values);
}

function recordValues(fields: Partial<Omit<JobRecord, 'spec'>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) values[key] = String(value);
  return values;
}

export async function listJobIds(redis: Redis, limit = 200): Promise<string[]> {
  return redis.zrevrange(globalKeys.jobs, 0, limit - 1);
}
