/**
 * bench:load — the product as it is deployed: the simulator and K `hold-hunter serve` instances in processes of
 * their own, sharing one Redis (a redis-server of the bench's own on a free port, so its counters are the bench's
 * alone). It prints a table; its only verdicts are correctness ones (a missed or double transfer exits 1).
 *
 *   npm run bench:load                                    # hunts: 2 instances, 20 jobs × 70 lines with audio
 *   npm run bench:load -- --instances=1 --jobs=2 --lines=3   # a quick look
 *   npm run bench:load -- --call-out --jobs=2 --lines=3   # REST call-out lines, confirmed by the bench (no audio)
 *   npm run bench:load -- --mode=webhooks                 # 2,000 signed notifications/s at one instance, 20 s
 *   npm run bench:load -- --mode=actors                   # 15 × 70 lines held on one instance: RSS per actor
 *
 * Modes:
 *  - hunts (default): J jobs at once × N lines over K instances (jobs created round-robin through each instance's
 *    JSON API). With audio (`--audio`, the default: softphone lines, LINE_MODE=softphone) the product hears each
 *    line and its detector confirms the agent; with `--call-out` the bench confirms a holding line itself (the
 *    simulator forces the agent on). Per job: did exactly one call reach the firm (the simulator's
 *    `transfer-received`)? Latencies come from the simulator's own stamps and the jobs' views: detection = agent
 *    pickup → line confirmed; transfer = confirmed → transfer request at the simulator.
 *  - webhooks: an open-loop generator posts telephony-session notifications (built by the simulator's own
 *    `buildNotification`, signed with the verification token) at `--rate` per second for `--seconds`; latency is
 *    send → 2xx as the sender sees it. Their sessions are not mapped to a job, so each is parked (the receiver's
 *    path for a call-out's early events: dedup SET, HGET, RPUSH + EXPIRE).
 *  - actors: J × N softphone lines on one instance under the `default` scenario at real time (lines hold for
 *    minutes); once the lines are up it holds them for `--hold-seconds` and reports RSS per call actor.
 *
 * The simulator's rate limits are relaxed (this is about our cost, not RingCentral's quotas); the apps keep
 * theirs (call-out is Heavy, 10 a minute per user: keep call-out runs small). More lines than the simulator's 84
 * online devices: extra directory rows naming the same devices (as bench:transfer --alias-extensions).
 * See docs/benchmarks.md ("Load").
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { QUICK_IVR_DESTINATION } from '../test/support/engine-harness.ts';
import { startPrivateRedis } from '../test/support/private-redis.ts';
import { TEST_CREDENTIALS } from '../test/support/simulator-harness.ts';
import { readExtensions } from '../src/engine/extension-directory.ts';
import type { JobView } from '../src/engine/hunt-types.ts';
import { closeRedis, createRedis } from '../src/store/redis-client.ts';
import { globalKeys } from '../src/store/redis-keys.ts';
import { buildNotification } from '../src/simulator/subscriptions/notification.ts';
import type { SimLoad } from '../src/simulator/control/sim-load.ts';
import { REQUEST_PRIORITIES, THROTTLE_GROUPS } from '../src/telephony/rate-budget-policy.ts';
import { WEBHOOK_PATH } from '../src/web/webhook-receiver.ts';
import { OpenLoopPoster, requestBytes } from './open-loop-poster.ts';
import { startRoundRobinProxy } from './round-robin-proxy.ts';
import type { Answer } from './open-loop-poster.ts';
import { addAliasExtensions, exitWithUsageIfAsked, freePort, machineCpuTicks, numberOption, option, processCpuSeconds, simControl, sleep, spawnSimulator, stats, stealPercent } from './bench-support.ts';
import type { MachineCpuTicks } from './bench-support.ts';
import type { SpawnedSimulator } from './bench-support.ts';

type Mode = 'hunts' | 'webhooks' | 'actors';

interface LoadOptions {
  mode: Mode;
  instances: number;
  jobs: number;
  lines: number;
  audio: boolean;
  timeScale: number;
  scenario: string;
  rate: number;
  seconds: number;
  holdSeconds: number;
  jobTimeoutSeconds: number;
  threads: number;
}

const USAGE = `usage: npm run bench:load -- [--mode=hunts|webhooks|actors] [--instances=K] [--jobs=J] [--lines=N] [--audio | --call-out]
       [--time-scale=N] [--threads=N] [--job-timeout=S]            (hunts, actors)
       [--rate=N] [--seconds=S]                                   (webhooks: notifications/s, duration)
       [--hold-seconds=S]                                         (actors: how long the lines are held once up)
defaults: hunts 2 instances × 20 jobs × 70 lines with audio, SIM_TIME_SCALE 60, scenario fast-agent;
          webhooks 1 instance, 2000/s for 20 s; actors 1 instance, 15 jobs × 70 lines, scenario default at time scale 1, held 60 s.
Exit 1 when a hunt's transfer was missed or doubled.`;

function parseOptions(args: string[]): LoadOptions {
  exitWithUsageIfAsked(args, USAGE);
  const mode = (option(args, 'mode', process.env.BENCH_MODE) ?? 'hunts') as Mode;
  if (!['hunts', 'webhooks', 'actors'].includes(mode)) throw new Error(`--mode must be hunts, webhooks or actors, got ${mode}`);
  if (args.includes('--audio') && args.includes('--call-out')) throw new Error('--audio and --call-out exclude each other');
  const actors = mode === 'actors';
  return {
    mode,
    instances: mode === 'hunts' ? numberOption(args, 'instances', undefined, 2, 1) : 1,
    jobs: numberOption(args, 'jobs', undefined, actors ? 15 : 20, 1),
    lines: Math.min(70, numberOption(args, 'lines', undefined, 70, 1)),
    audio: !args.includes('--call-out'),
    timeScale: numberOption(args, 'time-scale', undefined, actors ? 1 : 60, 1, false),
    scenario: actors ? 'default' : 'fast-agent',
    rate: numberOption(args, 'rate', undefined, 2_000, 1),
    seconds: numberOption(args, 'seconds', undefined, 20, 1),
    holdSeconds: numberOption(args, 'hold-seconds', undefined, 60, 0),
    jobTimeoutSeconds: numberOption(args, 'job-timeout', undefined, 600, 10),
    threads: numberOption(args, 'threads', undefined, 1, 1),
  };
}

const fmt = (v: number, digits = 1): string => (Number.isNaN(v) ? '–' : v.toFixed(digits));
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const API_TOKEN = 'bench-load-api-token-0123456789';
const WEBHOOK_TOKEN = 'bench-load-webhook-token';
const BIN = fileURLToPath(new URL('../bin/hold-hunter.js', import.meta.url));

// --- processes ---------------------------------------------------------------------------------------------

/** Resident set size of a process from /proc (Linux), bytes. */
function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

