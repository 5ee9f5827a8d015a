/**
 * Ended hunts: a day after the end their live-only keys and session-map entries go, the history stays; after
 * HISTORY_RETENTION_DAYS everything of them goes (clips and summary included). Running hunts and recent ones are
 * never touched. Against a Redis of the test's own (or the cluster of `npm run test:cluster`): the pruning reads global keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { DAY_MS, RetentionKeeper, pruneEndedJobs } from '../../src/store/data-retention.ts';
import { scanKeys } from '../../src/store/redis-client.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import { startOwnRedis } from '../support/own-redis-server.ts';
import type { OwnRedis } from '../support/own-redis-server.ts';
import { eventually } from '../support/eventually.ts';

let own: OwnRedis;
let redis: Redis;
const NOW = Date.UTC(2026, 10, 1);

beforeAll(async () => {
  own = await startOwnRedis();
  redis = own.redis;
});
afterAll(async () => {
  await own?.stop();
});

/** A hunt as the engine leaves it: record, snapshot, streams, winner, a clip, a summary, mapped sessions. */
async function seedJob(jobId: string, createdAt: number, status: string, endedAt?: number): Promise<void> {
  const k = jobKeys(jobId);
  await redis
    .multi()
    .hset(k.record, { spec: JSON.stringify({ id: jobId, createdAt }), status, ...(endedAt ? { endedAt: String(endedAt) } : {}) })
    .zadd(globalKeys.jobs, createdAt, jobId)
    .set(k.snapshot, '{}')
    .hset(k.snapshotCalls, 'call-1', '{}')
    .xadd(k.events, '*', 'kind', 'timer')
    .xadd(k.history, '*', 'kind', 'transition')
    .hset(k.winner, 'callId', 'call-1')
    .sadd(k.dialsInFlight, 'call-1:1')
    .set(k.clip('call-1', 'd1'), 'audio', 'EX', 86_400 * 30)
    .hset(globalKeys.jobSummaries, jobId, '{}')
    .hset(globalKeys.sessionMap, `s-${jobId}-1`, `${jobId} call-1`, `s-${jobId}-2`, `${jobId} call-2`)
    .exec();
}

describe('data retention', () => {
  it('compacts hunts ended over a day ago, deletes those past the retention, leaves the rest', async () => {
    await seedJob('old', NOW - 100 * DAY_MS, 'completed', NOW - 100 * DAY_MS + 3_600_000);
    await seedJob('ended', NOW - 3 * DAY_MS, 'cancelled', NOW - 2 * DAY_MS);
    await seedJob('running', NOW - 200 * DAY_MS, 'hunting');
    await seedJob('recent', NOW - 2 * 3_600_000, 'completed', NOW - 3_600_000);

    const result = await pruneEndedJobs(redis, { historyRetentionMs: 90 * DAY_MS, now: () => NOW });
    expect(result).toEqual({ deleted: 1, compacted: 1, sessionsUnmapped: 4 });

    // Past the retention: nothing of it is left.
    expect(await scanKeys(redis, 'hh:{job:old}*')).toEqual([]);
    expect(await redis.hexists(globalKeys.jobSummaries, 'old')).toBe(0);
    expect(await redis.zscore(globalKeys.jobs, 'old')).toBeNull();

    // Ended two days ago: history stays, live-only state goes.
    const ended = jobKeys('ended');
    expect(await redis.exists(ended.record, ended.snapshot, ended.snapshotCalls, ended.history, ended.winner, ended.clip('call-1', 'd1'))).toBe(6);
    expect(await redis.exists(ended.events, ended.dialsInFlight)).toBe(0);
    expect(await redis.hget(ended.record, 'compactedAt')).toBe(String(NOW));
    expect(await redis.hexists(globalKeys.jobSummaries, 'ended')).toBe(1);

    // Running (however old) and just ended: untouched, sessions still mapped.
    for (const jobId of ['running', 'recent']) {
      expect(await redis.exists(jobKeys(jobId).events, jobKeys(jobId).dialsInFlight)).toBe(2);
      expect(await redis.hget(globalKeys.sessionMap, `s-${jobId}-1`)).toBe(`${jobId} call-1`);
    }
    expect(await redis.hlen(globalKeys.sessionMap)).toBe(4);

    // A second run has nothing left to do.
    expect(await pruneEndedJobs(redis, { historyRetentionMs: 90 * DAY_MS, now: () => NOW })).toEqual({ deleted: 0, compacted: 0, sessionsUnmapped: 0 });
  });

  it('runs on its own schedule on one instance at a time', async () => {
    await seedJob('later', NOW - 200 * DAY_MS, 'failed', NOW - 199 * DAY_MS);
    const log = pino({ level: 'silent' });
    const keepers = [0, 1].map(() => new RetentionKeeper(redis, { historyRetentionMs: 90 * DAY_MS, now: () => NOW, everyMs: 50, log }));
    for (const keeper of keepers) keeper.start();
    await eventually(async () => ((await redis.exists(jobKeys('later').record)) === 0 ? true : undefined), 5_000, 20);
    await Promise.all(keepers.map((keeper) => keeper.stop()));
    expect(await redis.exists('hh:retention:lock')).toBe(0);
  });
});
