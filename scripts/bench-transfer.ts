/**
 * bench:transfer — how long the hand-off takes once a line is confirmed live: from the owner applying the
 * confirm decision (HuntEngine `onDecision`) to the transfer request reaching the simulator (its
 * `transferReceivedAt`), with many hunts running at once. It prints numbers; it asserts nothing.
 *
 *   npm run bench:transfer                          # 200 jobs, 20 at once, LINES=70 fitted to the directory
 *   npm run bench:transfer -- --quick               # 20 jobs, 5 at once, 10 lines each
 *   npm run bench:transfer -- --alias-extensions    # really 20 × 70 lines (several lines per simulated device)
 *   JOBS_TOTAL=100 CONCURRENT=10 LINES=8 npm run bench:transfer
 *
 * The engine side is wired as `hold-hunter serve` wires it (one Redis connection for engine and webhooks,
 * RedisRateBudget, HuntEngine defaults, the product's webhook receiver subscribed through the real handshake),
 * logged in to the simulator with the official SDK. The simulator runs in a child process by default
 * (`hold-hunter simulator`, as RingCentral is not on our CPU in production), or in this process
 * (`--sim=inline`). Its rate limits and the engine's rate budget are relaxed: this measures the engine's own
 * hand-off path, not RingCentral's quotas. Redis: a dedicated database (default 9), flushed at start.
 * See docs/benchmarks.md.
 */
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import type { Redis } from 'ioredis';
import pino from 'pino';
import type { LevelWithSilent } from 'pino';
import { QUICK_IVR_DESTINATION } from '../test/support/engine-harness.ts';
import { startTestSimulator, TEST_CREDENTIALS } from '../test/support/simulator-harness.ts';
import { closeRedis, createRedis } from '../src/store/redis-client.ts';
import { globalKeys, jobKeys } from '../src/store/redis-keys.ts';
import { RedisExtensionPool } from '../src/store/redis-extension-pool.ts';
import { connectRingCentral } from '../src/telephony/ringcentral-platform.ts';
import { RingCentralTelephony } from '../src/telephony/ringcentral-telephony.ts';
import { RedisRateBudget } from '../src/telephony/redis-rate-budget.ts';
import { RINGCENTRAL_DEFAULT_POLICY } from '../src/telephony/rate-budget-policy.ts';
import { HuntEngine } from '../src/engine/hunt-engine.ts';
import { startEngineThreads } from '../src/engine/engine-thread.ts';
import { readExtensions, syncDevices, syncDirectory } from '../src/engine/extension-directory.ts';
import { JobRequestError } from '../src/engine/job-commands.ts';
import type { CallView, JobView } from '../src/engine/hunt-types.ts';
import { createApp } from '../src/web/create-app.tsx';
import { WEBHOOK_PATH } from '../src/web/webhook-receiver.ts';
import { WebhookSubscriptionKeeper } from '../src/web/webhook-subscription-keeper.ts';
import { SIM_SEED, addAliasExtensions, numberOption, option, simControl, sleep, spawnSimulator, stats, exitWithUsageIfAsked } from './bench-support.ts';

type SimMode = 'process' | 'inline';

interface BenchOptions {
  jobsTotal: number;
  concurrent: number;
  lines: number;
  db: number;
  /** Engine threads (HUNT_THREADS): hunts spread over them as over instances. */
  threads: number;
  timeScale: number;
  queue: string;
  sim: SimMode;
  /** Share of a job's lines that must be holding (after all were dialled) before one is confirmed. */
  holdFraction: number;
  pollMs: number;
  /** Let several lines share one real device (extra directory rows in the bench's Redis) to reach the requested load. */
  aliasExtensions: boolean;
}

interface CallReport {
  phase: string | null;
  endedAt: string | null;
  milestones: { agentPickupAt: string | null; transferReceivedAt: string | null };
}