interface Instance {
  index: number;
  url: string;
  child: ChildProcess;
  stderrTail: () => string;
  stop(): Promise<void>;
}

/**
 * `hold-hunter serve` as deployed, at LOG_LEVEL warn (info would log every line: the bench would measure its own
 * log pipe). Ready when /healthz answers. test/support/spawn-app.ts waits for an info line, hence not reused.
 */
async function startInstance(index: number, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_INSTANCE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): profile the instances, which NODE_OPTIONS refuses.
  const nodeArgs = process.env.BENCH_INSTANCE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), PUBLIC_URL: env.PUBLIC_URL ?? url, SIM_PORT: '0', SIM_SIP_PORT: '0', LOG_LEVEL: 'warn' },
    // BENCH_INSTANCE_STDOUT=<prefix>: keep each instance's stdout (e.g. --trace-gc output) in <prefix>.<index>.
    stdio: ['ignore', process.env.BENCH_INSTANCE_STDOUT ? openSync(`${process.env.BENCH_INSTANCE_STDOUT}.${index}`, 'w') : 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4_000)));
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`  instance ${index} exited unexpectedly (code ${code}, signal ${signal}):\n${tail}\n`);
  });
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${index} exited with ${child.exitCode}:\n${tail}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`instance ${index} did not answer /healthz within 60 s:\n${tail}`);
    }
    await sleep(200);
  }
  return {
    index,
    url,
    child,
    stderrTail: () => tail,
    async stop() {
      stopping = true;
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

interface ThreadSchedule {
  runNs: number;
  waitNs: number;
}

/** /proc/<pid>/schedstat: the main thread's nanoseconds on a CPU and waiting on a run queue (Linux). */
function mainThreadSchedule(pid: number | undefined): ThreadSchedule | undefined {
  if (pid === undefined) return undefined;
  try {
    const [runNs, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return runNs === undefined || waitNs === undefined ? undefined : { runNs, waitNs };
  } catch {
    return undefined;
  }
}

/** CPU and RSS of each process, sampled every second while the load runs. */
class ProcessSampler {
  private readonly cpuStart = new Map<string, number>();
  private readonly cpuEnd = new Map<string, number>();
  private readonly scheduleStart = new Map<string, ThreadSchedule | undefined>();
  private readonly scheduleEnd = new Map<string, ThreadSchedule | undefined>();
  readonly rssMax = new Map<string, number>();
  readonly rssLast = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private started = 0;
  private wallMs = 0;
  private machineStart: MachineCpuTicks | undefined;
  private machineEnd: MachineCpuTicks | undefined;

  constructor(private readonly pids: [string, number | undefined][]) {}

  start(): void {
    this.started = performance.now();
    this.machineStart = machineCpuTicks();
    for (const [name, pid] of this.pids) this.cpuStart.set(name, processCpuSeconds(pid) ?? Number.NaN);
    for (const [name, pid] of this.pids) this.scheduleStart.set(name, mainThreadSchedule(pid));
    this.sample();
    this.timer = setInterval(() => this.sample(), 1_000);
  }

  private sample(): void {
    for (const [name, pid] of this.pids) {
      const rss = rssBytes(pid);
      if (rss === undefined) continue;
      this.rssLast.set(name, rss);
      this.rssMax.set(name, Math.max(this.rssMax.get(name) ?? 0, rss));
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
    this.wallMs = performance.now() - this.started;
    this.machineEnd = machineCpuTicks();
    for (const [name, pid] of this.pids) this.cpuEnd.set(name, processCpuSeconds(pid) ?? Number.NaN);
    for (const [name, pid] of this.pids) this.scheduleEnd.set(name, mainThreadSchedule(pid));
  }

  /**
   * The main thread's time on a CPU and waiting for one (runnable, but the machine busy elsewhere), as % of the
   * run: a wait far above the run time means latency came from the neighbours, not from the process's own work.
   */
  mainThreadShares(name: string): { ranPercent: number; waitedPercent: number } {
    const start = this.scheduleStart.get(name);
    const end = this.scheduleEnd.get(name);
    if (!start || !end) return { ranPercent: Number.NaN, waitedPercent: Number.NaN };
    const percent = (ns: number) => (ns / 1e6 / this.wallMs) * 100;
    return { ranPercent: percent(end.runNs - start.runNs), waitedPercent: percent(end.waitNs - start.waitNs) };
  }

  /** The row saying how much of the run the VM's CPUs were taken by the hypervisor (Linux steal time). */
  stealRow(): string {
    return row('steal', `${fmt(stealPercent(this.machineStart, this.machineEnd), 1)} % of the machine's CPU time went to the hypervisor's other guests (stalls no process here caused)`);
  }

  /** CPU seconds (user + system) over the run. */
  cpuSeconds(name: string): number {
    return (this.cpuEnd.get(name) ?? Number.NaN) - (this.cpuStart.get(name) ?? Number.NaN);
  }

  /** Share of one core over the run, %. */
  cpuPercent(name: string): number {
    return (((this.cpuEnd.get(name) ?? Number.NaN) - (this.cpuStart.get(name) ?? Number.NaN)) * 1e5) / this.wallMs;
  }

  rows(): string[] {
    return this.pids.map(([name]) => `  ${name.padEnd(22)}${`${fmt(this.cpuPercent(name), 0)} %`.padStart(10)}${mib(this.rssMax.get(name) ?? Number.NaN).padStart(12)}`);
  }
}

async function redisCounters(redis: Redis): Promise<{ commands: number; cpu: number }> {
  const info = await redis.info();
  const read = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return { commands: read('total_commands_processed'), cpu: read('used_cpu_user') + read('used_cpu_sys') };
}

/** The busiest commands over the run (INFO commandstats delta), for the cost notes. */
async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1] as string, Number(match[2]));
  return calls;
}

/** Sum of a Prometheus counter or gauge over its label sets, from `/metrics` text. */
function metricSum(text: string, name: string, labelFilter?: (labels: string) => boolean): number {
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.eE+-]+)$`, 'gm'))) {
    if (labelFilter && !labelFilter(match[1] ?? '')) continue;
    sum += Number(match[2]);
  }
  return sum;
}

async function scrape(instance: Instance): Promise<string> {
  const response = await fetch(`${instance.url}/metrics`, { headers: { Authorization: `Bearer ${WEBHOOK_TOKEN}-metrics` } });
  return response.ok ? response.text() : '';
}

/** How long the bench waits for the instances' device sync before going on with the devices found so far. */
const DEVICE_SYNC_WAIT_MS = 900_000;

/**
 * Waits until every instance reports a finished device sync (or `timeoutMs`, then says how far they got). A run
 * that needs no alias rows stops earlier, once `wanted` lines have a device and the count held for 3 s.
 */
async function waitForDeviceSync(instances: Instance[], redis: Redis, wanted: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let lastReport = started;
  let last = -1;
  let stable = 0;
  for (;;) {
    const synced = await Promise.all(instances.map(async (i) => metricSum(await scrape(i), 'hold_hunter_extension_devices_synced_timestamp_seconds') > 0));
    const done = synced.filter(Boolean).length;
    if (done === instances.length) return;
    const withDevice = (await readExtensions(redis)).filter((e) => e.enabled && e.deviceId).length;
    stable = withDevice === last ? stable + 1 : 0;
    last = withDevice;
    if (withDevice >= wanted && stable >= 3) return;
    if (Date.now() - started > timeoutMs) {
      process.stderr.write(`  device sync: ${done} of ${instances.length} instance(s) finished after ${Math.round(timeoutMs / 1000)} s; going on\n`);
      return;
    }
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      process.stderr.write(`  waiting for the instances' device sync (${done} of ${instances.length} done, ${withDevice} extensions with a device, ${Math.round((Date.now() - started) / 1000)} s)…\n`);
    }
    await sleep(1_000);
  }
}

