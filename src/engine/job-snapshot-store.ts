/**
 * Where a hunt's persisted state lives in Redis: the supervisor's snapshot with the owner's stream position and
 * intent cursor in one key, each call actor's snapshot in a hash field. A step rewrites the supervisor and only
 * the calls it changed, in the caller's MULTI, so the parts always commit together.
 */
import type { Redis } from 'ioredis';
import type { WriteBatch } from '../store/owner-fence.ts';
import { callContext, joinParts } from '../../machines/index.ts';
import type { PersistedChild, SnapshotParts } from '../../machines/index.ts';
import { jobKeys } from '../store/redis-keys.ts';
import type { CallStatus } from './hunt-types.ts';

export interface StoredJobState {
  version: number;
  snapshot: unknown;
  /** Last entry of the job's stream the snapshot includes. */
  streamId: string;
  /** Last intent the owner ran (later ones run after a takeover). */
  executedIntentId: number;
}

/** The whole persisted job (supervisor and calls joined), or undefined before its first step. */
export async function readStoredJob(redis: Redis, jobId: string): Promise<StoredJobState | undefined> {
  const keys = jobKeys(jobId);
  const results = await redis.multi().get(keys.snapshot).hgetall(keys.snapshotCalls).exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) throw failed?.[0] ?? new Error('snapshot read was discarded');
  const root = results[0]?.[1] as string | null;
  if (!root) return undefined;
  const calls = (results[1]?.[1] ?? {}) as Record<string, string>;
  const children = Object.fromEntries(Object.entries(calls).map(([id, raw]) => [id, JSON.parse(raw) as PersistedChild]));
  const stored = JSON.parse(root) as StoredJobState;
  return { ...stored, ...joinParts(stored, children) };
}

/** Where one line stands in the persisted job (its call actor's last committed status and attempt). */
export interface StoredLine {
  status: CallStatus;
  attempt: number;
}

/**
 * One line as last committed by the job's owner, read without the rest of the job (one call part, ~1–2 KB), or
 * undefined before the job's first step or for a call the job does not have.
 */
export async function readStoredLine(redis: Redis, jobId: string, callId: string): Promise<StoredLine | undefined> {
  const raw = await redis.hget(jobKeys(jobId).snapshotCalls, callId);
  if (raw) {
    const context = (JSON.parse(raw) as { snapshot?: { context?: Partial<StoredLine> } }).snapshot?.context;
    if (context?.status !== undefined && typeof context.attempt === 'number') return { status: context.status, attempt: context.attempt };
  }
  // A snapshot written before calls were stored apart embeds them in the supervisor's part.
  const stored = await readStoredJob(redis, jobId);
  const call = stored ? callContext(stored.snapshot, callId) : undefined;
  return call ? { status: call.status, attempt: call.attempt } : undefined;
}

/** Adds the write of a step's parts to `multi`. */
export function writeStoredJob(multi: WriteBatch, jobId: string, parts: SnapshotParts, cursor: Pick<StoredJobState, 'streamId' | 'executedIntentId'>): void {
  const keys = jobKeys(jobId);
  multi.set(keys.snapshot, JSON.stringify({ ...parts.root, ...cursor } satisfies StoredJobState));
  if (parts.changed.size === 0) return;
  const fields: string[] = [];
  for (const [id, child] of parts.changed) fields.push(id, JSON.stringify(child));
  multi.hset(keys.snapshotCalls, ...fields);
}