/** One measured hand-off. Wall times are Date.now() (comparable with the simulator's), mono ones performance.now(). */
interface Sample {
  /** confirm decision → transfer request received by the simulator (wall ms). */
  decisionToSim: number;
  /** confirm decision → the engine about to send the request (mono ms). */
  decisionToSent: number;
  /** the engine about to send → received by the simulator (wall ms). */
  sentToSim: number;
  /** operator confirm command (API side: checks, then XADD to the job's stream) → owner applies it (mono ms). */
  commandToDecision: number;
  holdingAtConfirm: number;
}

interface Stamp {
  wall: number;
  mono: number;
}

const USAGE = `usage: npm run bench:transfer -- [--quick] [--alias-extensions] [--sim=process|inline] [--jobs=N] [--concurrent=N]
       [--lines=N] [--threads=N] [--time-scale=N] [--db=N] [--queue=EXT] [--hold-fraction=F] [--poll-ms=N]
env:   JOBS_TOTAL (200), CONCURRENT (20), LINES (70), HUNT_THREADS (1), SIM_TIME_SCALE (60), BENCH_REDIS_DB (9), BENCH_SIM (process),
       ALIAS_EXTENSIONS=1, BENCH_QUEUE (801), HOLD_FRACTION (0.6), BENCH_POLL_MS (1000), BENCH_LOG_LEVEL (silent)
--quick: 20 jobs, 5 at once, 10 lines each.`;

function parseOptions(args: string[]): BenchOptions {
  exitWithUsageIfAsked(args, USAGE);
  const quick = args.includes('--quick');
  const env = process.env;
  const sim = option(args, 'sim', env.BENCH_SIM) ?? 'process';
  if (sim !== 'process' && sim !== 'inline') throw new Error(`--sim must be process or inline, got ${sim}`);
  return {
    jobsTotal: numberOption(args, 'jobs', env.JOBS_TOTAL, quick ? 20 : 200, 1),
    concurrent: numberOption(args, 'concurrent', env.CONCURRENT, quick ? 5 : 20, 1),
    lines: Math.min(70, numberOption(args, 'lines', env.LINES, quick ? 10 : 70, 1)),
    db: numberOption(args, 'db', env.BENCH_REDIS_DB, 9, 0),
    threads: numberOption(args, 'threads', env.HUNT_THREADS, 1, 1),
    timeScale: numberOption(args, 'time-scale', env.SIM_TIME_SCALE, 60, 1, false),
    queue: option(args, 'queue', env.BENCH_QUEUE) ?? '801',
    sim,
    holdFraction: Math.min(1, numberOption(args, 'hold-fraction', env.HOLD_FRACTION, 0.6, 0, false)),
    pollMs: numberOption(args, 'poll-ms', env.BENCH_POLL_MS, 1_000, 50),
    aliasExtensions: args.includes('--alias-extensions') || env.ALIAS_EXTENSIONS === '1',
  };
}

const FINAL = new Set(['completed', 'cancelled', 'failed']);

const fmt = (ms: number): string => (Number.isNaN(ms) ? '–' : ms.toFixed(1));

// --- the simulator ---------------------------------------------------------------------------------------

interface LoopStats {
  p50: number;
  p99: number;
  max: number;
}

interface SimHandle {
  url: string;
  /** CPU seconds (user + sys) the simulator's own process used so far; undefined when it runs inline. */
  cpuSeconds(): number | undefined;
  /** Event-loop delay histogram of the simulator's process (ns, sampled every 5 ms); undefined when inline. */
  loop(command: 'reset' | 'stats'): Promise<LoopStats | undefined>;
  close(): Promise<void>;
}

/** Preloaded into the simulator's process: its event-loop delay, asked for over the IPC channel. */
const SIM_LOOP_MONITOR = `data:text/javascript,${encodeURIComponent(
  [
    "import { monitorEventLoopDelay } from 'node:perf_hooks';",
    'const h = monitorEventLoopDelay({ resolution: 5 });',
    'h.enable();',
    "process.on('message', (m) => { if (m === 'reset') h.reset(); else process.send?.({ p50: h.percentile(50), p99: h.percentile(99), max: h.max }); });",
    'process.channel?.unref();',
  ].join('\n'),
)}`;