// --- the shared rig ----------------------------------------------------------------------------------------

interface Rig {
  redisUrl: string;
  redis: Redis;
  sim: SpawnedSimulator;
  instances: Instance[];
  sampler: ProcessSampler;
  notes: string[];
  close(): Promise<void>;
}

async function startRig(o: LoadOptions): Promise<Rig> {
  const server = await startPrivateRedis();
  const redis = createRedis(server.url, { name: 'bench-load' });
  // BENCH_SIMULATOR_NODE_ARGS: the same for the simulator (e.g. to profile it as the hunts start).
  const simNodeArgs = process.env.BENCH_SIMULATOR_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const sim = await spawnSimulator({ env: { SIM_TIME_SCALE: String(o.timeScale), SIM_SCENARIO: o.scenario, SIM_SIP_PORT: '0' }, nodeArgs: simNodeArgs });
  const relaxed = { limit: 1_000_000, windowSeconds: 60, penaltySeconds: 60 };
  await simControl(sim.url, 'PUT', '/_sim/rate-limits', { Light: relaxed, Medium: relaxed, Heavy: relaxed, Auth: relaxed });
  // The simulator's SIP-over-TLS certificate is self-signed: trust it as a live instance trusts RingCentral's.
  const certFile = join(server.dir, 'sim-sip.pem');
  writeFileSync(certFile, await (await fetch(`${sim.url}/_sim/sip/certificate`)).text());
  const env = {
    NODE_EXTRA_CA_CERTS: certFile,
    REDIS_URL: server.url,
    RC_SERVER_URL: sim.url,
    RC_CLIENT_ID: TEST_CREDENTIALS.clientId,
    RC_CLIENT_SECRET: TEST_CREDENTIALS.clientSecret,
    RC_JWT: TEST_CREDENTIALS.jwt,
    RC_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
    API_TOKEN,
    METRICS_TOKEN: `${WEBHOOK_TOKEN}-metrics`,
    LINE_MODE: o.audio ? 'softphone' : 'call-out',
    HUNT_THREADS: String(o.threads),
    APP_ENV: 'development',
  };
  // One public URL for the deployment, as behind Fly's proxy: every instance subscribes with the same address.
  const balancer = await startRoundRobinProxy();
  const instances: Instance[] = [];
  for (let i = 0; i < o.instances; i++) {
    instances.push(await startInstance(i + 1, { ...env, PUBLIC_URL: balancer.url }));
    balancer.setTargets(instances.map((instance) => Number(new URL(instance.url).port)));
  }
  // Every instance syncs the directory and then looks devices up one by one at the lowest priority of its rate
  // budget (minutes for 84 extensions); a directory sync rewrites hh:extensions. So alias rows go in only once
  // every instance says its device sync finished (its extension_devices_synced_timestamp_seconds is set).
  const wanted = o.mode === 'webhooks' ? 0 : o.jobs * o.lines;
  if (wanted > 0) await waitForDeviceSync(instances, redis, wanted, DEVICE_SYNC_WAIT_MS);
  await redis.hset(globalKeys.destinations, QUICK_IVR_DESTINATION.id, JSON.stringify(QUICK_IVR_DESTINATION));
  const notes: string[] = [];
  const real = (await readExtensions(redis)).filter((e) => e.enabled && e.deviceId);
  if (wanted > real.length) {
    const { rows, perDevice } = await addAliasExtensions(redis, real, wanted);
    notes.push(`${real.length} extensions with an online device + ${rows} alias rows (up to ${perDevice} lines per simulated device)`);
  }
  const sampler = new ProcessSampler([
    ...instances.map((i): [string, number | undefined] => [`instance ${i.index}`, i.child.pid]),
    ['simulator', sim.child.pid],
    ['redis-server', Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1])],
    // The bench itself: in webhooks mode it is the load generator, on the same cores as the instance.
    ['bench (generator)', process.pid],
  ]);
  return {
    redisUrl: server.url,
    redis,
    sim,
    instances,
    sampler,
    notes,
    async close() {
      await Promise.all(instances.map((i) => i.stop()));
      await balancer.close();
      await sim.close();
      await closeRedis(redis);
      await server.close();
    },
  };
}

