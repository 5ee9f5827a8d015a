/**
 * The chaos run behind `npm run chaos` and test/chaos/chaos-short.test.ts: a private redis-server (AOF on), the
 * simulator, K hunt-engine processes sharing them, J hunts × N lines, and a seeded schedule of faults while the
 * hunts run. When every hunt has ended it reads the simulator's truth (its call list) and Redis and counts the
 * invariant violations (see `ChaosReport`). The "operator" is this process: it picks up a holding line in the
 * simulator (the agent answers) and confirms it, as a person at the dashboard would.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { QUICK_IVR_DESTINATION, startEngineHarness } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { control } from '../support/simulator-harness.ts';
import { readHistory } from '../../src/engine/job-history.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';
import type { CallStatus, JobView } from '../../src/engine/hunt-types.ts';

export type FaultKind = 'kill' | 'redis-restart' | 'sigstop' | 'webhooks' | 'api-bursts' | 'clock-skew';
export const ALL_FAULTS: readonly FaultKind[] = ['kill', 'redis-restart', 'sigstop', 'webhooks', 'api-bursts', 'clock-skew'];
/** Hunt phases an instance is killed in (one SIGKILL + restart each). */
export type HuntPhase = 'dialing' | 'ivr' | 'holding' | 'hand-off';

export interface ChaosOptions {
  jobs: number;
  lines: number;
  instances: number;
  seed: number;
  faults: readonly FaultKind[];
  phases: readonly HuntPhase[];
  /** Simulator time scale (model ms per wall ms). */
  timeScale: number;
  /** Give up waiting for the hunts after this long (a violation). */
  timeoutMs: number;
  /** Largest clock offset of an instance, ± ms. */
  maxSkewMs: number;
  /** The operator confirms no line before this long after the start (ms, drawn in the range): hunts last while faults run. */
  confirmAfterMs: [number, number];
  progress?: (line: string) => void;
}

export const SHORT_RUN: Omit<ChaosOptions, 'seed'> = {
  jobs: 3,
  lines: 4,
  instances: 2,
  faults: ['kill', 'redis-restart', 'sigstop', 'webhooks', 'api-bursts', 'clock-skew'],
  phases: ['dialing', 'holding', 'hand-off'],
  timeScale: 60,
  timeoutMs: 120_000,
  maxSkewMs: 1_500,
  confirmAfterMs: [30_000, 45_000],
};

export const FULL_RUN: Omit<ChaosOptions, 'seed'> = {
  jobs: 8,
  lines: 6,
  instances: 3,
  faults: ALL_FAULTS,
  phases: ['dialing', 'ivr', 'holding', 'hand-off'],
  timeScale: 10,
  timeoutMs: 300_000,
  maxSkewMs: 3_000,
  confirmAfterMs: [45_000, 120_000],
};

export interface InjectedFault {
  atMs: number;
  what: string;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'progress'>;
  durationMs: number;
  jobs: { total: number; completed: number; failed: number; cancelled: number; unfinished: number };
  /** Jobs whose agent picked up and whom the operator confirmed (jobs that ended `completed` with a winner). */
  jobsPickedUp: number;
  /** Calls the simulator received a transfer request on. */
  transfers: number;
  /** Jobs with more than one transfer, or a transfer on a call other than the winner's. */
  wrongTransfers: number;
  /** Hunt calls still connected in the simulator after reconciliation (the winner's transferred call excepted). */
  callsLeftConnected: number;
  /** Extension reservations still held for jobs that ended. */
  extensionsLeaked: number;
  /**
   * Simulator calls whose story the hunt lost: a call the simulator placed for a hunt that no job's history names
   * (an untracked call), or whose final state the job contradicts (the simulator ended it but the job's line is
   * not in an ended state, or a transfer on one side only).
   */
  eventsLost: number;
  /**
   * Calls placed by a dial that was still in flight when its hunt finished (or whose owner died before recording
   * it): no job history names them, and the product hung them up itself (the finishing owner's stray-dial
   * clean-up). Reported, not a violation; an untracked call anyone else ended counts as an event lost.
   */
  strayDialsHungUp: number;
  simulatorCalls: number;
  faults: InjectedFault[];
  violations: string[];
}