async function startSim(o: BenchOptions): Promise<SimHandle> {
  if (o.sim === 'inline') {
    const sim = await startTestSimulator({ scenario: 'fast-agent', timeScale: o.timeScale, seed: SIM_SEED });
    return { url: sim.url, cpuSeconds: () => undefined, loop: () => Promise.resolve(undefined), close: () => sim.close() };
  }
  // BENCH_SIM_NODE_ARGS: extra node flags for the simulator, e.g. "--cpu-prof --cpu-prof-dir=/tmp/sim-prof".
  const nodeArgs = (process.env.BENCH_SIM_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const spawned = await spawnSimulator({ env: { SIM_TIME_SCALE: String(o.timeScale) }, nodeArgs: [...nodeArgs, '--import', SIM_LOOP_MONITOR], ipc: true });
  const { child } = spawned;
  return {
    url: spawned.url,
    cpuSeconds: () => spawned.cpuSeconds(),
    loop: (command) =>
      new Promise((resolve) => {
        if (!child.connected) return resolve(undefined);
        if (command === 'reset') {
          child.send('reset');
          return resolve(undefined);
        }
        const timer = setTimeout(() => resolve(undefined), 5_000);
        child.once('message', (stats) => {
          clearTimeout(timer);
          resolve(stats as LoopStats);
        });
        child.send('stats');
      }),
    close: () => spawned.close(),
  };
}

function control<T>(sim: SimHandle, method: string, path: string, body?: unknown): Promise<T> {
  return simControl<T>(sim.url, method, path, body);
}

// --- the product, wired as `hold-hunter serve` does ------------------------------------------------------

interface Rig {
  sim: SimHandle;
  redis: Redis;
  engine: HuntEngine;
  /** The webhook subscription's status as RingCentral (the simulator) reports it. */
  subscriptionStatus(): Promise<string>;
  /** Wall ms each webhook request spent inside the product's app (body read, checks, Redis). */
  receiverMs: number[];
  close(): Promise<void>;
}

type Hook = (jobId: string, callId: string, at: Stamp) => void;

async function startRig(o: BenchOptions, hooks: { onDecision: Hook; onTransferSent: Hook }): Promise<Rig> {
  const redisUrl = `redis://127.0.0.1:6379/${o.db}`;
  const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  const redis = createRedis(redisUrl, { name: 'bench-transfer', logger: log });
  await redis.flushdb();
  const sim = await startSim(o);
  const relaxed = { limit: 1_000_000, windowSeconds: 60, penaltySeconds: 60 };
  await control(sim, 'PUT', '/_sim/rate-limits', { Light: relaxed, Medium: relaxed, Heavy: relaxed, Auth: relaxed });

  const { platform } = await connectRingCentral({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt });
  // The shared Redis budget as in production, with limits no hunt reaches: its Lua round trip stays in the path.
  const limits = { Light: 1_000_000, Medium: 1_000_000, Heavy: 1_000_000, Auth: 1_000_000 };
  const budget = new RedisRateBudget(redis, { policies: { defaults: { ...RINGCENTRAL_DEFAULT_POLICY, limits } } });
  const telephony = new RingCentralTelephony({ platform, credential: TEST_CREDENTIALS.clientId, budget, log });
  await syncDirectory(telephony, redis, log);
  await syncDevices(telephony, redis, log);
  await redis.hset(globalKeys.destinations, QUICK_IVR_DESTINATION.id, JSON.stringify(QUICK_IVR_DESTINATION));

  // As `serve` runs it: hunts in the engine thread(s), commands and webhooks on this (main) thread.
  const engine = new HuntEngine({ redisUrl, redis, telephony, pool: new RedisExtensionPool(redis), log, runWorkers: false });
  const threads = startEngineThreads(
    o.threads,
    {
      redisUrl,
      credentials: { server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt },
      logLevel: (process.env.BENCH_LOG_LEVEL as LevelWithSilent | undefined) ?? 'silent',
      engine: { huntConcurrency: Math.max(50, o.concurrent) },
      rateLimits: limits,
      instrument: true,
    },
    {
      log,
      onMessage: (message) => {
        if (message.kind !== 'decision' && message.kind !== 'transfer-sent') return;
        // The thread's clock reading, on this thread's performance.now() scale.
        const at = { wall: message.wall, mono: message.at - performance.timeOrigin };
        (message.kind === 'decision' ? hooks.onDecision : hooks.onTransferSent)(message.jobId, message.callId, at);
      },
    },
  );
  await threads.ready;
  const verificationToken = 'bench-transfer-token';
  const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: sim.url, connected: true }), webhooks: { redis, verificationToken, log } });
  let server: ReturnType<typeof serve> | undefined;
  const receiverMs: number[] = [];
  // Timing around the app only: what the simulator sees beyond this is the HTTP server and the event loop.
  const timed = async (request: Request, env?: unknown): Promise<Response> => {
    const start = performance.now();
    const response = await app.fetch(request, env);
    if (new URL(request.url).pathname === WEBHOOK_PATH) receiverMs.push(performance.now() - start);
    return response;
  };
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: timed, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  const keeper = new WebhookSubscriptionKeeper({ telephony, redis, address: `http://127.0.0.1:${address.port}${WEBHOOK_PATH}`, verificationToken, log });
  const subscription = await keeper.ensure();
  keeper.start(); // as in production: the periodic check (every 15 min) that renews or recreates it
  return {
    sim,
    redis,
    engine,
    subscriptionStatus: async () => (await telephony.getSubscription(subscription.id))?.status ?? 'gone',
    receiverMs,
    async close() {
      await threads.close();
      await engine.close();
      await keeper.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      (server as unknown as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.();
      await sim.close();
      await closeRedis(redis);
    },
  };
}

