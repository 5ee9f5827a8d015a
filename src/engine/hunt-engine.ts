/**
 * The engine on one instance: BullMQ workers for hunts (each running job hosted by its owner), dials and
 * timers, plus the commands the API uses. Any number of instances may run it against one Redis.
 */
import { DelayedError, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullmqConnection, isCluster } from '../store/redis-client.ts';
import type { BullmqConnection } from '../store/redis-client.ts';
import type { Logger } from 'pino';
import type { ExtensionPool } from '../store/extension-pool.ts';
import type { Telephony } from '../telephony/telephony-port.ts';
import { EFFECT_JOB_RETRIES, QUEUES } from './engine-queues.ts';
import type { DialJobData, HuntJobData, TimerJobData } from './engine-queues.ts';
import { JobHost } from './job-host.ts';
import type { EffectScheduler, JobHostDeps } from './job-host.ts';
import { runDial } from './dial-runner.ts';
import { appendToJobStream } from './job-stream.ts';
import type { TimerName } from '../../machines/hunt-protocol.ts';
import { RedisJobCommands } from './redis-job-commands.ts';

export interface HuntEngineOptions {
  redisUrl: string;
  redis: Redis;
  telephony: Telephony;
  pool: ExtensionPool;
  log: Logger;
  /** How many hunts one instance owns at once. */
  huntConcurrency?: number;
  dialConcurrency?: number;
  /** BullMQ lock settings: how fast a dead owner's hunt moves to another instance. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How lines are placed; in softphone mode jobs dial only from "Existing Phone" devices. */
  lineMode?: 'softphone' | 'call-out';
  /** FEATURES standby-bridge (default true): false refuses hunts that ask for it. */
  standbyBridge?: boolean;
  /** Set false to run only the API side (commands) without owning hunts. */
  runWorkers?: boolean;
  onDecision?: (jobId: string, callId: string) => void;
  onTransferSent?: (jobId: string, callId: string) => void;
  /** Development: the hosts' actors report every transition here (see statechart-inspector.ts). */
  inspect?: JobHostDeps['inspect'];
  /** How hosts look for lines that missed a notification (see JobHostDeps.sweep). */
  sweep?: JobHostDeps['sweep'];
}

export class HuntEngine {
  readonly hunts: Queue<HuntJobData>;
  readonly dials: Queue<DialJobData>;
  readonly timers: Queue<TimerJobData>;
  readonly commands: RedisJobCommands;
  private readonly workers: Worker[] = [];
  private readonly hosts = new Set<JobHost>();
  private readonly connections: Redis[] = [];

  constructor(private readonly options: HuntEngineOptions) {
    const connection = this.queueConnection();
    this.hunts = new Queue(QUEUES.hunts.name, { connection, prefix: QUEUES.hunts.prefix });
    this.dials = new Queue(QUEUES.dials.name, { connection, prefix: QUEUES.dials.prefix });
    this.timers = new Queue(QUEUES.timers.name, { connection, prefix: QUEUES.timers.prefix });
    this.commands = new RedisJobCommands({
      redis: options.redis,
      hunts: this.hunts,
      telephony: options.telephony,
      ...(options.lineMode ? { lineMode: options.lineMode } : {}),
      ...(options.standbyBridge === false ? { standbyBridge: false } : {}),
    });
  }

  /** Dials and timers as BullMQ jobs: delayed, de-duplicated by id, run by whichever instance is free. */
  private readonly scheduler: EffectScheduler = {
    dial: async (data, delay, jobId) => {
      await this.dials.add('dial', data, { jobId, delay, removeOnComplete: 1000, removeOnFail: 1000, ...EFFECT_JOB_RETRIES });
    },
    timer: async (data, delay, jobId) => {
      await this.timers.add('timer', data, { jobId, delay, removeOnComplete: 1000, removeOnFail: 1000, ...EFFECT_JOB_RETRIES });
    },
    // 0 when the dial is running (locked): it then checks its line itself before calling out.
    cancelDial: async (jobId) => {
      await this.dials.remove(jobId);
    },
  };

