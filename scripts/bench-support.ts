/** Helpers shared by the benchmark scripts: options, percentiles, the simulator in its own process, CPU time. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { globalKeys } from '../src/store/redis-keys.ts';
import type { HuntExtension } from '../src/engine/extension-directory.ts';

/** `--help` / `-h`: print the usage and exit. */
export function exitWithUsageIfAsked(args: string[], usage: string): void {
  if (!args.includes('--help') && !args.includes('-h')) return;
  console.log(usage);
  process.exit(0);
}

export function option(args: string[], flag: string, env: string | undefined): string | undefined {
  const arg = args.find((a) => a.startsWith(`--${flag}=`));
  const raw = arg ? arg.slice(flag.length + 3) : env;
  return raw === '' ? undefined : raw;
}

export function numberOption(args: string[], flag: string, env: string | undefined, fallback: number, min: number, integer = true): number {
  const raw = option(args, flag, env);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) throw new Error(`--${flag} must be ${integer ? 'a whole number' : 'a number'} >= ${min}, got ${raw}`);
  return value;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function stats(values: number[]): { n: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN,
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** utime + stime of a process from /proc (Linux); undefined elsewhere. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5), counted from the state field (3rd): indexes 11 and 12. Ticks are 100 Hz on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The machine's CPU time so far from /proc/stat (Linux; 100 Hz ticks), summed over its CPUs. */
export interface MachineCpuTicks {
  total: number;
  /** Time the hypervisor ran something else while a virtual CPU wanted to run ("steal"). */
  steal: number;
}

export function machineCpuTicks(): MachineCpuTicks | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already counted in user.
    return { total: fields.slice(0, 8).reduce((sum, ticks) => sum + ticks, 0), steal: fields[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** Steal as % of all CPU time between two readings: a VM's stalls that no process on it caused. */
export function stealPercent(before: MachineCpuTicks | undefined, after: MachineCpuTicks | undefined): number {
  if (!before || !after || after.total === before.total) return Number.NaN;
  return ((after.steal - before.steal) / (after.total - before.total)) * 100;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const BIN = fileURLToPath(new URL('../bin/hold-hunter.js', import.meta.url));
/** The tests' seed: 84 users with an online device (83 with an online Existing Phone), queue 801 answered by six members. */
export const SIM_SEED = 42;

export interface SpawnedSimulator {
  url: string;
  child: ChildProcess;
  cpuSeconds(): number | undefined;
  close(): Promise<void>;
}

/**
 * `hold-hunter simulator` in a process of its own (RingCentral is not on our CPU in production), on a free port,
 * scenario fast-agent and SIM_SEED; `env` adds or overrides variables. Resolves once `/_sim` answers.
 */
export async function spawnSimulator(options: { env?: Record<string, string>; nodeArgs?: string[]; ipc?: boolean } = {}): Promise<SpawnedSimulator> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, 'simulator'], {
    env: { ...process.env, SIM_PORT: String(port), SIM_SIP_PORT: '0', SIM_HOST: '127.0.0.1', SIM_SCENARIO: 'fast-agent', SIM_TIME_SCALE: '1', SIM_SEED: String(SIM_SEED), LOG_LEVEL: 'warn', ...options.env },
    stdio: options.ipc ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'inherit', 'inherit'],
  });
  child.channel?.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the simulator exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/_sim`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGTERM');
      throw new Error('the simulator did not start within 30 s');
    }
    await sleep(100);
  }
  return {
    url,
    child,
    cpuSeconds: () => processCpuSeconds(child.pid),
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** JSON call to the simulator's control API (the product itself never calls /_sim). */
export async function simControl<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Extra directory rows naming real extensions' devices, so that `lines` lines can run at once. */
export async function addAliasExtensions(redis: Redis, real: HuntExtension[], lines: number): Promise<{ rows: number; perDevice: number }> {
  // 15 % headroom for lines being redialled while their previous extension is still being released.
  const perDevice = Math.ceil((lines * 1.15) / real.length);
  const rows: Record<string, string> = {};
  for (const extension of real) {
    for (let k = 1; k < perDevice; k++) {
      const id = `${extension.id}${String(k).padStart(3, '0')}`;
      rows[id] = JSON.stringify({ ...extension, id, extensionNumber: `${extension.extensionNumber}.${k}`, name: `${extension.name} (bench alias ${k})` } satisfies HuntExtension);
    }
  }
  if (Object.keys(rows).length > 0) await redis.hset(globalKeys.extensions, rows);
  return { rows: Object.keys(rows).length, perDevice };
}