// --- the load ---------------------------------------------------------------------------------------------

class Bench {
  private readonly decisions = new Map<string, Stamp>();
  private readonly sent = new Map<string, Stamp>();
  readonly samples: Sample[] = [];
  readonly failures: string[] = [];
  private started = 0;
  private inFlight = 0;
  private readonly maxStarts: number;
  private rig?: Rig;
  /** Set when the run cannot go on (the webhook subscription was blacklisted): every job loop stops. */
  abortReason?: string;

  constructor(private readonly o: BenchOptions) {
    this.maxStarts = o.jobsTotal + Math.max(10, Math.ceil(o.jobsTotal / 5));
  }

  readonly onDecision = (jobId: string, callId: string, at: Stamp): void => {
    const key = `${jobId} ${callId}`;
    if (!this.decisions.has(key)) this.decisions.set(key, at);
  };

  readonly onTransferSent = (jobId: string, callId: string, at: Stamp): void => {
    const key = `${jobId} ${callId}`;
    if (!this.sent.has(key)) this.sent.set(key, at);
  };

  /** Keeps `concurrent` hunts going until `jobsTotal` hand-offs are measured (failed jobs are replaced). */
  async run(rig: Rig): Promise<void> {
    this.rig = rig;
    await Promise.all(Array.from({ length: this.o.concurrent }, (_, slot) => this.slot(slot)));
  }

  private async slot(slot: number): Promise<void> {
    // Spread the first starts over about one job's length (dials go 1 s apart, then the IVR), so the jobs run
    // staggered as a firm's would rather than ramping up and handing off in lockstep.
    await sleep(Math.round((slot * (this.o.lines * 1_000 + 10_000)) / this.o.concurrent));
    while (!this.abortReason && this.samples.length + this.inFlight < this.o.jobsTotal && this.started < this.maxStarts) {
      this.started += 1;
      this.inFlight += 1;
      try {
        this.samples.push(await this.job());
        if (this.samples.length % 10 === 0) process.stderr.write(`  ${this.samples.length}/${this.o.jobsTotal} hand-offs measured (${this.failures.length} jobs failed)\n`);
      } catch (error) {
        if (!this.abortReason) {
          this.failures.push((error as Error).message);
          process.stderr.write(`  job failed: ${(error as Error).message}\n`);
        }
      } finally {
        this.inFlight -= 1;
      }
    }
  }