async function api<T>(instance: Instance, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${instance.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

// --- mode: hunts -------------------------------------------------------------------------------------------

interface SimCall {
  telephonySessionId: string;
  endedAt: string | null;
  phase: string | null;
  milestones: { agentPickupAt: string | null; transferReceivedAt: string | null; holdStartAt: string | null };
}

interface JobOutcome {
  id: string;
  instance: number;
  status: string;
  sessions: Set<string>;
  final?: JobView;
  error?: string;
}

const FINAL = new Set(['completed', 'cancelled', 'failed']);
/** Call states of an answered line the instance hears (SIP dialog, RTP socket, detector, clip ring). */
const CONNECTED = new Set(['ivr', 'holding', 'suspected-live']);

async function runJob(o: LoadOptions, rig: Rig, k: number): Promise<JobOutcome> {
  const instance = rig.instances[k % rig.instances.length] as Instance;
  const spec = { lines: o.lines, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } };
  let created: { status: number; body: JobView & { message?: string } } | undefined;
  for (let tries = 0; tries < 30; tries++) {
    created = await api<JobView & { message?: string }>(instance, 'POST', '/jobs', spec);
    if (created.status !== 409) break;
    await sleep(1_000);
  }
  if (!created || created.status !== 201) return { id: '?', instance: instance.index, status: 'not created', sessions: new Set(), error: `create → ${created?.status} ${JSON.stringify(created?.body)}` };
  const outcome: JobOutcome = { id: created.body.id, instance: instance.index, status: created.body.status, sessions: new Set() };
  const until = Date.now() + o.jobTimeoutSeconds * 1_000;
  let confirmedAt = 0;
  for (;;) {
    await sleep(1_000);
    // Any instance answers for any job: read it through the next one, as a load balancer would.
    const reader = rig.instances[(k + 1) % rig.instances.length] as Instance;
    const view = await api<JobView>(reader, 'GET', `/jobs/${outcome.id}`).catch(() => undefined);
    if (!view || view.status !== 200) continue;
    outcome.status = view.body.status;
    for (const call of view.body.calls) if (call.telephonySessionId) outcome.sessions.add(call.telephonySessionId);
    if (FINAL.has(view.body.status)) {
      outcome.final = view.body;
      return outcome;
    }
    // The operator's part. Call-out lines are not heard: confirm a holding line once its agent is there (the
    // simulator forces one on). Audio lines: the detector flags a voice (suspected-live); it confirms alone only
    // once the destination's hold loop has matured (minutes of real-time audio), so at a fast SIM_TIME_SCALE the
    // bench confirms a flagged line whose agent is really there, as an operator listening in would.
    if (Date.now() - confirmedAt > 30_000) {
      const candidates = view.body.calls.filter((c) => c.telephonySessionId && (o.audio ? c.status === 'suspected-live' : c.status === 'holding'));
      for (const call of candidates) {
        const id = call.telephonySessionId as string;
        const report = o.audio
          ? await simControl<SimCall>(rig.sim.url, 'GET', `/_sim/calls/${id}`).catch(() => undefined)
          : await simControl<SimCall>(rig.sim.url, 'POST', `/_sim/calls/${id}/pickup`).catch(() => undefined);
        if (report?.phase !== 'agent' || report.endedAt !== null) continue;
        await api(instance, 'POST', `/jobs/${outcome.id}/calls/${call.callId}/confirm`);
        confirmedAt = Date.now();
        break;
      }
    }
    if (Date.now() > until) {
      await api(instance, 'POST', `/jobs/${outcome.id}/cancel`).catch(() => undefined);
      outcome.error = `not finished within ${o.jobTimeoutSeconds} s (status ${view.body.status})`;
      return outcome;
    }
  }
}

async function runHunts(o: LoadOptions, rig: Rig): Promise<number> {
  const metricsBefore = await Promise.all(rig.instances.map(scrape));
  const redisBefore = await redisCounters(rig.redis);
  const cmdBefore = await commandStats(rig.redis);
  await simControl(rig.sim.url, 'DELETE', '/_sim/load');
  rig.sampler.start();
  const wallStart = performance.now();
  let done = 0;
  const outcomes = await Promise.all(
    Array.from({ length: o.jobs }, async (_, k) => {
      const result = await runJob(o, rig, k);
      done += 1;
      process.stderr.write(`  job ${done}/${o.jobs}: ${result.id} on instance ${result.instance} → ${result.status}${result.error ? ` (${result.error})` : ''}${result.status === 'completed' ? '' : ` ${result.final?.outcome ?? ''} ${[...new Set(result.final?.calls.map((c) => c.endReason ?? c.status))].join(', ')}`}\n`);
      return result;
    }),
  );
  const wallMs = performance.now() - wallStart;
  rig.sampler.stop();
  const redisAfter = await redisCounters(rig.redis);
  const cmdAfter = await commandStats(rig.redis);
  const metricsAfter = await Promise.all(rig.instances.map(scrape));
  const { records } = await simControl<{ records: SimCall[] }>(rig.sim.url, 'GET', '/_sim/calls');
  const simulatorLoad = await simControl<SimLoad>(rig.sim.url, 'GET', '/_sim/load');
  const bySession = new Map(records.map((r) => [r.telephonySessionId, r]));

  // Correctness: every session that reached the firm belongs to one job, and each job has at most one.
  const jobOfSession = new Map<string, string>();
  for (const job of outcomes) for (const s of job.sessions) jobOfSession.set(s, job.id);
  const transfersByJob = new Map<string, number>();
  let unattributed = 0;
  for (const record of records) {
    if (!record.milestones.transferReceivedAt) continue;
    const job = jobOfSession.get(record.telephonySessionId);
    if (job === undefined) unattributed += 1;
    else transfersByJob.set(job, (transfersByJob.get(job) ?? 0) + 1);
  }
  const agentPickedUp = (job: JobOutcome): boolean => [...job.sessions].some((s) => bySession.get(s)?.milestones.agentPickupAt);
  const completed = outcomes.filter((j) => j.status === 'completed');
  const missed = outcomes.filter((j) => (transfersByJob.get(j.id) ?? 0) === 0 && (j.status === 'completed' || agentPickedUp(j)));
  const doubled = outcomes.filter((j) => (transfersByJob.get(j.id) ?? 0) > 1);

  // Latencies of each completed job's winning line: simulator stamps and the job's own (same machine clock).
  const detection: number[] = [];
  const transfer: number[] = [];
  for (const job of completed) {
    const winner = job.final?.calls.find((c) => c.callId === job.final?.winnerCallId);
    const record = winner?.telephonySessionId ? bySession.get(winner.telephonySessionId) : undefined;
    const confirmed = winner?.since.confirmed;
    if (!record || confirmed === undefined) continue;
    // Detection: the agent's pickup → the line flagged (suspected-live), or confirmed where the detector did it alone.
    const flagged = Math.min(winner?.since['suspected-live'] ?? Number.POSITIVE_INFINITY, confirmed);
    // 0 when the line was already flagged (a voice in the hold audio) as the agent came on.
    if (o.audio && record.milestones.agentPickupAt) detection.push(Math.max(0, flagged - Date.parse(record.milestones.agentPickupAt)));
    if (record.milestones.transferReceivedAt) transfer.push(Date.parse(record.milestones.transferReceivedAt) - confirmed);
  }

  // Webhooks: the product's own counters and reply-time histogram, summed over instances.
  const webhooks = rig.instances.reduce((sum, _, i) => sum + metricSum(metricsAfter[i] ?? '', 'hold_hunter_webhooks_total') - metricSum(metricsBefore[i] ?? '', 'hold_hunter_webhooks_total'), 0);
  const ack = histogramDelta(metricsBefore, metricsAfter, 'hold_hunter_webhook_duration_seconds');
  // A slow hand-off is either the engine or the wait for a slot in the credential's rate budget: this says which.
  const transferWait = histogramDelta(metricsBefore, metricsAfter, 'hold_hunter_rate_budget_wait_seconds', 'priority="transfer"');
  const dialWait = histogramDelta(metricsBefore, metricsAfter, 'hold_hunter_rate_budget_wait_seconds', 'priority="dial"');
  const deliveries = await simControl<{ records: { outcome: string; durationMs?: number }[]; totals: Record<string, number> }>(rig.sim.url, 'GET', '/_sim/webhooks');
  const delivered = deliveries.records.filter((r) => r.outcome === 'delivered' && r.durationMs !== undefined).map((r) => r.durationMs as number);
  const simAck = stats(delivered);
  const redisOps = (redisAfter.commands - redisBefore.commands) / (wallMs / 1000);
  const detectionStats = stats(detection);
  const transferStats = stats(transfer);

  const out = header(o, rig, `${o.jobs} jobs at once × ${o.lines} lines (${o.jobs * o.lines} lines) on ${o.instances} instance(s), ${o.audio ? 'softphone lines with audio (detector flags, bench confirms a flagged line with an agent)' : 'call-out lines (bench confirms)'}; fast-agent, SIM_TIME_SCALE ${o.timeScale}`);
  out.push(
    row('jobs', `${completed.length} completed of ${o.jobs}; ${outcomes.filter((j) => j.error).length} errors; ${fmt((completed.length / wallMs) * 60_000, 1)} jobs/min over ${fmt(wallMs / 1000, 0)} s`),
    row('transfers', `${[...transfersByJob.values()].reduce((a, b) => a + b, 0)} reached the firm; missed ${missed.length}, double ${doubled.length}, not a bench job's ${unattributed}`),
    row('webhooks', `${webhooks} received (${fmt(webhooks / (wallMs / 1000), 0)}/s); simulator deliveries over the run: ${deliveries.totals.delivered} delivered, ${deliveries.totals.failed} failed, ${deliveries.totals.skipped} skipped (subscription inactive)`),
    row('webhook ack (ms)', `in the app p50 ≤ ${ack.p50} / p99 ≤ ${ack.p99} (histogram buckets); simulator POST → 2xx p50 ${fmt(simAck.p50)} / p99 ${fmt(simAck.p99)} / max ${fmt(simAck.max)} (last ${simAck.n})`),
    row('transfer (ms)', `confirmed → request at the simulator p50 ${fmt(transferStats.p50, 0)} / p99 ${fmt(transferStats.p99, 0)} / max ${fmt(transferStats.max, 0)} (n ${transferStats.n})`),
    row('budget use', budgetUse(metricsBefore, metricsAfter)),
    row('budget wait (ms)', `for a slot in the rate budget: transfers p50 ≤ ${transferWait.p50} / p99 ≤ ${transferWait.p99}; dials p50 ≤ ${dialWait.p50} / p99 ≤ ${dialWait.p99} (histogram buckets)`),
    row('detection (ms)', `agent pickup → line flagged by the detector p50 ${fmt(detectionStats.p50, 0)} / p95 ${fmt(percentileOf(detection, 95), 0)} / max ${fmt(detectionStats.max, 0)} (n ${detectionStats.n}${o.audio ? '' : '; call-out lines are not heard'})`),
    row('redis', `${fmt(redisOps, 0)} ops/s; ${fmt(redisAfter.cpu - redisBefore.cpu, 1)} CPU s; top: ${topCommands(cmdBefore, cmdAfter, wallMs)}`),
    row('simulator load', simulatorLoadRow(simulatorLoad)),
    rig.sampler.stealRow(),
  );
  out.push('', `  ${'process'.padEnd(22)}${'CPU'.padStart(10)}${'max RSS'.padStart(12)}`, ...rig.sampler.rows());
  const ok = missed.length === 0 && doubled.length === 0 && unattributed === 0;
  out.push('', `  check: no missed or double transfer — ${ok ? 'PASS' : 'FAIL'}`);
  for (const job of [...missed, ...doubled].slice(0, 5)) out.push(`    ${job.id}: status ${job.status}, ${transfersByJob.get(job.id) ?? 0} transfer(s)${job.error ? `, ${job.error}` : ''}`);
  console.log(out.join('\n'));
  return ok ? 0 : 1;
}

function percentileOf(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/**
 * p50 / p99 upper bounds (ms) from the change of a Prometheus histogram's cumulative buckets over all instances;
 * with `label` (e.g. `priority="transfer"`), only the series that carry it.
 */
/** Whether the run measured the product or a simulator that could not keep up with the lines' audio. */
function simulatorLoadRow(load: SimLoad): string {
  const sent = load.media.ticks + load.media.skippedTicks;
  const skipped = sent === 0 ? 0 : (100 * load.media.skippedTicks) / sent;
  return `event-loop delay p50 ${fmt(load.eventLoopDelayMs.p50)} / p99 ${fmt(load.eventLoopDelayMs.p99)} / max ${fmt(load.eventLoopDelayMs.max)} ms; audio ticks skipped (fell behind) ${fmt(skipped)} %`;
}

/** Requests each priority sent per throttle group over the run (one credential's budget, summed over instances). */
function budgetUse(before: string[], after: string[]): string {
  const name = 'hold_hunter_rate_budget_wait_seconds_count';
  const parts: string[] = [];
  for (const group of THROTTLE_GROUPS) {
    const counts = REQUEST_PRIORITIES.map((priority): [string, number] => {
      const matches = (labels: string) => labels.includes(`group="${group}"`) && labels.includes(`priority="${priority}"`);
      const sent = after.reduce((sum, text) => sum + metricSum(text, name, matches), 0) - before.reduce((sum, text) => sum + metricSum(text, name, matches), 0);
      return [priority, sent];
    }).filter(([, sent]) => sent > 0);
    if (counts.length > 0) parts.push(`${group} ${counts.map(([priority, sent]) => `${priority} ${sent}`).join(', ')}`);
  }
  return parts.length > 0 ? `requests sent: ${parts.join('; ')}` : 'no REST requests';
}

function histogramDelta(before: string[], after: string[], name: string, label = ''): { p50: string; p99: string } {
  const buckets = new Map<number, number>();
  const add = (texts: string[], sign: number): void => {
    for (const text of texts) {
      for (const match of text.matchAll(new RegExp(`^${name}_bucket\\{([^}]*)\\} ([0-9.eE+-]+)$`, 'gm'))) {
        const labels = match[1] ?? '';
        if (label && !labels.split(',').includes(label)) continue;
        const le = /le="([^"]+)"/.exec(labels)?.[1];
        if (le === undefined) continue;
        const upper = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
        buckets.set(upper, (buckets.get(upper) ?? 0) + sign * Number(match[2]));
      }
    }
  };
  add(after, 1);
  add(before, -1);
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  const bound = (q: number): string => {
    if (total === 0) return '–';
    const le = sorted.find(([, count]) => count >= q * total)?.[0] ?? Number.POSITIVE_INFINITY;
    return le === Number.POSITIVE_INFINITY ? `>${(sorted.at(-2)?.[0] ?? 0) * 1000}` : String(le * 1000);
  };
  return { p50: bound(0.5), p99: bound(0.99) };
}

