/**
 * bench:sip — the two questions issue 4 leaves to measurement, with RingCentral's REAL rate limits (the
 * simulator's limits and the engine's RedisRateBudget at their defaults). It prints numbers; it asserts nothing.
 *
 *  1. Dial speed: one 70-line job, from its creation until every line is placed (INVITE answered with 183, or
 *     the REST call-out answered) and until every line was answered and holding, in softphone mode (devices
 *     registering on first use, then already registered) and in call-out mode (Heavy, 10 a minute per user: with
 *     several users' JWTs, and with one, cut off after a bounded time and extrapolated); plus what one dial costs
 *     in each mode (placeCall latency, split into rate-budget wait and the rest).
 *  2. Hand-off on a softphone line: REST blind transfer vs SIP REFER (SoftphoneTelephony `handoff: 'refer'`),
 *     alternating job by job: from the transfer request to the simulator handling it (`transferReceivedAt`), to
 *     the request's promise resolving (what the engine waits for), and to the session's webhook showing our party
 *     gone by BlindTransfer at the product's receiver.
 *
 *   npm run bench:sip                 # 70 lines; 1-user call-out until all are held (~12 min); 30 + 30 hand-offs (~20 min)
 *   npm run bench:sip -- --quick      # 70 lines; the 1-user call-out cut off after 90 s; 6 + 6 hand-offs (~7 min)
 *
 * Wiring: the simulator in a child process (`hold-hunter simulator`, SIP on a free port, scenario fast-agent,
 * seed 42, SIM_TIME_SCALE 1 so lines hold for minutes), the product's webhook receiver subscribed through the real
 * handshake, Redis database 8 (flushed at start), and the engine in this process (as the engine harness runs it:
 * the bench needs to time each placeCall and transfer, which the engine thread does not report). The directory
 * sync runs with relaxed limits; every measured run starts with its users logged in (as `serve` logs them in at
 * start) and the limits at their defaults with empty windows (the simulator's counters and the budget's keys are
 * reset), as if the account had been idle for a minute. The simulator's Auth group stays relaxed unless
 * `--sim-auth=default`: it counts logins per app, where RingCentral documents (user, app).
 * See docs/benchmarks.md.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import type { Redis } from 'ioredis';
import pino from 'pino';
import type { Logger } from 'pino';
import { QUICK_IVR_DESTINATION } from '../test/support/engine-harness.ts';
import { TEST_CREDENTIALS } from '../test/support/simulator-harness.ts';
import { RINGCENTRAL_DEFAULT_LIMITS } from '../src/simulator/rate-limit/rate-limiter.ts';
import { BODY_PAUSE_MS } from '../src/simulator/sip/sip-connection.ts';
import { closeRedis, createRedis } from '../src/store/redis-client.ts';
import { globalKeys, jobKeys } from '../src/store/redis-keys.ts';
import { RedisExtensionPool } from '../src/store/redis-extension-pool.ts';
import { connectRingCentral } from '../src/telephony/ringcentral-platform.ts';
import { RingCentralTelephony } from '../src/telephony/ringcentral-telephony.ts';
import { ringCentralAccount } from '../src/telephony/ringcentral-account.ts';
import { RedisRateBudget } from '../src/telephony/redis-rate-budget.ts';
import { InMemoryRateBudget } from '../src/telephony/in-memory-rate-budget.ts';
import { RINGCENTRAL_DEFAULT_POLICY } from '../src/telephony/rate-budget-policy.ts';
import type { RateBudget } from '../src/telephony/rate-budget.ts';
import type { CallRef, SipInfoSource, Telephony, ThrottleGroup, TransferTarget } from '../src/telephony/telephony-port.ts';
import { SoftphoneTelephony } from '../src/telephony/softphone/softphone-telephony.ts';
import { CallAudioHub } from '../src/media/call-audio.ts';
import { HuntEngine } from '../src/engine/hunt-engine.ts';
import { readExtensions, syncDevices, syncDirectory } from '../src/engine/extension-directory.ts';
import { JobRequestError } from '../src/engine/job-commands.ts';
import type { CallView, JobView } from '../src/engine/hunt-types.ts';
import { DIAL_STAGGER_MS, SOFTPHONE_DIAL_STAGGER_MS } from '../machines/hunt-rules.ts';
import { createApp } from '../src/web/create-app.tsx';
import { WEBHOOK_PATH } from '../src/web/webhook-receiver.ts';
import { WebhookSubscriptionKeeper } from '../src/web/webhook-subscription-keeper.ts';
import { SIM_SEED, numberOption, option, simControl, sleep, spawnSimulator, stats, exitWithUsageIfAsked } from './bench-support.ts';
import { DelegatingTelephony } from '../src/telephony/delegating-telephony.ts';

interface BenchOptions {
  quick: boolean;
  lines: number;
  db: number;
  /** Users' JWTs for the call-out run that should keep up with the stagger. */
  calloutUsers: number;
  /** Seconds after which the one-user call-out run stops (0: until every line is placed, at most 15 min). */
  singleUserCutoffS: number;
  /** Hand-offs measured per way (REST, REFER). */
  handoffs: number;
  handoffLines: number;
  handoffConcurrent: number;
  queue: string;
  /**
   * The simulator's Auth group during the measured runs. It counts token requests per app (5 a minute for all
   * users together) where RingCentral documents (user, app); `relaxed` keeps the logins of several users' JWTs
   * out of the dial measurement, `default` shows what the simulator does to them.
   */
  simAuth: 'default' | 'relaxed';
  /** Log users in on first use (as serve's engine thread does) instead of before each run (serve's main thread, the harness). */
  lazyLogins: boolean;
  only?: 'dial' | 'handoff';
}