  private get r(): Rig {
    if (!this.rig) throw new Error('bench not started');
    return this.rig;
  }

  private async create(): Promise<JobView> {
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        return await this.r.engine.commands.create({ lines: this.o.lines, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: this.o.queue } }, 'bench');
      } catch (error) {
        // A finished job's extensions are released a moment after it reports completed.
        if (!(error instanceof JobRequestError) || error.status !== 409 || Date.now() > until) throw error;
        await sleep(200);
      }
    }
  }

  private async pause(ms: number, jobId: string): Promise<void> {
    await sleep(ms);
    if (this.abortReason) await this.cancel(jobId, this.abortReason);
  }

  private async cancel(jobId: string, why: string): Promise<never> {
    await this.r.engine.commands.send(jobId, { type: 'cancel' }, 'bench').catch(() => undefined);
    throw new Error(`job ${jobId}: ${why}`);
  }

  private async job(): Promise<Sample> {
    const { o, r } = this;
    const job = await this.create();
    const createdAt = Date.now();
    const need = Math.max(1, Math.ceil(o.lines * o.holdFraction));
    // Dials are staggered 1 s per line; after that and a generous IVR allowance, any holding line will do.
    const relaxAt = createdAt + o.lines * 1_000 + 60_000;
    const giveUpAt = relaxAt + 60_000;
    let holding: CallView[] = [];
    for (;;) {
      await this.pause(o.pollMs, job.id);
      // The product's own read path (what the dashboard polls): record + snapshot + summary.
      const view = await r.engine.commands.get(job.id);
      if (!view || FINAL.has(view.status)) throw new Error(`job ${job.id} ended (${view?.status ?? 'gone'}) before a line was confirmed`);
      holding = view.calls.filter((c) => c.status === 'holding' && c.telephonySessionId);
      // Every line dialled at least once (the machine staggers dials 1 s apart) and enough of them holding.
      const allDialled = view.calls.length === o.lines && view.calls.every((c) => c.status !== 'queued' || c.attempt > 1);
      if ((allDialled && holding.length >= need) || (Date.now() > relaxAt && holding.length > 0)) break;
      if (Date.now() > giveUpAt) return this.cancel(job.id, `no holding line within ${giveUpAt - createdAt} ms`);
    }
    // The line that started holding last is the least likely to have met an agent already (the simulator's
    // agents hang up after 10-20 s of dead air); force a pickup so the agent is really there, then confirm.
    holding.sort((a, b) => (b.since.holding ?? 0) - (a.since.holding ?? 0));
    let chosen: CallView | undefined;
    const seen: string[] = [];
    for (const call of holding) {
      const report = await control<CallReport>(r.sim, 'POST', `/_sim/calls/${call.telephonySessionId}/pickup`);
      const agentFor = report.milestones.agentPickupAt ? Date.now() - Date.parse(report.milestones.agentPickupAt) : undefined;
      if (report.phase === 'agent' && report.endedAt === null && agentFor !== undefined && agentFor < 3_000) {
        chosen = call;
        break;
      }
      seen.push(`${report.phase ?? '?'}${report.endedAt ? '/ended' : ''}${agentFor === undefined ? '' : `/agent ${agentFor} ms`}`);
    }
    if (!chosen) return this.cancel(job.id, `no holding line had a fresh agent (simulator says: ${seen.slice(0, 6).join(', ')}${seen.length > 6 ? ', …' : ''})`);

    const key = `${job.id} ${chosen.callId}`;
    const commandAt = performance.now();
    await r.engine.commands.send(job.id, { type: 'confirm', callId: chosen.callId }, 'bench');
    const doneBy = Date.now() + 60_000;
    for (;;) {
      await this.pause(250, job.id);
      // Only the status field: the full view would parse the whole snapshot on the loop being measured.
      const status = await r.redis.hget(jobKeys(job.id).record, 'status');
      if (status === 'completed') break;
      if (status !== null && FINAL.has(status)) throw new Error(`job ${job.id} ended ${status} after the confirm`);
      if (Date.now() > doneBy) return this.cancel(job.id, `not completed within 60 s of the confirm (status ${status})`);
    }
    const report = await control<CallReport>(r.sim, 'GET', `/_sim/calls/${chosen.telephonySessionId}`);
    const decision = this.decisions.get(key);
    const sent = this.sent.get(key);
    const received = report.milestones.transferReceivedAt ? Date.parse(report.milestones.transferReceivedAt) : undefined;
    this.decisions.delete(key);
    this.sent.delete(key);
    if (!decision || !sent || received === undefined) {
      throw new Error(`job ${job.id}: incomplete measurement (decision ${Boolean(decision)}, sent ${Boolean(sent)}, received ${received !== undefined})`);
    }
    return {
      decisionToSim: received - decision.wall,
      decisionToSent: sent.mono - decision.mono,
      sentToSim: received - sent.wall,
      commandToDecision: decision.mono - commandAt,
      holdingAtConfirm: holding.length,
    };
  }
}

