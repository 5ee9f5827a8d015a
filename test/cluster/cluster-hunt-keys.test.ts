/**
 * One hunt's Redis traffic against a real 3-master Redis Cluster (scripts/redis-cluster.ts), in the normal suite so
 * CI covers the cluster: job record and index, a job step's MULTI and its fenced commit, the winner CAS, the answer-once script,
 * extension reservations, the rate budget, webhook de-duplication, a BullMQ job through a hash-tagged queue and
 * pub/sub. The whole integration suite on a cluster is `npm run test:cluster`.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster } from '../../scripts/redis-cluster.ts';
import type { LocalRedisCluster } from '../../scripts/redis-cluster.ts';
import { QUEUES } from '../../src/engine/engine-queues.ts';
import { listJobIds, readJob, updateJobIn, writeNewJob } from '../../src/engine/job-records.ts';
import { readStoredJob, writeStoredJob } from '../../src/engine/job-snapshot-store.ts';
import { appendHistory } from '../../src/engine/job-history.ts';
import type { JobSpec } from '../../src/engine/hunt-types.ts';
import { ChannelFan } from '../../src/store/channel-fan.ts';
import { luaScript } from '../../src/store/lua-script.ts';
import { OwnerFence, OwnershipLost } from '../../src/store/owner-fence.ts';
import type { WriteBatch } from '../../src/store/owner-fence.ts';
import { closeRedis, createRedis, isCluster, masters, scanKeys } from '../../src/store/redis-client.ts';
import { parseClusterUrl } from '../../src/store/redis-cluster-client.ts';
import { RedisExtensionPool } from '../../src/store/redis-extension-pool.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import { firstSighting } from '../../src/store/webhook-dedup.ts';
import { deliverNotification } from '../../src/store/webhook-inbox.ts';
import type { TelephonyEvent } from '../../src/engine/telephony-event.ts';
import { advanceWinner, claimWinner, readWinner } from '../../src/store/winner-record.ts';
import { RedisRateBudget } from '../../src/telephony/redis-rate-budget.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueId } from '../store/redis-fixture.ts';

let cluster: LocalRedisCluster;
let redis: Redis;

beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = createRedis(cluster.url, { name: 'hh-cluster-test' });
}, 30_000);

afterAll(async () => {
  if (redis) await closeRedis(redis);
  await cluster?.stop();
});

describe('REDIS_URL=redis+cluster://…', () => {
  it('reads seed nodes, credentials and TLS from the URL', () => {
    expect(parseClusterUrl('rediss+cluster://default:s%40cret@a.example:6380,b.example')).toEqual({
      nodes: [{ host: 'a.example', port: 6380 }, { host: 'b.example', port: 6379 }],
      username: 'default',
      password: 's@cret',
      tls: true,
    });
    expect(() => parseClusterUrl('redis://127.0.0.1:6379')).toThrow(/redis\+cluster/);
  });

  it('connects to every master of the cluster', async () => {
    expect(isCluster(redis)).toBe(true);
    expect(await redis.ping()).toBe('PONG');
    expect(masters(redis)).toHaveLength(3);
  });
});

describe('a hunt on a Redis Cluster', () => {
  const spec = (id: string): JobSpec => ({ id, createdAt: Date.now() }) as unknown as JobSpec;

  it('writes the job, commits a step in one MULTI and lets exactly one line win', async () => {
    const jobId = uniqueId('cluster-job');
    await writeNewJob(redis, spec(jobId));
    expect((await readJob(redis, jobId))?.status).toBe('starting');
    expect(await listJobIds(redis)).toContain(jobId);

    const step = redis.multi();
    writeStoredJob(step, jobId, { root: { version: 1 } as never, changed: new Map([['call-1', { id: 'call-1' } as never]]) }, { streamId: '1-0', executedIntentId: 3 });
    updateJobIn(step, jobId, { status: 'hunting' });
    step.xadd(jobKeys(jobId).history, '*', 'm', 'step');
    const replies = await step.exec();
    expect(replies?.every(([error]) => error === null)).toBe(true);
    expect(await readStoredJob(redis, jobId)).toMatchObject({ streamId: '1-0', executedIntentId: 3 });
    expect((await readJob(redis, jobId))?.status).toBe('hunting');

    const winner = await claimWinner(redis, jobId, 'call-1', 1);
    expect(winner.won).toBe(true);
    expect(await advanceWinner(redis, jobId, winner.token, 'claimed', 'transferring')).toBe(true);
    expect(await claimWinner(redis, jobId, 'call-2', 2)).toMatchObject({ won: false, winnerCallId: 'call-1', state: 'transferring' });
    expect(await advanceWinner(redis, jobId, winner.token, 'claimed', 'failed')).toBe(false);
    expect((await readWinner(redis, jobId))?.state).toBe('transferring');

    const answerOnce = luaScript('answer-once-2.lua');
    const keys = [jobKeys(jobId).hangupsAnswered, jobKeys(jobId).events];
    await answerOnce.run(redis, keys, ['intent-7', '{"kind":"result"}']);
    await answerOnce.run(redis, keys, ['intent-7', '{"kind":"result"}']);
    expect(await redis.xlen(jobKeys(jobId).events)).toBe(1);
  });

  it('commits a step under the owner epoch in the job\'s slot, and refuses a superseded owner\'s whole', async () => {
    const jobId = uniqueId('cluster-job');
    await writeNewJob(redis, spec(jobId));
    const step = (status: 'hunting' | 'cancelled', streamId: string) => (batch: WriteBatch) => {
      writeStoredJob(batch, jobId, { root: { version: 1 } as never, changed: new Map([['call-1', { id: 'call-1' } as never]]) }, { streamId, executedIntentId: 1 });
      appendHistory(batch, jobId, [{ at: 1, callId: 'call-1', from: 'queued', to: 'dialing' } as never], { status });
      updateJobIn(batch, jobId, { status });
    };
    const first = new OwnerFence(redis, jobKeys(jobId).owner);
    await first.claim();
    await first.commit(step('hunting', '1-0'));
    const second = new OwnerFence(redis, jobKeys(jobId).owner);
    await second.claim();
    await expect(first.commit(step('cancelled', '2-0'))).rejects.toBeInstanceOf(OwnershipLost);
    expect(await readStoredJob(redis, jobId)).toMatchObject({ streamId: '1-0' });
    expect((await readJob(redis, jobId))?.status).toBe('hunting');
    expect(await redis.xlen(jobKeys(jobId).history)).toBe(1);
    await second.commit(step('cancelled', '2-0'));
    expect((await readJob(redis, jobId))?.status).toBe('cancelled');
  });

  it('reserves extensions, spends the rate budget and drops a repeated webhook', async () => {
    const jobId = uniqueId('cluster-job');
    const pool = new RedisExtensionPool(redis, `hh:test:${uniqueId('ext')}:reservations`);
    const first = await pool.reserve({ jobId, callId: 'call-1' }, ['101', '102']);
    const second = await pool.reserve({ jobId, callId: 'call-2' }, ['101', '102']);
    expect(new Set([first, second])).toEqual(new Set(['101', '102']));
    expect(await pool.releaseJob(jobId)).toHaveLength(2);

    const budget = new RedisRateBudget(redis);
    expect(await budget.tryAcquire(uniqueId('cred'), 'Heavy', 'dial')).toEqual({ ok: true });

    const uuid = uniqueId('webhook');
    expect(await firstSighting(redis, uuid)).toBe(true);
    expect(await firstSighting(redis, uuid)).toBe(false);
  });

  it('delivers webhook events in steps (no script spans slots): parks an unmapped session’s, appends a mapped one’s, drops a repeat', async () => {
    const sessionId = uniqueId('s-cluster');
    const event = (uuid: string): TelephonyEvent => ({ uuid, telephonySessionId: sessionId, sequence: 1, eventTime: new Date().toISOString(), party: { id: 'p-1', code: 'Proceeding', direction: 'Outbound' } });
    const parkedUuid = uniqueId('webhook');
    expect(await deliverNotification(redis, parkedUuid, sessionId, [event(parkedUuid)])).toBe('parked');
    expect(await redis.llen(globalKeys.parkedEvents(sessionId))).toBe(1);
    const jobId = uniqueId('cluster-job');
    await redis.hset(globalKeys.sessionMap, sessionId, `${jobId} call-1`);
    const routedUuid = uniqueId('webhook');
    expect(await deliverNotification(redis, routedUuid, sessionId, [event(routedUuid)])).toBe('job');
    expect(await deliverNotification(redis, routedUuid, sessionId, [event(routedUuid)])).toBe('duplicate');
    expect(await redis.xlen(jobKeys(jobId).events)).toBe(1);
    await redis.hdel(globalKeys.sessionMap, sessionId);
  });

  it('runs a BullMQ job through a hash-tagged queue', async () => {
    const blocking = createRedis(cluster.url, { role: 'blocking', name: 'hh-cluster-worker' });
    const queue = new Queue(QUEUES.hunts.name, { connection: redis, prefix: QUEUES.hunts.prefix });
    const seen: string[] = [];
    const worker = new Worker(QUEUES.hunts.name, async (job) => void seen.push((job.data as { jobId: string }).jobId), { connection: blocking, prefix: QUEUES.hunts.prefix });
    try {
      const jobId = uniqueId('cluster-hunt');
      await queue.add('hunt', { jobId });
      await eventually(() => seen.includes(jobId), 10_000);
    } finally {
      await worker.close();
      await queue.close();
      await closeRedis(blocking);
    }
  });

  it('delivers pub/sub messages published through any node', async () => {
    const fan = new ChannelFan(redis);
    const channel = globalKeys.lineAudio(uniqueId('session'));
    const heard: string[] = [];
    const unsubscribe = await fan.subscribe(channel, (message) => heard.push(message.toString()));
    try {
      await eventually(async () => {
        await redis.publish(channel, 'frame');
        return heard.includes('frame');
      }, 5_000);
    } finally {
      await unsubscribe();
      await fan.close();
    }
  });

  it('delivers pattern subscriptions (talk-through listens to every line with one PSUBSCRIBE)', async () => {
    const sub = redis.duplicate();
    const heard: string[] = [];
    sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer) => heard.push(channel.toString()));
    const channel = globalKeys.lineTalk(uniqueId('session'));
    try {
      await sub.psubscribe(globalKeys.talkPattern);
      await eventually(async () => {
        await redis.publish(channel, Buffer.from([0xff, 0x7f]));
        return heard.includes(channel);
      }, 5_000);
    } finally {
      await closeRedis(sub);
    }
  });

  it('finds keys on every master with SCAN (data retention finds a hunt\'s clips so)', async () => {
    const tag = uniqueId('scan');
    const keys = Array.from({ length: 20 }, (_, i) => `hh:test:${tag}:${i}`);
    await Promise.all(keys.map((k) => redis.set(k, '1')));
    try {
      expect((await scanKeys(redis, `hh:test:${tag}:*`)).sort()).toEqual([...keys].sort());
    } finally {
      await redis.del(...keys);
    }
  });

  it('splits a transaction, a pipeline and a DEL whose keys span slots, replies in order', async () => {
    const a = `hh:test:${uniqueId('a')}`;
    const b = `hh:test:${uniqueId('b')}`;
    const replies = await redis.multi().set(a, '1').set(b, '2').get(a).get(b).exec();
    expect(replies).toEqual([[null, 'OK'], [null, 'OK'], [null, '1'], [null, '2']]);
    expect(await redis.pipeline().get(b).get(a).exec()).toEqual([[null, '2'], [null, '1']]);
    expect(await redis.mget(a, b)).toEqual(['1', '2']);
    expect(await redis.exists(a, b)).toBe(2);
    expect(await redis.multi().getBuffer(a).exists(a, b).del(a, b).exec()).toEqual([[null, Buffer.from('1')], [null, 2], [null, 2]]);
    expect(await redis.del(a, b)).toBe(0);
  });
});