const USAGE = `usage: npm run bench:sip -- [--quick] [--only=dial|handoff] [--lines=N] [--callout-users=N] [--single-user-cutoff=S]
       [--handoffs=N] [--handoff-lines=N] [--handoff-concurrent=N] [--sim-auth=relaxed|default] [--lazy-logins] [--db=N] [--queue=EXT]
env:   LINES (70), CALLOUT_USERS (9), SINGLE_USER_CUTOFF_S (0 full, 90 quick), HANDOFFS (30, quick 6), BENCH_REDIS_DB (9),
       BENCH_QUEUE (801), BENCH_SIM_AUTH (relaxed), BENCH_LAZY_LOGINS=1, BENCH_LOG_LEVEL (silent)`;

function parseOptions(args: string[]): BenchOptions {
  exitWithUsageIfAsked(args, USAGE);
  const quick = args.includes('--quick');
  const env = process.env;
  const only = option(args, 'only', undefined);
  if (only !== undefined && only !== 'dial' && only !== 'handoff') throw new Error(`--only must be dial or handoff, got ${only}`);
  const simAuth = option(args, 'sim-auth', env.BENCH_SIM_AUTH) ?? 'relaxed';
  if (simAuth !== 'default' && simAuth !== 'relaxed') throw new Error(`--sim-auth must be relaxed or default, got ${simAuth}`);
  return {
    quick,
    lines: Math.min(70, numberOption(args, 'lines', env.LINES, 70, 1)),
    db: numberOption(args, 'db', env.BENCH_REDIS_DB, 9, 0),
    calloutUsers: numberOption(args, 'callout-users', env.CALLOUT_USERS, 9, 1),
    singleUserCutoffS: numberOption(args, 'single-user-cutoff', env.SINGLE_USER_CUTOFF_S, quick ? 90 : 0, 0),
    handoffs: numberOption(args, 'handoffs', env.HANDOFFS, quick ? 6 : 30, 1),
    handoffLines: numberOption(args, 'handoff-lines', undefined, 2, 1),
    handoffConcurrent: numberOption(args, 'handoff-concurrent', undefined, 3, 1),
    queue: option(args, 'queue', env.BENCH_QUEUE) ?? '801',
    simAuth,
    lazyLogins: args.includes('--lazy-logins') || env.BENCH_LAZY_LOGINS === '1',
    ...(only ? { only } : {}),
  };
}

const FINAL = new Set(['completed', 'cancelled', 'failed']);