interface DeliveryRecord {
  uuid: string;
  outcome: string;
  sentAt?: string;
  durationMs?: number;
  error?: string;
}

/** Webhook deliveries as the simulator saw them (its log keeps the last 5000 attempts: sampled every 10 s). */
class WebhookWatch {
  readonly durations: number[] = [];
  failed = 0;
  lastError?: string;
  private readonly seen = new Set<string>();

  async sample(sim: SimHandle): Promise<void> {
    const { records } = await control<{ records: DeliveryRecord[] }>(sim, 'GET', '/_sim/webhooks');
    for (const record of records) {
      if (record.outcome !== 'delivered' && record.outcome !== 'failed') continue;
      const key = `${record.uuid} ${record.sentAt ?? ''}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (record.outcome === 'delivered') this.durations.push(record.durationMs ?? Number.NaN);
      else {
        this.failed += 1;
        this.lastError = record.error;
      }
    }
  }
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return read('used_cpu_user') + read('used_cpu_sys');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const requested = { concurrent: o.concurrent, lines: o.lines };
  process.stderr.write(`bench:transfer: starting the simulator (${o.sim}), Redis db ${o.db} (flushed) and the engine…\n`);
  const bench = new Bench(o);
  const rig = await startRig(o, { onDecision: bench.onDecision, onTransferSent: bench.onTransferSent });

  // One call per extension: the directory bounds how many lines can run at once across all jobs.
  const real = (await readExtensions(rig.redis)).filter((e) => e.enabled && e.deviceId);
  const notes: string[] = [];
  const wanted = o.concurrent * o.lines;
  if (wanted > real.length && o.aliasExtensions) {
    const { rows, perDevice } = await addAliasExtensions(rig.redis, real, wanted);
    notes.push(`alias extensions: ${real.length} real extensions with an online device + ${rows} alias rows (up to ${perDevice} lines per simulated device)`);
  } else if (wanted > real.length) {
    const lines = Math.floor(real.length / o.concurrent);
    if (lines >= 1) o.lines = lines;
    else [o.concurrent, o.lines] = [real.length, 1];
    notes.push(
      `asked for ${requested.concurrent} jobs × ${requested.lines} lines = ${wanted} lines, but the simulator's directory has ${real.length} extensions with an online device ` +
        `(one call per extension): ran ${o.concurrent} × ${o.lines} (--alias-extensions runs the full count)`,
    );
  }
  o.concurrent = Math.min(o.concurrent, o.jobsTotal);
  for (const note of notes) process.stderr.write(`  note: ${note}\n`);
  process.stderr.write(`  running ${o.jobsTotal} jobs, ${o.concurrent} at once, ${o.lines} lines each (SIM_TIME_SCALE ${o.timeScale})\n`);