interface SimCall {
  telephonySessionId: string;
  to?: string;
  endedAt: string | null;
  milestones: { agentPickupAt: string | null; transferReceivedAt: string | null; hangupBy: string | null };
}

const ENDED_CALL: readonly CallStatus[] = ['cleaned', 'failed', 'transferred'];
const TERMINAL_JOB: readonly JobView['status'][] = ['completed', 'cancelled', 'failed'];
const ENGINE_SCRIPT = fileURLToPath(new URL('./chaos-engine.ts', import.meta.url));
const SKEW_MODULE = fileURLToPath(new URL('./skewed-clock.ts', import.meta.url));
const LOCK_MS = 5_000;

/** mulberry32: a small seeded generator, so a seed replays the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class Instance {
  proc: ChildProcess | undefined;
  stopped = false;
  skewMs = 0;
  output = '';

  constructor(
    readonly index: number,
    private readonly redisUrl: string,
    private readonly simUrl: string,
  ) {}

  async start(skewMs: number): Promise<void> {
    this.skewMs = skewMs;
    this.output = '';
    const proc = spawn(process.execPath, ['--import', 'tsx', '--import', SKEW_MODULE, ENGINE_SCRIPT, this.redisUrl, this.simUrl], {
      env: { ...process.env, CHAOS_CLOCK_SKEW_MS: String(skewMs), CHAOS_LOCK_MS: String(LOCK_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.output = (this.output + chunk.toString()).slice(-8_000);
        if (process.env.CHAOS_VERBOSE) process.stderr.write(`[${this.index}] ${chunk.toString()}`);
        if (this.output.includes('engine-ready')) resolve();
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code, signal) => reject(new Error(`instance ${this.index} exited (${code ?? signal}) before it was ready:\n${this.output}`)));
    });
  }

  alive(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
    this.stopped = false;
  }

  signal(sig: 'SIGSTOP' | 'SIGCONT'): void {
    if (!this.alive()) return;
    this.proc?.kill(sig);
    this.stopped = sig === 'SIGSTOP';
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.progress ?? (() => undefined);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (low: number, high: number): number => Math.round(low + random() * (high - low));
  const skew = (): number => (options.faults.includes('clock-skew') ? between(-options.maxSkewMs, options.maxSkewMs) : 0);

  const started = Date.now();
  const faults: InjectedFault[] = [];
  const note = (what: string): void => {
    faults.push({ atMs: Date.now() - started, what });
    say(`+${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);
  };

  // appendfsync always: a SIGKILLed Redis comes back with every acknowledged write (production runs everysec,
  // which may lose the last second; see docs/resilience.md).
  const redis: PrivateRedis = await startPrivateRedis(['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']);
  let h: EngineHarness | undefined;
  const instances: Instance[] = [];
  try {
    // RingCentral's quotas are relaxed (each instance keeps its own in-memory budget): 429s come from the bursts.
    h = await startEngineHarness({ db: 0, redisUrl: redis.url, ownEngine: false, relaxLimits: true, sim: { scenario: 'fast-agent', timeScale: options.timeScale, seed: options.seed } });
    const harness = h;
    for (let i = 0; i < options.instances; i++) {
      const instance = new Instance(i, redis.url, harness.sim.url);
      await instance.start(skew());
      instances.push(instance);
    }
    say(`instances up; clock skews ${instances.map((i) => `${i.skewMs} ms`).join(', ')}`);

    const commands = harness.engine.commands;
    const jobIds: string[] = [];
    for (let j = 0; j < options.jobs; j++) {
      const job = await commands.create({ lines: options.lines, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'chaos-operator');
      jobIds.push(job.id);
    }
    say(`${options.jobs} hunts × ${options.lines} lines created`);

    // Views as the dashboard would read them; Redis may be down for a moment, so a failed read is just skipped.
    const views = new Map<string, JobView>();
    const refresh = async (): Promise<void> => {
      for (const id of jobIds) {
        const view = await commands.get(id).catch(() => undefined);
        if (view) views.set(id, view);
      }
    };
    const allEnded = (): boolean => jobIds.every((id) => TERMINAL_JOB.includes(views.get(id)?.status ?? 'starting'));

    // The operator: some seconds after a hunt has a line on hold, the agent picks up there and it is confirmed.
    const confirmAt = new Map<string, number>();
    let lastConfirm: { jobId: string; at: number } | undefined;
    let running = true;
    const operator = (async () => {
      while (running) {
        await refresh();
        for (const id of jobIds) {
          const view = views.get(id);
          if (!view || view.status !== 'hunting') continue;
          const holding = view.calls.filter((c) => c.status === 'holding' && c.telephonySessionId);
          if (holding.length === 0) continue;
          const due = confirmAt.get(id) ?? Math.max(Date.now() + between(2_000, 8_000), started + between(...options.confirmAfterMs));
          confirmAt.set(id, due);
          if (Date.now() < due) continue;
          const chosen = pick(holding);
          try {
            await control(harness.sim, 'POST', `/_sim/calls/${chosen.telephonySessionId}/pickup`);
            await commands.send(id, { type: 'confirm', callId: chosen.callId }, 'chaos-operator');
            lastConfirm = { jobId: id, at: Date.now() };
          } catch {
            // The line ended under us or Redis is restarting: try again (another line) shortly.
          }
          confirmAt.set(id, Date.now() + 4_000);
        }
        await sleep(300);
      }
    })();

    const waitFor = async (condition: () => boolean, limitMs: number): Promise<boolean> => {
      const until = Date.now() + limitMs;
      while (Date.now() < until && !allEnded()) {
        if (condition()) return true;
        await sleep(100);
      }
      return false;
    };
    const inPhase = (phase: HuntPhase): boolean =>
      [...views.values()].some((v) => {
        if (phase === 'hand-off') return v.status === 'connecting' || (lastConfirm !== undefined && Date.now() - lastConfirm.at < 1_000);
        const status: CallStatus = phase === 'dialing' ? 'dialing' : phase === 'ivr' ? 'ivr' : 'holding';
        return v.status === 'hunting' && v.calls.some((c) => c.status === status);
      });
    const aliveInstance = (): Instance | undefined => {
      const candidates = instances.filter((i) => i.alive() && !i.stopped);
      return candidates.length > 0 ? pick(candidates) : undefined;
    };

    // The schedule: each fault once (a kill per phase), in a seeded order, a few seconds apart.
    const steps: (() => Promise<void>)[] = [];
    if (options.faults.includes('kill')) {
      for (const phase of options.phases) {
        steps.push(async () => {
          if (!(await waitFor(() => inPhase(phase), phase === 'hand-off' ? options.confirmAfterMs[1] + 30_000 : 15_000))) return note(`no hunt reached ${phase}: kill skipped`);
          const victim = aliveInstance();
          if (!victim) return;
          await victim.kill();
          note(`SIGKILL instance ${victim.index} (a hunt ${phase})`);
          await sleep(between(500, 3_000));
          await victim.start(skew());
          note(`instance ${victim.index} restarted (skew ${victim.skewMs} ms)`);
        });
      }
    }
    if (options.faults.includes('redis-restart'))
      steps.push(async () => {
        await redis.kill();
        note('Redis SIGKILL');
        await sleep(between(1_000, 3_000));
        await redis.start();
        note('Redis restarted from its AOF');
      });
    if (options.faults.includes('sigstop'))
      steps.push(async () => {
        const victim = aliveInstance();
        if (!victim) return;
        victim.signal('SIGSTOP');
        const pausedMs = LOCK_MS + between(2_000, 5_000);
        note(`SIGSTOP instance ${victim.index} for ${pausedMs} ms (lock ${LOCK_MS} ms)`);
        await sleep(pausedMs);
        victim.signal('SIGCONT');
        note(`SIGCONT instance ${victim.index}`);
      });
    if (options.faults.includes('webhooks'))
      steps.push(async () => {
        const settings = { webhookLoss: 0.2, webhookDuplication: 0.2, webhookReorder: 0.2, webhookDelayMs: [0, 1_500] };
        await control(harness.sim, 'POST', '/_sim/faults', settings);
        const forMs = between(5_000, 10_000);
        note(`webhooks: 20% lost, 20% duplicated, 20% reordered, delayed 0–1500 ms, for ${forMs} ms`);
        await sleep(forMs);
        await control(harness.sim, 'POST', '/_sim/faults', { webhookLoss: 0, webhookDuplication: 0, webhookReorder: 0, webhookDelayMs: [0, 0] });
      });
    // An injected 429 carries Retry-After 60 s, which the product honours: the burst goes early so the hunts have
    // waited it out well before the run's time is up.
    const early: (() => Promise<void>)[] = [];
    if (options.faults.includes('api-bursts'))
      early.push(async () => {
        const forMs = between(2_000, 4_000);
        await control(harness.sim, 'POST', '/_sim/faults', { api5xx: 0.3, api429: 0.3 });
        note(`RingCentral burst: 30% 503 and 30% 429 for ${forMs} ms`);
        await sleep(forMs);
        await control(harness.sim, 'POST', '/_sim/faults', { api5xx: 0, api429: 0 });
      });
    // A kill while lines dial comes first (every line dials at the start; later only redials do); the rest are
    // shuffled, kills waiting for their phase.
    // The hand-off kill runs alongside the schedule: it strikes right after the operator's first confirm.
    const first = options.faults.includes('kill') && options.phases[0] === 'dialing' ? steps.splice(0, 1) : [];
    const handOff = options.faults.includes('kill') && options.phases.includes('hand-off') ? steps.splice(options.phases.indexOf('hand-off') - first.length, 1) : [];
    const handOffKill = Promise.all(handOff.map((step) => step()));
    const shuffled = steps.map((step) => ({ step, key: random() })).sort((a, b) => a.key - b.key);
    const ordered = [...[...first, ...early].map((step) => ({ step })), ...shuffled];
    for (const { step } of ordered) {
      if (allEnded()) break;
      await step();
      await sleep(between(500, 2_500));
    }
    await handOffKill;
    note('fault schedule done');

    // Every instance back up (a stopped one continued, a killed one restarted) so reconciliation can finish.
    for (const instance of instances) {
      if (instance.stopped) instance.signal('SIGCONT');
      if (!instance.alive()) await instance.start(skew());
    }
    await control(harness.sim, 'DELETE', '/_sim/faults').catch(() => undefined);
    const until = started + options.timeoutMs;
    while (!allEnded() && Date.now() < until) await sleep(300);
    running = false;
    await operator;
    await refresh();
    note(allEnded() ? 'every hunt ended' : 'gave up waiting for the hunts');

    // Reconciliation: the last lines hang up, are marked cleaned and free their extensions moments after a hunt
    // ends; what is still wrong 40 s later is a violation (a finishing owner waits up to 30 s for dials that were
    // in flight, STRAY_DIAL_WAIT_MS, before it frees the job's extensions).
    const settleUntil = Date.now() + 40_000;
    let report = await measure(harness, jobIds, views);
    while ((report.callsLeftConnected > 0 || report.extensionsLeaked > 0 || report.eventsLost > 0) && Date.now() < settleUntil) {
      await sleep(500);
      await refresh();
      report = await measure(harness, jobIds, views);
    }
    const { progress: _progress, ...shown } = options;
    const violations = [...report.violations];
    const unfinished = jobIds.filter((id) => !TERMINAL_JOB.includes(views.get(id)?.status ?? 'starting'));
    if (unfinished.length > 0) violations.push(`${unfinished.length} hunt(s) never ended: ${unfinished.join(', ')}`);
    const crashed = instances.filter((i) => !i.alive());
    for (const i of crashed) violations.push(`instance ${i.index} died on its own:\n${i.output.slice(-2_000)}`);
    const count = (status: JobView['status']): number => jobIds.filter((id) => views.get(id)?.status === status).length;
    return {
      ...report,
      options: shown,
      durationMs: Date.now() - started,
      jobs: { total: jobIds.length, completed: count('completed'), failed: count('failed'), cancelled: count('cancelled'), unfinished: unfinished.length },
      faults,
      violations,
    };
  } finally {
    await Promise.all(instances.map((i) => (i.stopped ? (i.signal('SIGCONT'), i.kill()) : i.kill())));
    await h?.close().catch(() => undefined);
    await redis.close();
  }
}

type Measured = Pick<ChaosReport, 'jobsPickedUp' | 'transfers' | 'wrongTransfers' | 'callsLeftConnected' | 'extensionsLeaked' | 'eventsLost' | 'strayDialsHungUp' | 'simulatorCalls' | 'violations'>;

/** The invariants, from the simulator's call list and Redis. */
async function measure(h: EngineHarness, jobIds: string[], views: Map<string, JobView>): Promise<Measured> {
  const violations: string[] = [];
  const { records } = await control<{ records: SimCall[] }>(h.sim, 'GET', '/_sim/calls');
  // Standby legs rung to the firm's queue are the firm's, not a hunt's.
  const huntCalls = records.filter((r) => !(typeof r.to === 'string' && /^\d{1,8}$/.test(r.to)));

  // Which job knew which simulator session, and the last state it gave that session.
  const owner = new Map<string, string>();
  const lastStatus = new Map<string, string>();
  for (const id of jobIds) {
    // A line we were hanging up (`cleaning`) moves on only once that call ended: to its next attempt (from
    // `cleaned`, machines/call.machine.ts) or to a late placement it adopts. When the end and the move are applied
    // in one step, history has no entry naming the old session as ended (cleaning → queued, no session). So a
    // session last seen `cleaning` whose line later names another session or a later attempt ended in its job.
    const lastSeen = new Map<string, { line: string; attempt: number; index: number }>();
    const entries = await readHistory(h.redis, id);
    entries.forEach((entry, index) => {
      const session = entry.detail?.telephonySessionId;
      if (typeof session !== 'string') return;
      owner.set(session, id);
      lastStatus.set(session, entry.to);
      lastSeen.set(session, { line: entry.actor, attempt: typeof entry.detail?.attempt === 'number' ? entry.detail.attempt : 0, index });
    });
    for (const [session, seen] of lastSeen) {
      if (lastStatus.get(session) !== 'cleaning') continue;
      const movedOn = entries.slice(seen.index + 1).some((later) => later.actor === seen.line && (later.detail?.telephonySessionId !== session || (typeof later.detail?.attempt === 'number' && later.detail.attempt > seen.attempt)));
      if (movedOn) lastStatus.set(session, 'cleaned');
    }
    for (const call of views.get(id)?.calls ?? []) if (call.telephonySessionId) lastStatus.set(call.telephonySessionId, call.status);
  }

  const transferred = huntCalls.filter((r) => r.milestones.transferReceivedAt !== null);
  const winners = new Map<string, string | undefined>();
  for (const id of jobIds) {
    const view = views.get(id);
    if (view?.status === 'completed' && view.winnerCallId) winners.set(id, view.calls.find((c) => c.callId === view.winnerCallId)?.telephonySessionId);
  }
  let wrongTransfers = 0;
  for (const id of jobIds) {
    const mine = transferred.filter((r) => owner.get(r.telephonySessionId) === id);
    const winner = winners.get(id);
    if (mine.length > 1 || mine.some((r) => r.telephonySessionId !== winner)) {
      wrongTransfers++;
      violations.push(`job ${id}: transfers on ${mine.map((r) => r.telephonySessionId).join(', ') || 'none'}, winner ${winner ?? 'none'}`);
    }
  }
  const untrackedTransfers = transferred.filter((r) => !owner.has(r.telephonySessionId));
  if (untrackedTransfers.length > 0) violations.push(`transfers on calls no hunt knows: ${untrackedTransfers.map((r) => r.telephonySessionId).join(', ')}`);
  if (transferred.length !== winners.size) violations.push(`${transferred.length} transfers for ${winners.size} jobs whose agent picked up`);

  const transferredIds = new Set(transferred.map((r) => r.telephonySessionId));
  const connected = huntCalls.filter((r) => r.endedAt === null && !transferredIds.has(r.telephonySessionId));
  if (connected.length > 0) violations.push(`calls left connected: ${connected.map((r) => `${r.telephonySessionId} (${owner.get(r.telephonySessionId) ?? 'no job'}, ${lastStatus.get(r.telephonySessionId) ?? '?'})`).join(', ')}`);

  const reservations = await h.redis.hgetall(globalKeys.extensionReservations);
  const leaked = Object.entries(reservations).filter(([, value]) => {
    const jobId = value.split(' ')[0]!;
    return TERMINAL_JOB.includes(views.get(jobId)?.status ?? 'starting') || !jobIds.includes(jobId);
  });
  if (leaked.length > 0) violations.push(`extensions still reserved for ended jobs: ${leaked.map(([ext, value]) => `${ext} → ${value}`).join(', ')}`);

  let eventsLost = 0;
  let strayDialsHungUp = 0;
  for (const r of huntCalls) {
    const status = lastStatus.get(r.telephonySessionId);
    const stray = !owner.has(r.telephonySessionId) && r.endedAt !== null && r.milestones.hangupBy === 'caller' && r.milestones.transferReceivedAt === null;
    if (stray) {
      strayDialsHungUp++;
      continue;
    }
    const why = !owner.has(r.telephonySessionId)
      ? `no hunt history names it (${r.endedAt === null ? 'still up' : `ended by ${r.milestones.hangupBy ?? '?'}`})`
      : r.endedAt !== null && !ENDED_CALL.includes(status as CallStatus)
        ? `ended in the simulator, ${status} in its job`
        : (r.milestones.transferReceivedAt !== null) !== (status === 'transferred')
          ? `transfer ${r.milestones.transferReceivedAt ? 'received' : 'not received'} but ${status} in its job`
          : undefined;
    if (why) {
      eventsLost++;
      violations.push(`event lost: call ${r.telephonySessionId}: ${why}`);
    }
  }

  return {
    jobsPickedUp: winners.size,
    transfers: transferred.length,
    wrongTransfers,
    callsLeftConnected: connected.length,
    extensionsLeaked: leaked.length,
    eventsLost,
    strayDialsHungUp,
    simulatorCalls: huntCalls.length,
    violations,
  };
}