const fmt = (ms: number, digits = 1): string => (Number.isNaN(ms) ? '–' : ms.toFixed(digits));
const secs = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`);

// --- the simulator (child process) ------------------------------------------------------------------------

interface SimHandle {
  url: string;
  cpuSeconds(): number | undefined;
  close(): Promise<void>;
}


async function startSim(): Promise<SimHandle> {
  return spawnSimulator();
}

function control<T>(sim: SimHandle, method: string, path: string, body?: unknown): Promise<T> {
  return simControl<T>(sim.url, method, path, body);
}

interface CallReport {
  phase: string | null;
  endedAt: string | null;
  parties: { id: string; role: string; status: string; reason?: string }[];
  milestones: { answeredAt: string | null; agentPickupAt: string | null; transferReceivedAt: string | null };
}

// --- instrumentation ----------------------------------------------------------------------------------------

/** What one placeCall spent where (filled by the budget and sip-info wrappers through AsyncLocalStorage). */
interface DialCost {
  budgetWaitMs: Partial<Record<ThrottleGroup, number>>;
  sipInfoMs?: number;
}

interface PlaceSample {
  telephonySessionId: string;
  /** Wall clock when the placeCall resolved (183 / REST reply). */
  placedAt: number;
  totalMs: number;
  budgetWaitMs: number;
  /** Softphone: the device was registered during this dial (sip-info + TLS + REGISTER first). */
  cold: boolean;
  sipInfoMs?: number;
}

interface TransferSample {
  way: 'rest' | 'refer';
  startWall: number;
  startMono: number;
  resolvedMs?: number;
  error?: string;
}

const costs = new AsyncLocalStorage<DialCost>();

/** RedisRateBudget as in production, with the time each acquire waited charged to the request being timed. */
function timedBudget(inner: RateBudget): RateBudget {
  return {
    async acquire(credential, group, priority, signal) {
      const start = performance.now();
      await inner.acquire(credential, group, priority, signal);
      const cost = costs.getStore();
      if (cost) cost.budgetWaitMs[group] = (cost.budgetWaitMs[group] ?? 0) + performance.now() - start;
    },
    tryAcquire: (credential, group, priority) => inner.tryAcquire(credential, group, priority),
    penalize: (credential, ms) => inner.penalize(credential, ms),
  };
}

/** Times sip-info (one Light request per device, on its first use). */
function timeSipInfo(rest: Telephony & SipInfoSource): void {
  const read = rest.sipInfo.bind(rest);
  rest.sipInfo = async (deviceId) => {
    const start = performance.now();
    try {
      return await read(deviceId);
    } finally {
      const cost = costs.getStore();
      if (cost) cost.sipInfoMs = (cost.sipInfoMs ?? 0) + performance.now() - start;
    }
  };
}

/**
 * The engine's Telephony with placeCall and transfer timed. For the hand-off comparison each confirmed session
 * is assigned a way: `rest` sends exactly what SoftphoneTelephony's default (`handoff: 'rest'`) sends — the REST
 * transfer of the underlying account — and `refer` goes through SoftphoneTelephony with `handoff: 'refer'`.
 */
class TimedTelephony extends DelegatingTelephony {
  readonly placed: PlaceSample[] = [];
  readonly transfers = new Map<string, TransferSample>();
  readonly wayFor = new Map<string, 'rest' | 'refer'>();

  constructor(
    inner: Telephony,
    private readonly rest: Telephony,
  ) {
    super(inner);
  }

  override placeCall(request: { deviceId: string; to: string; priority?: 'dial' | 'transfer' }): Promise<CallRef> {
    const cost: DialCost = { budgetWaitMs: {} };
    return costs.run(cost, async () => {
      const start = performance.now();
      const ref = await this.inner.placeCall(request);
      const wait = Object.values(cost.budgetWaitMs).reduce((a, b) => a + b, 0);
      this.placed.push({
        telephonySessionId: ref.telephonySessionId,
        placedAt: Date.now(),
        totalMs: performance.now() - start,
        budgetWaitMs: wait,
        cold: cost.sipInfoMs !== undefined,
        ...(cost.sipInfoMs === undefined ? {} : { sipInfoMs: cost.sipInfoMs }),
      });
      return ref;
    });
  }

  override async transfer(call: CallRef, target: TransferTarget): Promise<void> {
    const way = this.wayFor.get(call.telephonySessionId) ?? 'rest';
    const sample: TransferSample = { way, startWall: Date.now(), startMono: performance.now() };
    this.transfers.set(call.telephonySessionId, sample);
    try {
      await (way === 'refer' ? this.inner.transfer(call, target) : this.rest.transfer(call, target));
      sample.resolvedMs = performance.now() - sample.startMono;
    } catch (error) {
      sample.error = (error as Error).message;
      throw error;
    }
  }

}

// --- the rig ----------------------------------------------------------------------------------------------

interface Rig {
  sim: SimHandle;
  simAuth: BenchOptions['simAuth'];
  lazyLogins: boolean;
  redis: Redis;
  redisUrl: string;
  log: Logger;
  /** The first `n` users' JWTs (the owner first), as an RC_JWT list. */
  jwts: string[];
  /** Wall time the product's receiver first got a notification showing a BlindTransfer, per session. */
  blindTransferSeenAt: Map<string, number>;
  close(): Promise<void>;
}

interface Notification {
  body?: { telephonySessionId?: string; parties?: { status?: { code?: string; reason?: string } }[] };
}

async function startRig(o: BenchOptions): Promise<Rig> {
  const redisUrl = `redis://127.0.0.1:6379/${o.db}`;
  const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  const redis = createRedis(redisUrl, { name: 'bench-sip', logger: log });
  await redis.flushdb();
  const sim = await startSim();
  const relaxed = { limit: 1_000_000, windowSeconds: 60, penaltySeconds: 60 };
  await control(sim, 'PUT', '/_sim/rate-limits', { Light: relaxed, Medium: relaxed, Heavy: relaxed, Auth: relaxed });

  const { platform } = await connectRingCentral({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt });
  const unlimited = { limit: 1_000_000, windowMs: 60_000 };
  const sync = new RingCentralTelephony({ platform, credential: 'sync', budget: new InMemoryRateBudget({ limits: { Light: unlimited, Medium: unlimited, Heavy: unlimited } }), log });
  await syncDirectory(sync, redis, log);
  await syncDevices(sync, redis, log);
  await redis.hset(globalKeys.destinations, QUICK_IVR_DESTINATION.id, JSON.stringify(QUICK_IVR_DESTINATION));
  const jwts: string[] = [TEST_CREDENTIALS.jwt];
  const users = await sync.listExtensions();
  for (const user of users.filter((u) => u.status === 'Enabled').slice(1, Math.max(1, o.calloutUsers))) {
    jwts.push((await control<{ jwt: string }>(sim, 'POST', '/_sim/jwt', { extensionId: Number(user.id) })).jwt);
  }

  // The product's webhook receiver; the wrapper only notes when a BlindTransfer first shows up per session.
  const verificationToken = 'bench-sip-token';
  const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: sim.url, connected: true }), webhooks: { redis, verificationToken, log } });
  const blindTransferSeenAt = new Map<string, number>();
  const fetchTimed = async (request: Request, env?: unknown): Promise<Response> => {
    const at = Date.now();
    if (request.method === 'POST' && new URL(request.url).pathname === WEBHOOK_PATH) {
      const copy = request.clone();
      void copy
        .json()
        .then((json: unknown) => {
          const n = json as Notification;
          const id = n.body?.telephonySessionId;
          if (id && !blindTransferSeenAt.has(id) && n.body?.parties?.some((p) => p.status?.code === 'Disconnected' && p.status.reason === 'BlindTransfer')) blindTransferSeenAt.set(id, at);
        })
        .catch(() => undefined);
    }
    return app.fetch(request, env);
  };
  let server: ReturnType<typeof serve> | undefined;
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: fetchTimed, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  const keeper = new WebhookSubscriptionKeeper({ telephony: sync, redis, address: `http://127.0.0.1:${address.port}${WEBHOOK_PATH}`, verificationToken, log });
  await keeper.ensure();
  return {
    sim,
    simAuth: o.simAuth,
    lazyLogins: o.lazyLogins,
    redis,
    redisUrl,
    log,
    jwts,
    blindTransferSeenAt,
    async close() {
      await keeper.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      (server as unknown as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.();
      await sim.close();
      await closeRedis(redis);
    },
  };
}

