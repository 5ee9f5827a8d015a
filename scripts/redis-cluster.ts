/**
 * A local Redis Cluster of `redis-server` instances (3 masters, no replicas) on free ports in a temp dir, for the
 * cluster test suite and for trying the product on a cluster by hand.
 *
 *   tsx scripts/redis-cluster.ts start            prints REDIS_URL=redis+cluster://… and DIR=… (servers keep running)
 *   tsx scripts/redis-cluster.ts stop <dir>       stops the servers started into <dir> and removes it
 *   tsx scripts/redis-cluster.ts run -- <cmd…>    starts a cluster, runs <cmd> with REDIS_URL set to it, stops it
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LocalRedisCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`: what REDIS_URL takes to use this cluster. */
  url: string;
  ports: number[];
  dir: string;
  /** Stops every server and removes the dir. */
  stop(): Promise<void>;
}

/** A port that is free, and whose cluster bus port (+10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) {
      taken.add(port).add(port + 10_000);
      return port;
    }
  }
  throw new Error('no free port pair for a cluster node');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const cli = (port: number, ...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis cluster: ${what} within ${timeoutMs} ms`);
}

/**
 * Starts the cluster. The servers are daemons (so `start` can return); unless `outliveProcess`, they are killed
 * when this process exits without calling `stop` (a crashed test run leaves none behind).
 */
export async function startRedisCluster(options: { masters?: number; outliveProcess?: boolean } = {}): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hh-redis-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < (options.masters ?? 3); i++) ports.push(await freeClusterPort(taken));
  const killOnExit = (): void => {
    for (const pid of pidsIn(dir)) signal(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  if (!options.outliveProcess) process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await stopRedisCluster(dir);
  };
  try {
    for (const port of ports) {
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      // Daemonized with a pid file, so `start` can return and `stop <dir>` finds the servers again.
      await run('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--daemonize', 'yes',
        '--pidfile', join(dir, `${port}.pid`), '--logfile', join(nodeDir, 'redis.log'),
        '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000',
        '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
      ]);
    }
    for (const port of ports) await waitFor(`node ${port} answers`, async () => (await cli(port, 'PING')).stdout.trim() === 'PONG');
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await waitFor(`node ${port} reports cluster_state:ok`, async () => (await cli(port, 'CLUSTER', 'INFO')).stdout.includes('cluster_state:ok'));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, dir, stop };
}

/** Stops the servers whose pid files are in `dir` (SIGTERM, then SIGKILL after 5 s) and removes the dir. */
export async function stopRedisCluster(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const pids = pidsIn(dir);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const until = Date.now() + 5_000;
  while (pids.some(alive) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

function pidsIn(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(readFileSync(join(dir, f), 'utf8').trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'start') {
    const cluster = await startRedisCluster({ outliveProcess: true });
    console.log(`REDIS_URL=${cluster.url}\nDIR=${cluster.dir}`);
    return 0;
  }
  if (command === 'stop' && rest[0]) {
    await stopRedisCluster(rest[0]);
    return 0;
  }
  if (command === 'run' && rest.length > 0) {
    const args = rest[0] === '--' ? rest.slice(1) : rest;
    const cluster = await startRedisCluster();
    console.log(`redis cluster up: ${cluster.url}`);
    try {
      const child = spawn(args[0]!, args.slice(1), { stdio: 'inherit', env: { ...process.env, REDIS_URL: cluster.url } });
      const stopChild = () => child.kill('SIGTERM');
      process.once('SIGINT', stopChild).once('SIGTERM', stopChild);
      return await new Promise<number>((resolve) => child.once('exit', (code, sig) => resolve(code ?? (sig ? 1 : 0))));
    } finally {
      await cluster.stop();
    }
  }
  console.error('usage: redis-cluster.ts start | stop <dir> | run -- <command…>');
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