  start(): void {
    if (this.options.runWorkers === false) return;
    const { log, redis } = this.options;
    const connection = this.queueConnection();
    const lock = { lockDuration: this.options.lockDurationMs ?? 30_000, stalledInterval: this.options.stalledIntervalMs ?? 30_000, maxStalledCount: 1000 };

    this.workers.push(
      new Worker<HuntJobData>(
        QUEUES.hunts.name,
        async (job, token) => {
          const blocking = redis.duplicate();
          this.connections.push(blocking);
          const host = new JobHost(
            {
              redis,
              blocking,
              telephony: this.options.telephony,
              pool: this.options.pool,
              scheduler: this.scheduler,
              log: log.child({ jobId: job.data.jobId }),
              ...(this.options.onDecision ? { onDecision: this.options.onDecision } : {}),
              ...(this.options.sweep ? { sweep: this.options.sweep } : {}),
              ...(this.options.onTransferSent ? { onTransferSent: this.options.onTransferSent } : {}),
              ...(this.options.inspect ? { inspect: this.options.inspect } : {}),
            },
            job.data.jobId,
          );
          this.hosts.add(host);
          try {
            await host.run();
          } finally {
            this.hosts.delete(host);
            blocking.disconnect();
          }
          // Superseded: paused past its lock, it was taken over (the job's lock is the new owner's). Leave the job as
          // it is — DelayedError tells the worker it was moved already — rather than complete or hand it back.
          if (host.wasSuperseded) throw new DelayedError();
          if (host.stopped && token) {
            // Shutting down mid-hunt: hand the job back so another instance resumes it from its snapshot.
            await job.moveToDelayed(Date.now() + 100, token);
            throw new DelayedError();
          }
        },
        { connection, prefix: QUEUES.hunts.prefix, concurrency: this.options.huntConcurrency ?? 50, ...lock },
      ),
      new Worker<DialJobData>(QUEUES.dials.name, (job) => runDial({ redis, telephony: this.options.telephony, pool: this.options.pool, log }, job.data), {
        connection,
        prefix: QUEUES.dials.prefix,
        concurrency: this.options.dialConcurrency ?? 10,
      }),
      new Worker<TimerJobData>(
        QUEUES.timers.name,
        async (job) => {
          await appendToJobStream(redis, job.data.jobId, { kind: 'timer', timer: job.data.timer as TimerName, ...(job.data.callId ? { callId: job.data.callId } : {}), at: job.data.at });
        },
        { connection, prefix: QUEUES.timers.prefix, concurrency: 20 },
      ),
    );
    for (const worker of this.workers) worker.on('error', (error) => log.error({ err: error }, 'engine worker error'));
  }

  /** Options on a single Redis; on a cluster a connection of our own, closed with the engine. */
  private queueConnection(): BullmqConnection {
    const connection = bullmqConnection(this.options.redisUrl, 'hold-hunter-queues');
    if (isCluster(connection)) this.connections.push(connection as unknown as Redis);
    return connection;
  }

  /** Whether each BullMQ worker is taking work (for /readyz); empty when this engine runs no workers. */
  workersRunning(): Record<string, boolean> {
    return Object.fromEntries(this.workers.map((w) => [w.name, w.isRunning() && !w.closing]));
  }

  /** The hunts this engine owns right now, as they stand (for metrics). */
  summaries(): ReturnType<JobHost['summary']>[] {
    const out: ReturnType<JobHost['summary']>[] = [];
    for (const host of this.hosts) {
      try {
        out.push(host.summary());
      } catch {
        // Still restoring: no actor yet.
      }
    }
    return out;
  }

  /** Stops taking work; running hunts stop at their next step and stay resumable by another owner. */
  async close(): Promise<void> {
    for (const host of this.hosts) host.stop();
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([this.hunts.close(), this.dials.close(), this.timers.close()]);
    for (const c of this.connections) c.disconnect();
  }
}