/** RingCentral's default limits with empty windows, in the simulator and in the engine's budget (Auth: see simAuth). */
async function freshLimits(rig: Rig): Promise<void> {
  const auth = rig.simAuth === 'relaxed' ? { Auth: { limit: 1_000_000, windowSeconds: 60, penaltySeconds: 60 } } : {};
  await control(rig.sim, 'PUT', '/_sim/rate-limits', { ...RINGCENTRAL_DEFAULT_LIMITS, ...auth });
  let cursor = '0';
  do {
    const [next, keys] = await rig.redis.scan(cursor, 'MATCH', `${globalKeys.budget('*', '*').split('{')[0]}{budget:*`, 'COUNT', 500);
    if (keys.length > 0) await rig.redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

interface Line {
  deviceMode: 'softphone' | 'call-out';
  account: ReturnType<typeof ringCentralAccount>;
  softphone?: SoftphoneTelephony;
  timed: TimedTelephony;
  engine: HuntEngine;
}

/**
 * An engine in this process over `users` users' credentials, every user logged in first (as `serve` does at
 * start); softphone lines reuse `softphone` (its devices stay registered).
 */
async function startEngine(rig: Rig, mode: 'softphone' | 'call-out', users: number, reuse?: Line): Promise<Line> {
  const budget = timedBudget(new RedisRateBudget(rig.redis, { policies: { defaults: RINGCENTRAL_DEFAULT_POLICY } }));
  const credentials = { server: rig.sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: rig.jwts.slice(0, users).join(',') };
  const account = reuse?.account ?? ringCentralAccount(credentials, budget, rig.log);
  if (!reuse && !rig.lazyLogins) {
    await account.loginAll().catch((error: unknown) => process.stderr.write(`  a login failed (retried on its next use): ${(error as Error).message}\n`));
  }
  let softphone = reuse?.softphone;
  if (mode === 'softphone' && !softphone) {
    timeSipInfo(account.telephony);
    softphone = new SoftphoneTelephony({ rest: account.telephony, audio: new CallAudioHub(), ignoreTlsCertErrors: true, handoff: 'refer', log: rig.log });
  }
  const timed = new TimedTelephony(mode === 'softphone' && softphone ? softphone : account.telephony, account.telephony);
  const engine = new HuntEngine({ redisUrl: rig.redisUrl, redis: rig.redis, telephony: timed, pool: new RedisExtensionPool(rig.redis), log: rig.log, lineMode: mode });
  engine.start();
  return { deviceMode: mode, account, ...(softphone ? { softphone } : {}), timed, engine };
}

async function createJob(engine: HuntEngine, lines: number, queue: string): Promise<JobView> {
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      return await engine.commands.create({ lines, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: queue } }, 'bench');
    } catch (error) {
      if (!(error instanceof JobRequestError) || error.status !== 409 || Date.now() > until) throw error;
      await sleep(200);
    }
  }
}

async function endJob(rig: Rig, engine: HuntEngine, jobId: string): Promise<void> {
  await engine.commands.send(jobId, { type: 'cancel' }, 'bench').catch(() => undefined);
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    const status = await rig.redis.hget(jobKeys(jobId).record, 'status');
    if (status !== null && FINAL.has(status) && (await rig.redis.hlen(globalKeys.extensionReservations)) === 0) return;
    await sleep(250);
  }
  process.stderr.write(`  warning: job ${jobId} did not end cleanly within 90 s\n`);
}

// --- question 1: dial speed -------------------------------------------------------------------------------

interface DialRun {
  label: string;
  mode: 'softphone' | 'call-out';
  /** Softphone: the devices registered during the run (one sip-info each, Light). */
  cold: boolean;
  lines: number;
  users: number;
  /** ms from job creation until the k-th line was first placed (k = index + 1). */
  placedAt: number[];
  /** ms from job creation until each line was first answered (simulator) / first holding (engine), sorted. */
  answeredAt: number[];
  holdingAt: number[];
  samples: PlaceSample[];
  cutoffMs?: number;
  wallMs: number;
  cpu: { bench: number; sim?: number };
  loopLagP99Ms: number;
}

