/**
 * Data lifecycle for ended hunts. A day after a hunt ended its live-only keys go (the event stream, in-flight
 * bookkeeping, alerts) and its sessions leave the session map, which would otherwise grow by one field per call
 * forever; its record, snapshot, history, detections and summary stay for the history pages and analytics until
 * HISTORY_RETENTION_DAYS, then everything of it goes. Running hunts are never touched. Short-lived keys (webhook
 * de-duplication, parked notifications, detection clips, rate-budget windows) carry TTLs where they are written.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { scanKeys } from './redis-client.ts';
import { PREFIX, globalKeys, jobKeys } from './redis-keys.ts';
import { parseSessionMapValue } from './session-map.ts';

const FINAL = new Set(['completed', 'cancelled', 'failed']);
export const DAY_MS = 86_400_000;
/** After this long an ended hunt gets no more webhooks or commands worth keeping live state for. */
export const LIVE_GRACE_MS = DAY_MS;

export interface RetentionOptions {
  /** HISTORY_RETENTION_DAYS in ms: ended hunts older than this are deleted whole. */
  historyRetentionMs: number;
  liveGraceMs?: number;
  now?: () => number;
}

export interface RetentionResult {
  /** Hunts deleted whole (older than the retention). */
  deleted: number;
  /** Hunts whose live-only keys were removed. */
  compacted: number;
  /** Session-map entries removed. */
  sessionsUnmapped: number;
}

/** Live-only keys of an ended hunt (everything else of it is history). */
const liveOnly = (jobId: string): string[] => {
  const k = jobKeys(jobId);
  return [k.events, k.dialsInFlight, k.hangupsAnswered, k.alerts];
};

/** Every key of a hunt except its detection clips (found by SCAN). */
const allKeysOf = (jobId: string): string[] =>
  Object.values(jobKeys(jobId)).filter((value): value is string => typeof value === 'string');

export async function pruneEndedJobs(redis: Redis, options: RetentionOptions): Promise<RetentionResult> {
  const now = (options.now ?? Date.now)();
  const grace = options.liveGraceMs ?? LIVE_GRACE_MS;
  const result: RetentionResult = { deleted: 0, compacted: 0, sessionsUnmapped: 0 };
  // A hunt ends after it was created: only hunts created before the grace began can have ended before it.
  const candidates = await redis.zrangebyscore(globalKeys.jobs, '-inf', now - grace);
  const unmap = new Set<string>();
  for (const jobId of candidates) {
    const [status, endedAt, compactedAt] = await redis.hmget(jobKeys(jobId).record, 'status', 'endedAt', 'compactedAt');
    if (!status) {
      // The record is gone (deleted by hand): only the index entry is left.
      await redis.zrem(globalKeys.jobs, jobId);
      continue;
    }
    if (!FINAL.has(status) || !endedAt) continue;
    const ended = Number(endedAt);
    if (ended <= now - options.historyRetentionMs) {
      await deleteJob(redis, jobId);
      unmap.add(jobId);
      result.deleted += 1;
    } else if (ended <= now - grace && !compactedAt) {
      await redis
        .multi()
        .del(...liveOnly(jobId))
        .hset(jobKeys(jobId).record, 'compactedAt', String(now))
        .exec();
      unmap.add(jobId);
      result.compacted += 1;
    }
  }
  if (unmap.size > 0) result.sessionsUnmapped = await unmapSessions(redis, unmap);
  return result;
}

async function deleteJob(redis: Redis, jobId: string): Promise<void> {
  const clips = await scanKeys(redis, `${PREFIX}:{job:${jobId}}:clip:*`);
  await redis
    .multi()
    .del(...allKeysOf(jobId), ...clips)
    .hdel(globalKeys.jobSummaries, jobId)
    .zrem(globalKeys.jobs, jobId)
    .exec();
}

/** Removes the session-map fields ("<jobId> <callId>") of these hunts. */
async function unmapSessions(redis: Redis, jobIds: Set<string>): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(globalKeys.sessionMap, cursor, 'COUNT', 1000);
    const stale: string[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const owner = parseSessionMapValue(flat[i + 1]);
      if (owner && jobIds.has(owner.jobId)) stale.push(flat[i] as string);
    }
    if (stale.length > 0) removed += await redis.hdel(globalKeys.sessionMap, ...stale);
    cursor = next;
  } while (cursor !== '0');
  return removed;
}

/** Runs `pruneEndedJobs` now and every `everyMs` on one instance at a time (a Redis lock); failures are logged. */
export class RetentionKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: RetentionOptions & { everyMs?: number; log: { info: (o: object, m: string) => void; error: (o: object, m: string) => void } },
  ) {}

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.everyMs ?? 60 * 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.runOnce()
      .catch((error: unknown) => this.options.log.error({ err: error }, 'data retention run failed; retrying at the next one'))
      .finally(() => {
        this.running = undefined;
      });
  }

  private async runOnce(): Promise<void> {
    const lock = `${PREFIX}:retention:lock`;
    const token = randomUUID();
    if ((await this.redis.set(lock, token, 'PX', 10 * 60_000, 'NX')) !== 'OK') return;
    try {
      const result = await pruneEndedJobs(this.redis, this.options);
      if (result.deleted + result.compacted + result.sessionsUnmapped > 0) this.options.log.info({ ...result }, 'data retention: old hunts pruned');
    } finally {
      if ((await this.redis.get(lock)) === token) await this.redis.del(lock);
    }
  }
}
