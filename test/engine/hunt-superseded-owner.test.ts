/**
 * An owner that was superseded — paused past its lock (SIGSTOP, a long GC) while another owner took the hunt over —
 * writes nothing and runs nothing once it resumes: its next commit is refused by the job's owner epoch, and it
 * stops before the intents of the refused step.
 *
 * Chaos run (docs/resilience.md): a resumed owner applied what its stream read returned and wrote from its stale
 * state until it noticed it had lost the hunt. Here the pause is deterministic: the first owner is held before its
 * stream read while a second owner claims the hunt, applies an operator's hang-up and commits; then the operator
 * confirms a line, and the first owner resumes and reads that confirm first (from its stale state: with the line
 * hung up still holding).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp } from '../../src/web/create-app.tsx';
import { JobHost } from '../../src/engine/job-host.ts';
import type { EffectScheduler } from '../../src/engine/job-host.ts';
import { runDial } from '../../src/engine/dial-runner.ts';
import { appendToJobStream } from '../../src/engine/job-stream.ts';
import { readJob } from '../../src/engine/job-records.ts';
import { seedTransferHunt } from '../support/seeded-hunt.ts';
import { readStoredLine } from '../../src/engine/job-snapshot-store.ts';
import type { JobStreamMessage } from '../../src/engine/job-stream.ts';
import { RedisExtensionPool } from '../../src/store/redis-extension-pool.ts';
import { globalKeys, jobKeys } from '../../src/store/redis-keys.ts';
import type { Telephony } from '../../src/telephony/telephony-port.ts';
import { FakeCallTelephony } from '../support/fake-call-telephony.ts';
import { eventually } from '../support/eventually.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

const TOKEN = 'superseded-owner-token';
const JOB = 'superseded-owner';
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
/** No sweep look-ups in this test: every action an owner takes comes from its stream. */
const NO_SWEEP = { everyMs: 3_600_000, dialingStaleMs: 3_600_000, recheckLiveMs: 3_600_000 };

let server: PrivateRedis;
let redis: Redis;
const connections: Redis[] = [];

/** Holds an owner before its next stream read, as SIGSTOP would: `parked` once it waits there. */
class Pause {
  parked = false;
  private until?: Promise<void>;
  private resume?: () => void;

  hold(): void {
    this.until = new Promise((resolve) => (this.resume = resolve));
  }

  release(): void {
    this.until = undefined;
    this.resume?.();
  }

  async pass(): Promise<void> {
    if (!this.until) return;
    this.parked = true;
    await this.until;
    this.parked = false;
  }
}