async function dialRun(rig: Rig, line: Line, label: string, lines: number, users: number, limitMs: number, cutoffMs?: number): Promise<DialRun> {
  const cold = line.deviceMode === 'softphone' && line.timed.placed.length === 0;
  await freshLimits(rig);
  const { engine, timed } = line;
  const firstSample = timed.placed.length;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuStart = process.cpuUsage();
  const simCpuStart = rig.sim.cpuSeconds();
  const created = Date.now();
  const job = await createJob(engine, lines, '801');
  process.stderr.write(`  ${label}: job ${job.id} created (${lines} lines)\n`);
  const holding = new Map<string, number>();
  const stopAt = created + (cutoffMs ?? limitMs);
  let lastReport = created;
  for (;;) {
    await sleep(250);
    const view = await engine.commands.get(job.id);
    if (!view) throw new Error(`job ${job.id} is gone`);
    for (const call of view.calls) {
      const since = call.since.holding;
      if (since !== undefined && !holding.has(call.callId)) holding.set(call.callId, since);
    }
    if (holding.size >= lines || FINAL.has(view.status) || Date.now() > stopAt) break;
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      const placed = new Set(timed.placed.slice(firstSample).map((s) => s.telephonySessionId)).size;
      process.stderr.write(`    ${secs(Date.now() - created)}: ${placed} placements, ${holding.size} lines holding\n`);
    }
  }
  const wallMs = Date.now() - created;
  const cpu = process.cpuUsage(cpuStart);
  const simCpuEnd = rig.sim.cpuSeconds();
  loop.disable();
  await endJob(rig, engine, job.id);

  // Each line's first placement and first answer: sessions map to lines through the engine's session map.
  const samples = timed.placed.slice(firstSample);
  const lineOf = new Map<string, string>();
  const map = await rig.redis.hmget(globalKeys.sessionMap, ...samples.map((s) => s.telephonySessionId));
  samples.forEach((s, i) => {
    const value = map[i];
    if (value?.startsWith(`${job.id} `)) lineOf.set(s.telephonySessionId, value.slice(job.id.length + 1));
  });
  const firstPlaced = new Map<string, number>();
  const firstAnswered = new Map<string, number>();
  for (const s of samples) {
    const callId = lineOf.get(s.telephonySessionId);
    if (!callId || s.placedAt > created + wallMs) continue;
    if (!firstPlaced.has(callId) || (firstPlaced.get(callId) ?? 0) > s.placedAt) firstPlaced.set(callId, s.placedAt);
    const report = await control<CallReport>(rig.sim, 'GET', `/_sim/calls/${s.telephonySessionId}`).catch(() => undefined);
    const answered = report?.milestones.answeredAt ? Date.parse(report.milestones.answeredAt) : undefined;
    if (answered !== undefined && answered <= created + wallMs && (!firstAnswered.has(callId) || (firstAnswered.get(callId) ?? 0) > answered)) firstAnswered.set(callId, answered);
  }
  const relative = (m: Map<string, number>): number[] => [...m.values()].map((t) => t - created).sort((a, b) => a - b);
  return {
    label,
    mode: line.deviceMode,
    cold,
    lines,
    users,
    placedAt: relative(firstPlaced),
    answeredAt: relative(firstAnswered),
    holdingAt: relative(holding),
    samples,
    ...(cutoffMs === undefined ? {} : { cutoffMs }),
    wallMs,
    cpu: { bench: (cpu.user + cpu.system) / 1e6, ...(simCpuStart !== undefined && simCpuEnd !== undefined ? { sim: simCpuEnd - simCpuStart } : {}) },
    loopLagP99Ms: Math.max(0, loop.percentile(99) / 1e6 - 10),
  };
}

/**
 * When the last of `lines` lines can go out at the earliest: line i is due at i × stagger, and a rate-limited
 * request per line (call-out: Heavy; a softphone device's first sip-info: Light, the first user's) gets a slot
 * once the request `perWindow` places earlier has left RingCentral's 60 s window.
 */
function earliestLast(lines: number, staggerMs: number, perWindow: number): number {
  const at: number[] = [];
  for (let i = 0; i < lines; i++) {
    const due = i * staggerMs;
    at.push(i < perWindow ? due : Math.max(due, (at[i - perWindow] ?? 0) + RINGCENTRAL_DEFAULT_POLICY.windowMs));
  }
  return at[lines - 1] ?? 0;
}

/** Requests per window a dial may use of `group` (the budget's dial share of RingCentral's limit). */
const dialSlots = (group: ThrottleGroup): number => Math.floor(RINGCENTRAL_DEFAULT_POLICY.limits[group] * RINGCENTRAL_DEFAULT_POLICY.shares.dial);