/** The report as a Markdown table and fault log. */
export function formatReport(report: ChaosReport): string {
  const o = report.options;
  const rows: [string, string, string][] = [
    ['jobs completed', `${report.jobs.completed} / ${report.jobs.total}`, `failed ${report.jobs.failed}, cancelled ${report.jobs.cancelled}, unfinished ${report.jobs.unfinished}`],
    ['transfers', String(report.transfers), `must equal jobs whose agent picked up: ${report.jobsPickedUp}; wrong ${report.wrongTransfers}`],
    ['calls left connected', String(report.callsLeftConnected), 'must be 0'],
    ['extensions leaked', String(report.extensionsLeaked), 'must be 0'],
    ['events lost', String(report.eventsLost), `must be 0 (of ${report.simulatorCalls} simulator calls)`],
    ['stray dials hung up', String(report.strayDialsHungUp), 'calls no history names, hung up by the product itself (reported only)'],
  ];
  return [
    `Seed ${o.seed}: ${o.jobs} hunts × ${o.lines} lines, ${o.instances} instances, time scale ${o.timeScale}, faults ${o.faults.join(', ')}, kills in ${o.phases.join(', ')}; ${(report.durationMs / 1000).toFixed(0)} s.`,
    '',
    '| measure | value | invariant |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    'Faults injected:',
    '',
    ...report.faults.map((f) => `- +${(f.atMs / 1000).toFixed(1)} s ${f.what}`),
    '',
    report.violations.length === 0 ? 'No violations.' : `Violations (${report.violations.length}):\n\n${report.violations.map((v) => `- ${v}`).join('\n')}`,
  ].join('\n');
}