  const loopResolutionMs = 5;
  const loop = monitorEventLoopDelay({ resolution: loopResolutionMs });
  let rssMax = 0;
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 1_000);
  const redisCpuStart = await redisCpuSeconds(rig.redis);
  const simCpuStart = rig.sim.cpuSeconds();
  await rig.sim.loop('reset');
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  loop.enable();

  // Redis round trips: on the product's one shared connection (queued behind its other commands) and on a
  // connection of its own (the server alone).
  const probe = createRedis(`redis://127.0.0.1:6379/${o.db}`, { name: 'bench-transfer-probe' });
  const pingShared: number[] = [];
  const pingOwn: number[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      await sleep(200);
      const a = performance.now();
      await rig.redis.ping();
      const b = performance.now();
      await probe.ping();
      pingShared.push(b - a);
      pingOwn.push(performance.now() - b);
    }
  })();
  const receiverStart = rig.receiverMs.length;

  // Watchdog: a blacklisted subscription means no more events reach any hunt, so the run stops there.
  const watch = new WebhookWatch();
  let monitoring = true;
  const monitor = (async () => {
    for (let tick = 1; monitoring; tick++) {
      await sleep(5_000);
      if (!monitoring) break;
      try {
        const status = await rig.subscriptionStatus();
        if (status !== 'Active' && !bench.abortReason) {
          bench.abortReason = `webhook subscription ${status} after ${((performance.now() - wallStart) / 1000).toFixed(0)} s`;
          process.stderr.write(`  ABORTING: ${bench.abortReason}\n`);
        }
      } catch {
        // a slow answer under load is no verdict; look again next time
      }
      if (tick % 2 === 0) await watch.sample(rig.sim).catch(() => undefined);
    }
  })();

  await bench.run(rig);
  monitoring = false;
  probing = false;
  await Promise.all([monitor, prober]);
  await closeRedis(probe);
  await watch.sample(rig.sim).catch(() => undefined);

  loop.disable();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  const simCpuEnd = rig.sim.cpuSeconds();
  const simLoop = await rig.sim.loop('stats');
  const redisCpu = (await redisCpuSeconds(rig.redis)) - redisCpuStart;
  clearInterval(rssTimer);
  rssMax = Math.max(rssMax, process.memoryUsage().rss);

  const { samples, failures } = bench;
  const rows: [string, number[]][] = [
    ['decision → request at simulator', samples.map((s) => s.decisionToSim)],
    ['  decision → sent (engine)', samples.map((s) => s.decisionToSent)],
    ['  sent → at simulator (SDK+HTTP)', samples.map((s) => s.sentToSim)],
    ['confirm command → decision', samples.map((s) => s.commandToDecision)],
  ];
  const pct = (seconds: number): string => `${((seconds * 1e5) / wallMs).toFixed(0)} % of a core`;
  const cpus = os.cpus();
  const out: string[] = [''];
  out.push('bench:transfer — confirm decision → transfer request at the simulator');
  out.push(`  machine   ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, ${os.platform()} ${os.release()}`);
  out.push(
    `  settings  ${o.jobsTotal} jobs, ${o.concurrent} at once × ${o.lines} lines (${o.concurrent * o.lines} lines), ${o.threads} engine thread(s); fast-agent, SIM_TIME_SCALE=${o.timeScale}, ` +
      `simulator ${o.sim === 'process' ? 'in its own process' : 'in this process'}; queue ${o.queue}; rate limits relaxed; Redis db ${o.db}`,
  );
  for (const note of notes) out.push(`  note      ${note}`);
  out.push(`  jobs      ${samples.length} measured, ${failures.length} failed`);
  out.push('');
  out.push(`  ${'ms'.padEnd(34)}${['n', 'p50', 'p90', 'p99', 'max', 'mean'].map((c) => c.padStart(8)).join('')}`);
  for (const [name, values] of rows) {
    const s = stats(values);
    out.push(`  ${name.padEnd(34)}${String(s.n).padStart(8)}${[s.p50, s.p90, s.p99, s.max, s.mean].map((v) => fmt(v).padStart(8)).join('')}`);
  }
  out.push('');
  if (samples.length > 0) {
    out.push(`  lines holding when confirmed: p50 ${stats(samples.map((s) => s.holdingAtConfirm)).p50}, min ${Math.min(...samples.map((s) => s.holdingAtConfirm))} of ${o.lines}`);
  }
  const simCpu = simCpuStart !== undefined && simCpuEnd !== undefined ? simCpuEnd - simCpuStart : undefined;
  out.push(`  wall ${(wallMs / 1000).toFixed(1)} s; max RSS ${(rssMax / 2 ** 20).toFixed(0)} MiB (this process)`);
  out.push(
    `  CPU: this process (web + engine threads) user ${(cpu.user / 1e6).toFixed(1)} s + sys ${(cpu.system / 1e6).toFixed(1)} s (${pct((cpu.user + cpu.system) / 1e6)})` +
      `${simCpu === undefined ? '' : `; simulator ${simCpu.toFixed(1)} s (${pct(simCpu)})`}; redis-server ${redisCpu.toFixed(1)} s (${pct(redisCpu)})`,
  );
  // The histogram records each sampling interval whole: what lies above the resolution is the loop's lag.
  const lag = (ns: number): string => fmt(Math.max(0, ns / 1e6 - loopResolutionMs));
  out.push(
    `  event-loop lag (ms): main (web) thread p50 ${lag(loop.percentile(50))}, p99 ${lag(loop.percentile(99))}, max ${lag(loop.max)}` +
      `${simLoop ? `; simulator p50 ${lag(simLoop.p50)}, p99 ${lag(simLoop.p99)}, max ${lag(simLoop.max)}` : ''}`,
  );
  const delivery = stats(watch.durations);
  out.push(
    `  webhooks: ${delivery.n} delivered, ${watch.failed} failed${watch.lastError ? ` (${watch.lastError})` : ''}; simulator POST → receiver 2xx (ms): ` +
      `p50 ${fmt(delivery.p50)}, p99 ${fmt(delivery.p99)}, max ${fmt(delivery.max)}`,
  );
  const inApp = stats(rig.receiverMs.slice(receiverStart));
  out.push(`  webhook time inside the app (body, checks, Redis) (ms): p50 ${fmt(inApp.p50)}, p99 ${fmt(inApp.p99)}, max ${fmt(inApp.max)}`);
  const shared = stats(pingShared);
  const own = stats(pingOwn);
  out.push(`  Redis PING on the product's shared connection (ms): p50 ${fmt(shared.p50)}, p99 ${fmt(shared.p99)}, max ${fmt(shared.max)}; on its own connection: p50 ${fmt(own.p50)}, p99 ${fmt(own.p99)}, max ${fmt(own.max)}`);
  // The simulator blacklists after 20 failed deliveries in a row (3 s timeout each), as RingCentral does.
  if (bench.abortReason) out.push(`  ABORTED: ${bench.abortReason}; no hunt hears its calls any more, so the run stopped there`);
  const p99 = stats(samples.map((s) => s.decisionToSim)).p99;
  out.push(`  target p99 <= 50 ms: ${Number.isNaN(p99) ? 'no data' : p99 <= 50 ? 'met' : 'NOT met'} (p99 ${fmt(p99)} ms)`);
  if (failures.length > 0) out.push(`  failures: ${[...new Set(failures.map((f) => f.replace(/job-[\w-]+/g, 'job').replace(/\d+ ms/g, 'N ms')))].slice(0, 5).join('; ')}`);
  console.log(out.join('\n'));

  await Promise.race([rig.close(), sleep(15_000)]);
  process.exit(0);
}

await main();