function bounds(run: Pick<DialRun, 'mode' | 'cold' | 'lines' | 'users'>): { stagger: number; budget: number; what: string } {
  if (run.mode === 'softphone') {
    const stagger = (run.lines - 1) * SOFTPHONE_DIAL_STAGGER_MS;
    return run.cold
      ? { stagger, budget: earliestLast(run.lines, SOFTPHONE_DIAL_STAGGER_MS, dialSlots('Light')), what: `sip-info, ${dialSlots('Light')} Light a minute` }
      : { stagger, budget: stagger, what: 'no REST request' };
  }
  return {
    stagger: (run.lines - 1) * DIAL_STAGGER_MS,
    budget: earliestLast(run.lines, DIAL_STAGGER_MS, dialSlots('Heavy') * run.users),
    what: `call-out, ${dialSlots('Heavy')} Heavy a minute × ${run.users} user${run.users === 1 ? '' : 's'}`,
  };
}

// --- question 2: hand-off ---------------------------------------------------------------------------------

interface HandoffSample {
  way: 'rest' | 'refer';
  /** request → the simulator handled it (transferReceivedAt), wall ms. */
  toSim: number;
  /** request → the transfer() promise resolved (what the engine waits on before transfer.succeeded). */
  resolved: number;
  /** request → the product's receiver got the session's BlindTransfer notification. */
  webhook?: number;
  /** The simulator ended the SIP leg because of a REFER (false: REST, or a REFER that fell back). */
  byRefer: boolean;
}

async function handoffJob(rig: Rig, line: Line, way: 'rest' | 'refer', lines: number, queue: string): Promise<HandoffSample> {
  const { engine, timed } = line;
  const job = await createJob(engine, lines, queue);
  const giveUp = Date.now() + 120_000;
  let chosen: CallView | undefined;
  while (!chosen) {
    await sleep(250);
    const view = await engine.commands.get(job.id);
    if (!view || FINAL.has(view.status)) throw new Error(`job ${job.id} ended before a line held`);
    const holding = view.calls.filter((c) => c.status === 'holding' && c.telephonySessionId).sort((a, b) => (b.since.holding ?? 0) - (a.since.holding ?? 0));
    for (const call of holding) {
      const report = await control<CallReport>(rig.sim, 'POST', `/_sim/calls/${call.telephonySessionId}/pickup`);
      if (report.phase === 'agent' && report.endedAt === null) {
        chosen = call;
        break;
      }
    }
    if (Date.now() > giveUp) {
      await endJob(rig, engine, job.id);
      throw new Error(`job ${job.id}: no holding line with an agent within 120 s`);
    }
  }
  const sessionId = chosen.telephonySessionId as string;
  timed.wayFor.set(sessionId, way);
  await engine.commands.send(job.id, { type: 'confirm', callId: chosen.callId }, 'bench');
  const doneBy = Date.now() + 60_000;
  for (;;) {
    await sleep(100);
    const status = await rig.redis.hget(jobKeys(job.id).record, 'status');
    if (status === 'completed') break;
    if ((status !== null && FINAL.has(status)) || Date.now() > doneBy) {
      await endJob(rig, engine, job.id);
      throw new Error(`job ${job.id} ended ${status ?? '?'} after the confirm (${timed.transfers.get(sessionId)?.error ?? 'no transfer error'})`);
    }
  }
  const sample = timed.transfers.get(sessionId);
  // The notification may still be on its way when the job completes.
  for (let i = 0; i < 40 && !rig.blindTransferSeenAt.has(sessionId); i++) await sleep(50);
  const report = await control<CallReport>(rig.sim, 'GET', `/_sim/calls/${sessionId}`);
  const sip = await control<{ calls: { telephonySessionId: string; endReason?: string }[] }>(rig.sim, 'GET', '/_sim/sip');
  const received = report.milestones.transferReceivedAt ? Date.parse(report.milestones.transferReceivedAt) : undefined;
  if (!sample || sample.resolvedMs === undefined || received === undefined) throw new Error(`job ${job.id}: incomplete measurement`);
  const seen = rig.blindTransferSeenAt.get(sessionId);
  return {
    way,
    toSim: received - sample.startWall,
    resolved: sample.resolvedMs,
    ...(seen === undefined ? {} : { webhook: seen - sample.startWall }),
    byRefer: sip.calls.find((c) => c.telephonySessionId === sessionId)?.endReason === 'transferred by REFER',
  };
}

async function handoffRun(rig: Rig, line: Line, o: BenchOptions): Promise<{ samples: HandoffSample[]; failures: string[] }> {
  await freshLimits(rig);
  const samples: HandoffSample[] = [];
  const failures: string[] = [];
  const busy = { rest: 0, refer: 0 };
  const done = { rest: 0, refer: 0 };
  const failed = { rest: 0, refer: 0 };
  const total = o.handoffs * 2;
  const slot = async (index: number): Promise<void> => {
    await sleep(index * 3_000);
    for (;;) {
      // Alternate the ways, so drift over the run (CPU, Redis, windows) falls on both alike; a failed job is
      // replaced (up to a fifth more).
      const open = (['rest', 'refer'] as const).filter((w) => done[w] + busy[w] < o.handoffs && failed[w] <= Math.ceil(o.handoffs / 5));
      const way = open.sort((x, y) => done[x] + busy[x] - (done[y] + busy[y]))[0];
      if (!way) break;
      busy[way] += 1;
      try {
        samples.push(await handoffJob(rig, line, way, o.handoffLines, o.queue));
        done[way] += 1;
        if (samples.length % 10 === 0) process.stderr.write(`  ${samples.length}/${total} hand-offs measured\n`);
      } catch (error) {
        failed[way] += 1;
        failures.push(`${way}: ${(error as Error).message}`);
        process.stderr.write(`  hand-off job failed (${way}): ${(error as Error).message}\n`);
      } finally {
        busy[way] -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.handoffConcurrent }, (_, i) => slot(i)));
  return { samples, failures };
}