function topCommands(before: Map<string, number>, after: Map<string, number>, wallMs: number): string {
  return [...after.entries()]
    .map(([name, calls]): [string, number] => [name, calls - (before.get(name) ?? 0)])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, calls]) => `${name} ${fmt(calls / (wallMs / 1000), 0)}/s`)
    .join(', ');
}

function header(o: LoadOptions, rig: Rig, settings: string): string[] {
  const cpus = os.cpus();
  const out = ['', `bench:load — mode ${o.mode}`];
  out.push(row('machine', `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`));
  out.push(row('settings', settings));
  for (const note of rig.notes) out.push(row('note', note));
  return out;
}

const row = (name: string, text: string): string => `  ${name.padEnd(18)}${text}`;

// --- mode: webhooks ----------------------------------------------------------------------------------------

/** A notification like the simulator's for one party of an unknown outbound call (parked by the receiver). */
function notificationBody(n: number, subscriptionId: string): string {
  const telephonySessionId = `s-bench-${Math.floor(n / 4)}`;
  const codes = ['Setup', 'Proceeding', 'Answered', 'Disconnected'];
  const notification = buildNotification(
    { uuid: randomUUID(), event: '/restapi/v1.0/account/~/extension/~/telephony/sessions', subscriptionId, ownerId: '100' },
    {
      telephonySessionId,
      sessionId: String(1_000_000 + Math.floor(n / 4)),
      serverId: '10.13.121.236.TAM',
      origin: { type: 'Call' },
      eventTime: new Date().toISOString(),
      sequence: (n % 4) + 1,
      party: {
        accountId: '100',
        extensionId: '101',
        id: `p-${telephonySessionId}-1`,
        direction: 'Outbound',
        from: { phoneNumber: '+16505550101', name: 'Bench Caller', extensionId: '101' },
        to: { phoneNumber: '+18668604259' },
        status: { code: codes[n % 4] as string, rcc: false },
        park: {},
        missedCall: false,
        standAlone: false,
        muted: false,
      },
    },
  );
  return JSON.stringify({ ...notification, timestamp: new Date().toISOString() });
}