/** Every call an owner makes on `target` (phone, pool, scheduler) is counted in `actions` while `counting`. */
function watched<T extends object>(target: T, counter: { counting: boolean; actions: string[] }, label: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (counter.counting) counter.actions.push(`${label}.${String(property)}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url);
}, 30_000);

afterAll(async () => {
  for (const c of connections) c.disconnect();
  redis?.disconnect();
  await server?.close();
});

/** One hunt's owners: each a JobHost on connections of its own, sharing the phone, the pool and the scheduler. */
function huntRig(job: string, options: { holdDial?: (callId: string, attempt: number) => boolean } = {}) {
  const receiver = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: '', connected: true }), webhooks: { redis, verificationToken: TOKEN, log } });
  const phone = new FakeCallTelephony(receiver, TOKEN);
  const pool = new RedisExtensionPool(redis);
  // Dials and timers run on other instances, whoever owns the hunt (BullMQ would de-duplicate by id).
  const scheduled = new Set<string>();
  const scheduler: EffectScheduler = {
    dial: async (data, _delay, id) => {
      // A held dial stays queued, as a staggered or back-off dial waits in BullMQ (and may be taken off again).
      if (scheduled.has(id) || options.holdDial?.(data.callId, data.attempt)) return;
      scheduled.add(id);
      setTimeout(() => void runDial({ redis, telephony: phone, pool, log }, data).catch(() => undefined), 1);
    },
    timer: async (data, _delay, id) => {
      if (data.timer === 'deadline' || scheduled.has(id)) return;
      scheduled.add(id);
      setTimeout(() => void appendToJobStream(redis, data.jobId, { kind: 'timer', timer: data.timer as 'redial', ...(data.callId ? { callId: data.callId } : {}), at: data.at }), 2);
    },
  };
  const owner = (pause: Pause, counter: { counting: boolean; actions: string[] }, telephony: Telephony = phone): JobHost => {
    const base = new Redis(server.url);
    const blocking = new Redis(server.url);
    connections.push(base, blocking);
    const pausedBlocking = new Proxy(blocking, {
      get(object, property, receiver) {
        if (property !== 'xread') return Reflect.get(object, property, receiver) as unknown;
        return async (...args: Parameters<Redis['xread']>) => {
          await pause.pass();
          return object.xread(...args);
        };
      },
    });
    return new JobHost(
      {
        redis: base,
        blocking: pausedBlocking,
        telephony: watched<Telephony>(telephony, counter, 'phone'),
        pool: watched(new RedisExtensionPool(base), counter, 'pool'),
        scheduler: watched(scheduler, counter, 'scheduler'),
        log,
        sweep: NO_SWEEP,
      },
      job,
    );
  };
  const command = (order: Extract<JobStreamMessage, { kind: 'command' }>['command']) => appendToJobStream(redis, job, { kind: 'command', command: order, by: 'operator', at: Date.now() });
  const lineStatus = async (callId: string) => (await readStoredLine(redis, job, callId))?.status;
  /** The hunt's lines once all `n` hold. */
  const allHolding = (n: number) =>
    eventually(async () => {
      const calls = Object.keys(await redis.hgetall(jobKeys(job).snapshotCalls)).sort();
      const statuses = await Promise.all(calls.map(lineStatus));
      return calls.length === n && statuses.every((status) => status === 'holding') ? calls : undefined;
    }, 30_000, 'every line holding');
  return { phone, owner, command, allHolding };
}

describe('an owner superseded while paused', () => {
  it('writes nothing and acts on nothing once resumed; the new owner finishes with one transfer', async () => {
    const extensionIds = ['9100', '9101', '9102', '9103', '9104'];
    await seedTransferHunt(redis, { id: JOB, lines: 3, extensionIds, createdBy: 'test' });
    const { phone, owner, command, allHolding } = huntRig(JOB);
    const stored = async () => ({
      snapshot: await redis.get(jobKeys(JOB).snapshot),
      calls: await redis.hgetall(jobKeys(JOB).snapshotCalls),
      record: await redis.hgetall(jobKeys(JOB).record),
      history: await redis.xlen(jobKeys(JOB).history),
      winner: await redis.hgetall(jobKeys(JOB).winner),
    });

    // The first owner hunts until every line holds, then is paused before its next stream read.
    const pauseA = new Pause();
    const first = { counting: false, actions: [] as string[] };
    const hostA = owner(pauseA, first);
    const runningA = hostA.run();
    const [one, , three] = await allHolding(3);
    pauseA.hold();
    await eventually(() => pauseA.parked, 10_000);

    // Its lock ran out: a second owner takes the hunt over, and applies an operator's hang-up of line 3, which the
    // line redials (attempt 2) until it holds again.
    const pauseB = new Pause();
    const hostB = owner(pauseB, { counting: false, actions: [] });
    const runningB = hostB.run();
    await command({ type: 'hangup', callId: three! });
    await eventually(async () => {
      const line = await readStoredLine(redis, JOB, three!);
      return line?.attempt === 2 && line.status === 'holding';
    }, 30_000, 'line 3 redialled and holding');
    pauseB.hold();
    await eventually(() => pauseB.parked, 10_000);
    const secondOwners = await stored();
    expect(JSON.parse(secondOwners.calls[three!] ?? '{}')).toMatchObject({ snapshot: { context: { status: 'holding', attempt: 2 } } });

    // The operator confirms line 1. The first owner resumes and reads it (and the hang-up and redial it missed)
    // from its stale state (line 3 at attempt 1): its step is refused, nothing written, and it stops without claiming the winner or hanging up anything.
    await command({ type: 'confirm', callId: one! });
    first.counting = true;
    pauseA.release();
    await runningA;
    expect(hostA.wasSuperseded).toBe(true);
    expect(hostA.stopped).toBe(true);
    expect(first.actions).toEqual([]);
    expect(await stored()).toEqual(secondOwners);

    // The second owner resumes and finishes the hunt: exactly one transfer, of the confirmed line.
    pauseB.release();
    await runningB;
    expect(hostB.wasSuperseded).toBe(false);
    expect((await readJob(redis, JOB))?.status).toBe('completed');
    const transfers = phone.transferRequests.filter((r) => r.ok);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]?.telephonySessionId).toBe(JSON.parse((await redis.hget(jobKeys(JOB).snapshotCalls, one!)) ?? '{}').snapshot.context.telephonySessionId);
    expect(await redis.hget(jobKeys(JOB).winner, 'callId')).toBe(one);
    expect(first.actions).toEqual([]);
    expect(phone.liveSessions().filter((s) => !s.transferred)).toEqual([]);
    expect(await redis.hlen(globalKeys.extensionReservations)).toBe(0);
  }, 90_000);
});

describe('a hang-up its owner never answered', () => {
  it('is answered by the next owner even after its line was redialled, and the hunt finishes', async () => {
    // 20 × 70 run: an owner lost a line's hang-up (its request still waiting when the hunt moved); the line was
    // redialled meanwhile, so the next owner skipped that hang-up (only cleaning lines' were re-run). When the
    // winner made the line a loser while its redial still waited in the queue (no call, so no far-end event could
    // end it), it stayed `cleaning` for good, waiting for that answer: the job never finished.
    const job = 'unanswered-hangup';
    // The fake phone numbers its sessions from 1 again: the first test's session map must not claim them.
    await redis.flushdb();
    await seedTransferHunt(redis, { id: job, lines: 3, extensionIds: ['9200', '9201', '9202', '9203', '9204'], createdBy: 'test' });
    const held: { line?: string } = {};
    const { phone, owner, command, allHolding } = huntRig(job, { holdDial: (callId, attempt) => callId === held.line && attempt === 2 });
    // The first owner's hang-ups never return (stuck behind the rate budget, then the owner is gone).
    const stuckHangups = new Proxy<Telephony>(phone, {
      get(object, property, receiver) {
        if (property === 'hangup') return () => new Promise<void>(() => undefined);
        const value = Reflect.get(object, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
      },
    });
    const hostA = owner(new Pause(), { counting: false, actions: [] }, stuckHangups);
    const runningA = hostA.run();
    const [one, , three] = await allHolding(3);
    held.line = three;
    const firstSession = (JSON.parse((await redis.hget(jobKeys(job).snapshotCalls, three!)) ?? '{}') as { snapshot?: { context?: { telephonySessionId?: string } } }).snapshot?.context?.telephonySessionId;
    await command({ type: 'hangup', callId: three! });
    await eventually(async () => ((await readStoredLine(redis, job, three!))?.status === 'cleaning' ? true : undefined), 10_000, 'line 3 cleaning');
    // The IRS ends that call itself; the line is redialled (its dial waits in the queue) while its hang-up is still
    // unanswered.
    if (!firstSession) throw new Error('line 3 has no session');
    await phone.farHangup(firstSession);
    await eventually(async () => {
      const line = await readStoredLine(redis, job, three!);
      return line?.attempt === 2 && line.status === 'queued' ? true : undefined;
    }, 30_000, 'line 3 redialled, its dial queued');
    hostA.stop();
    await runningA;

    // The next owner answers the old hang-up (its session is long gone: nothing else is ended) and the hunt runs on.
    const hostB = owner(new Pause(), { counting: false, actions: [] });
    const runningB = hostB.run();
    await command({ type: 'confirm', callId: one! });
    await runningB;
    expect((await readJob(redis, job))?.status).toBe('completed');
    expect(phone.transferRequests.filter((r) => r.ok)).toHaveLength(1);
    expect(phone.liveSessions().filter((s) => !s.transferred)).toEqual([]);
    expect(await redis.hlen(globalKeys.extensionReservations)).toBe(0);
  }, 90_000);
});