// --- report -----------------------------------------------------------------------------------------------

function row(name: string, values: number[], digits = 1): string {
  const s = stats(values);
  return `  ${name.padEnd(54)}${String(s.n).padStart(5)}${[s.p50, s.p90, s.p99, s.max].map((v) => fmt(v, digits).padStart(9)).join('')}`;
}

function header(unit: string): string {
  return `  ${unit.padEnd(54)}${'n'.padStart(5)}${['p50', 'p90', 'p99', 'max'].map((c) => c.padStart(9)).join('')}`;
}

function describeDialRun(run: DialRun, out: string[]): void {
  const all = run.placedAt.length >= run.lines;
  const kth = (k: number): string => secs(run.placedAt[k - 1]);
  const marks = [10, 20, 30, 40, 50, 60, 70].filter((k) => k <= run.lines);
  out.push(`  ${run.label}`);
  out.push(`    placed: ${marks.map((k) => `${k}th ${kth(k)}`).join(', ')}${all ? '' : ` — ${run.placedAt.length} of ${run.lines} placed when cut off at ${secs(run.cutoffMs ?? run.wallMs)}`}`);
  out.push(
    `    all ${run.lines} placed ${all ? secs(run.placedAt[run.lines - 1]) : '–'}; all answered ${run.answeredAt.length >= run.lines ? secs(run.answeredAt[run.lines - 1]) : `– (${run.answeredAt.length})`}; ` +
      `all holding ${run.holdingAt.length >= run.lines ? secs(run.holdingAt[run.lines - 1]) : `– (${run.holdingAt.length})`}; ` +
      `earliest by the stagger ${secs(bounds(run).stagger)}, by the budget (${bounds(run).what}) ${secs(bounds(run).budget)}`,
  );
  out.push(`    wall ${secs(run.wallMs)}; CPU this process ${run.cpu.bench.toFixed(1)} s${run.cpu.sim === undefined ? '' : `, simulator ${run.cpu.sim.toFixed(1)} s`}; event-loop lag p99 ${fmt(run.loopLagP99Ms)} ms`);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  process.stderr.write(`bench:sip: starting the simulator (child process, SIP on a free port), Redis db ${o.db} (flushed), the receiver…\n`);
  const rig = await startRig(o);
  const out: string[] = [''];
  const cpus = os.cpus();
  out.push('bench:sip — dial speed (softphone vs call-out) and hand-off (REST transfer vs SIP REFER), real rate limits');
  out.push(`  machine   ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, ${os.platform()} ${os.release()}`);
  out.push(
    `  settings  fast-agent, SIM_TIME_SCALE=1, seed ${SIM_SEED}; simulator and engine budget at RingCentral's default limits` +
      `${o.simAuth === 'relaxed' ? ' (simulator Auth relaxed: it counts logins per app)' : ''}; users logged in ${o.lazyLogins ? 'on first use' : 'before each run'}; ` +
      `engine in this process; Redis db ${o.db}`,
  );
  out.push(`  stagger   first dials ${SOFTPHONE_DIAL_STAGGER_MS} ms apart in softphone jobs, ${DIAL_STAGGER_MS} ms in call-out jobs (machines/hunt-rules.ts)`);

  const extensions = (await readExtensions(rig.redis)).filter((e) => e.enabled && e.deviceId);
  const existingPhones = extensions.filter((e) => e.deviceType === 'OtherPhone').length;
  out.push(`  directory ${extensions.length} users with an online device, ${existingPhones} of them an online "Existing Phone" (softphone lines need one each)`);
  const lines = Math.min(o.lines, existingPhones);
  if (lines < o.lines) out.push(`  note      only ${lines} Existing Phones online: the dial runs use ${lines} lines`);

  const phones: SoftphoneTelephony[] = [];
  let registered: Line | undefined;
  try {
    if (o.only !== 'handoff') {
      const runs: DialRun[] = [];
      process.stderr.write('question 1: dial speed\n');
      const softphone = await startEngine(rig, 'softphone', 1);
      registered = softphone;
      if (softphone.softphone) phones.push(softphone.softphone);
      runs.push(await dialRun(rig, softphone, `softphone, devices not yet registered (1 user's JWT)`, lines, 1, 300_000));
      await softphone.engine.close();
      const warm = await startEngine(rig, 'softphone', 1, softphone);
      runs.push(await dialRun(rig, warm, `softphone, devices already registered (1 user's JWT)`, lines, 1, 300_000));
      await warm.engine.close();
      const many = await startEngine(rig, 'call-out', o.calloutUsers);
      runs.push(await dialRun(rig, many, `call-out, ${o.calloutUsers} users' JWTs`, lines, o.calloutUsers, 300_000));
      await many.engine.close();

      const one = await startEngine(rig, 'call-out', 1);
      const single = await dialRun(rig, one, `call-out, 1 user's JWT`, lines, 1, 15 * 60_000, o.singleUserCutoffS > 0 ? o.singleUserCutoffS * 1000 : undefined);
      // Dials still waiting for a Heavy slot hold the worker; the next engine finds their job ended and drops them.
      await Promise.race([one.engine.close(), sleep(10_000)]);
      runs.push(single);

      out.push('');
      out.push('1. Dial speed: job created → every line placed / answered (simulator) / holding (engine)');
      for (const run of runs) describeDialRun(run, out);
      if (single.placedAt.length < lines) {
        out.push(
          `    extrapolated: ${single.placedAt.length} lines placed by ${secs(single.cutoffMs)}; at the budget's ${dialSlots('Heavy')} call-outs a minute per user ` +
            `(${dialSlots('Heavy')} at once, then ${dialSlots('Heavy')} more as each minute's dials leave the window) the ${lines}th goes out after ` +
            `${secs(bounds(single).budget)} at the earliest; a redial (a line the IRS dropped) takes one of those slots`,
        );
      }

      out.push('');
      out.push('   What one dial costs (placeCall: from the dial runner asking until the call is in progress), ms');
      out.push(header('ms'));
      const [cold, warmRun, manyRun] = runs;
      const coldSamples = cold?.samples.filter((s) => s.cold) ?? [];
      out.push(row('softphone, registered: INVITE → 407 → INVITE → 183', warmRun?.samples.map((s) => s.totalMs) ?? []));
      out.push(row('softphone, first use: total', coldSamples.map((s) => s.totalMs)));
      out.push(row('  sip-info (REST, Light, incl. its budget wait)', coldSamples.map((s) => s.sipInfoMs ?? Number.NaN)));
      out.push(row('  Light budget wait', coldSamples.map((s) => s.budgetWaitMs)));
      out.push(row('  TLS + REGISTER + INVITE → 183', coldSamples.map((s) => s.totalMs - (s.sipInfoMs ?? 0))));
      out.push(row(`call-out, ${o.calloutUsers} users: total`, manyRun?.samples.map((s) => s.totalMs) ?? []));
      out.push(row('  Heavy budget wait', manyRun?.samples.map((s) => s.budgetWaitMs) ?? []));
      out.push(row('  REST call-out (SDK + HTTP + simulator)', manyRun?.samples.map((s) => s.totalMs - s.budgetWaitMs) ?? []));
      out.push(row(`call-out, 1 user: total`, single.samples.map((s) => s.totalMs), 0));
      out.push(row('  Heavy budget wait', single.samples.map((s) => s.budgetWaitMs), 0));
      out.push(row('  REST call-out (SDK + HTTP + simulator)', single.samples.map((s) => s.totalMs - s.budgetWaitMs)));
    }

    if (o.only !== 'dial') {
      process.stderr.write(`question 2: hand-off, ${o.handoffs} REST + ${o.handoffs} REFER\n`);
      // The dial runs' softphone (its devices registered) when they ran; the ways differ only in transfer().
      const line = await startEngine(rig, 'softphone', 1, registered);
      if (line.softphone && !registered) phones.push(line.softphone);
      const { samples, failures } = await handoffRun(rig, line, o);
      await line.engine.close();
      out.push('');
      out.push(`2. Hand-off on a softphone line (${o.handoffLines}-line jobs, ${o.handoffConcurrent} at once, ways alternating; queue ${o.queue})`);
      out.push(header('ms from the transfer request'));
      for (const way of ['rest', 'refer'] as const) {
        const mine = samples.filter((s) => s.way === way);
        const name = way === 'rest' ? 'REST transfer' : 'SIP REFER';
        out.push(row(`${name}: → at simulator (transferReceivedAt)`, mine.map((s) => s.toSim), 0));
        out.push(row(`${name}: → request resolved (engine goes on)`, mine.map((s) => s.resolved)));
        out.push(row(`${name}: → BlindTransfer webhook at receiver`, mine.flatMap((s) => (s.webhook === undefined ? [] : [s.webhook])), 0));
        if (way === 'refer') {
          out.push(`  REFER hand-offs the simulator ended by REFER: ${mine.filter((s) => s.byRefer).length} of ${mine.length} (the rest fell back to REST)`);
          out.push(`  (the library resolves on the second NOTIFY, which the simulator writes ${BODY_PAUSE_MS} ms after the first: the pause its parser needs after a message with a body)`);
        }
        else out.push(`  REST hand-offs ended by REFER: ${mine.filter((s) => s.byRefer).length} of ${mine.length} (expected 0)`);
      }
      if (failures.length > 0) out.push(`  failed jobs: ${failures.length} (${[...new Set(failures.map((f) => f.replace(/job-[\w-]+/g, 'job')))].slice(0, 3).join('; ')})`);
    }
  } finally {
    console.log(out.join('\n'));
    for (const phone of phones) phone.close();
    await Promise.race([rig.close(), sleep(15_000)]);
  }
  process.exit(0);
}

await main();