/** Seconds of unmeasured traffic at the full rate before the measured run. */
const WEBHOOK_WARM_UP_SECONDS = 3;

function webThreadShares(shares: { ranPercent: number; waitedPercent: number }): string {
  return `on a CPU ${fmt(shares.ranPercent, 0)} % of the run, runnable but waiting for one ${fmt(shares.waitedPercent, 0)} % (the machine's other load)`;
}

async function runWebhooks(o: LoadOptions, rig: Rig): Promise<number> {
  const instance = rig.instances[0] as Instance;
  const target = new URL(`${instance.url}${WEBHOOK_PATH}`);
  const poster = new OpenLoopPoster({
    host: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    headers: { 'Content-Type': 'application/json', 'Verification-Token': WEBHOOK_TOKEN },
    maxConnections: 256,
  });
  // Every request's bytes are built before the clock starts: the generator's own work is on the same 2 cores.
  const warmUpSeconds = Math.min(WEBHOOK_WARM_UP_SECONDS, o.seconds);
  const build = (count: number, first: number) => Array.from({ length: count }, (_, n) => requestBytes(poster.target, notificationBody(first + n, 'bench-subscription')));
  const warmUp = build(o.rate * warmUpSeconds, 0);
  const total = o.rate * o.seconds;
  const measured = build(total, 1_000_000);
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  const record = ({ latencyMs, status }: Answer) => {
    latencies.push(latencyMs);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  };
  // Warm-up at the full rate, not measured: the target is the steady state, not the first second of a cold
  // process (connections opened, code optimised; docs/benchmarks.md shows what that second costs).
  await poster.run(warmUp.length, o.rate, (n) => warmUp[n] as Buffer, () => undefined);
  const metricsBefore = [await scrape(instance)];
  const redisBefore = await redisCounters(rig.redis);
  const cmdBefore = await commandStats(rig.redis);
  rig.sampler.start();
  const start = performance.now();
  const { sendMs } = await poster.run(total, o.rate, (n) => measured[n] as Buffer, record);
  const wallMs = performance.now() - start;
  rig.sampler.stop();
  const redisAfter = await redisCounters(rig.redis);
  const cmdAfter = await commandStats(rig.redis);
  const metricsAfter = [await scrape(instance)];
  poster.close();
  const s = stats(latencies);
  const inApp = histogramDelta(metricsBefore, metricsAfter, 'hold_hunter_webhook_duration_seconds');
  const out = header(o, rig, `${total} notifications at ${o.rate}/s for ${o.seconds} s, open loop after ${warmUpSeconds} s unmeasured at that rate, to one instance's ${WEBHOOK_PATH} (signed; sessions unknown to any job, so parked)`);
  out.push(
    row('sent', `${total} in ${fmt(sendMs / 1000, 1)} s (${fmt(total / (sendMs / 1000), 0)}/s); answers: ${[...statuses.entries()].map(([k, v]) => `${k} × ${v}`).join(', ')}`),
    row('ack (ms)', `send → 2xx p50 ${fmt(s.p50)} / p90 ${fmt(s.p90)} / p99 ${fmt(s.p99)} / max ${fmt(s.max)}; in the app p50 ≤ ${inApp.p50} / p99 ≤ ${inApp.p99} (histogram buckets)`),
    row('redis', `${fmt((redisAfter.commands - redisBefore.commands) / (wallMs / 1000), 0)} ops/s; top: ${topCommands(cmdBefore, cmdAfter, wallMs)}`),
    // Time on a shared machine stretches with the neighbours' load; CPU per notification hardly does.
    row('instance CPU', `${fmt((rig.sampler.cpuSeconds(`instance ${instance.index}`) * 1e6) / total, 0)} µs per notification`),
    row('web thread', webThreadShares(rig.sampler.mainThreadShares(`instance ${instance.index}`))),
    rig.sampler.stealRow(),
  );
  out.push('', `  ${'process'.padEnd(22)}${'CPU'.padStart(10)}${'max RSS'.padStart(12)}`, ...rig.sampler.rows());
  out.push('', `  target p99 <= 20 ms at 2,000/s: ${o.rate >= 2_000 ? (s.p99 <= 20 ? 'met' : 'NOT met') : 'n/a (rate below 2,000/s)'} (p99 ${fmt(s.p99)} ms)`);
  console.log(out.join('\n'));
  return (statuses.get('200') ?? 0) === total ? 0 : 1;
}

// --- mode: actors ------------------------------------------------------------------------------------------

async function runActors(o: LoadOptions, rig: Rig): Promise<number> {
  const instance = rig.instances[0] as Instance;
  const rssIdle = rssBytes(instance.child.pid) ?? Number.NaN;
  const redisBefore = await redisCounters(rig.redis);
  rig.sampler.start();
  const start = performance.now();
  const ids: string[] = [];
  const spec = { lines: o.lines, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } };
  for (let k = 0; k < o.jobs; k++) {
    const created = await api<JobView>(instance, 'POST', '/jobs', spec);
    if (created.status !== 201) throw new Error(`create → ${created.status} ${JSON.stringify(created.body)}`);
    ids.push(created.body.id);
  }
  const count = async (): Promise<{ actors: number; byStatus: Map<string, number>; jobsRunning: number }> => {
    const byStatus = new Map<string, number>();
    let actors = 0;
    let jobsRunning = 0;
    for (const id of ids) {
      const view = await api<JobView>(instance, 'GET', `/jobs/${id}`);
      if (view.status !== 200) continue;
      if (!FINAL.has(view.body.status)) jobsRunning += 1;
      for (const call of view.body.calls) {
        byStatus.set(call.status, (byStatus.get(call.status) ?? 0) + 1);
        if (call.status !== 'cleaned' && call.status !== 'failed') actors += 1;
      }
    }
    return { actors, byStatus, jobsRunning };
  };
  // Lines are dialled 1 s apart per job: wait until every line is up (or 3 minutes), then hold.
  let snapshot = await count();
  // Connected lines (answered, heard by the detector) cost far more than queued or dialling ones: both peaks count.
  const connectedOf = (byStatus: Map<string, number>): number => [...CONNECTED].reduce((sum, status) => sum + (byStatus.get(status) ?? 0), 0);
  let peakActors = snapshot.actors;
  let peakConnected = connectedOf(snapshot.byStatus);
  const upBy = Date.now() + 180_000;
  while (Date.now() < upBy) {
    await sleep(5_000);
    snapshot = await count();
    peakActors = Math.max(peakActors, snapshot.actors);
    peakConnected = Math.max(peakConnected, connectedOf(snapshot.byStatus));
    const holding = (snapshot.byStatus.get('holding') ?? 0) + (snapshot.byStatus.get('ivr') ?? 0);
    process.stderr.write(`  ${snapshot.actors} call actors live; ${holding} in ivr/holding; RSS ${mib(rssBytes(instance.child.pid) ?? Number.NaN)}\n`);
    if (holding >= o.jobs * o.lines * 0.95) break;
  }
  const upMs = performance.now() - start;
  const holdUntil = Date.now() + o.holdSeconds * 1_000;
  while (Date.now() < holdUntil) {
    await sleep(10_000);
    snapshot = await count();
    peakActors = Math.max(peakActors, snapshot.actors);
    peakConnected = Math.max(peakConnected, connectedOf(snapshot.byStatus));
    process.stderr.write(`  ${snapshot.actors} call actors live; RSS ${mib(rssBytes(instance.child.pid) ?? Number.NaN)}\n`);
  }
  const wallMs = performance.now() - start;
  rig.sampler.stop();
  const redisAfter = await redisCounters(rig.redis);
  const metrics = await scrape(instance);
  const callsGauge = metricSum(metrics, 'hold_hunter_calls');
  for (const id of ids) await api(instance, 'POST', `/jobs/${id}/cancel`).catch(() => undefined);
  const rssMax = rig.sampler.rssMax.get('instance 1') ?? Number.NaN;
  const out = header(o, rig, `${o.jobs} jobs × ${o.lines} lines (${o.jobs * o.lines} call actors) on one instance, ${o.audio ? 'softphone lines with audio' : 'call-out lines'}; scenario default at SIM_TIME_SCALE ${o.timeScale}, held ${o.holdSeconds} s`);
  out.push(
    row('call actors', `${peakActors} live at peak (the instance's hold_hunter_calls gauge: ${callsGauge}); by status at the end: ${[...snapshot.byStatus.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}`),
    row('lines up', `${fmt(upMs / 1000, 0)} s from the first create to ${snapshot.byStatus.get('holding') ?? 0} holding`),
    row('memory', `instance RSS idle ${mib(rssIdle)}, max ${mib(rssMax)} (${fmt((rssMax - rssIdle) / Math.max(1, peakActors) / 1024, 0)} KiB per actor over idle; ${peakConnected} connected at peak, ${fmt((rssMax - rssIdle) / Math.max(1, peakConnected) / 1024, 0)} KiB per connected line)`),
    row('redis', `${fmt((redisAfter.commands - redisBefore.commands) / (wallMs / 1000), 0)} ops/s over ${fmt(wallMs / 1000, 0)} s`),
  );
  out.push('', `  ${'process'.padEnd(22)}${'CPU'.padStart(10)}${'max RSS'.padStart(12)}`, ...rig.sampler.rows());
  out.push('', `  target >= 1,000 call actors within 512 MB: ${peakActors >= 1_000 && rssMax <= 512 * 2 ** 20 ? 'met' : 'NOT met'} (${peakActors} actors, ${mib(rssMax)})`);
  console.log(out.join('\n'));
  return 0;
}

// --- main --------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  process.stderr.write(`bench:load (${o.mode}): starting Redis, the simulator and ${o.instances} instance(s)…\n`);
  const rig = await startRig(o);
  let code = 1;
  try {
    code = o.mode === 'hunts' ? await runHunts(o, rig) : o.mode === 'webhooks' ? await runWebhooks(o, rig) : await runActors(o, rig);
  } finally {
    await Promise.race([rig.close(), sleep(30_000)]);
  }
  process.exit(code);
}

await main();
