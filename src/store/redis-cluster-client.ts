/**
 * Redis Cluster connections (REDIS_URL=redis+cluster://host:port,host:port or rediss+cluster:// for TLS).
 *
 * The product's keys are designed for a cluster: a job's keys share the hash tag `{job:<id>}`, a credential's
 * rate budget `{budget:<credential>}`, each BullMQ queue its prefix `hh:{<queue>}`; every Lua script touches keys
 * of one tag only. Global keys (pools, auth, settings) keep their names from before clusters were supported, so a
 * few transactions and multi-key commands on them span slots. A cluster refuses those (CROSSSLOT); this client
 * splits them by slot instead, in order:
 * - `multi()`: one MULTI/EXEC per slot, run one after another in the order the commands were queued. Commands of
 *   one slot stay atomic; a transaction spanning slots is no longer atomic as a whole (a crash between two slots
 *   commits the first part only). A single-slot transaction (every job step, winner claim) is one MULTI as before.
 * - `pipeline()`: one pipeline per slot, concurrently (a pipeline was never atomic).
 * - `del`, `unlink`, `exists`, `mget` (and DEL/UNLINK/EXISTS/TOUCH inside a transaction or pipeline) with keys in
 *   several slots: one command per slot, replies combined.
 * Replies come back in the shape and order of the single-instance commands.
 */
import { getKeyIndexes } from '@ioredis/commands';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import type { ChainableCommander, ClusterOptions, RedisOptions } from 'ioredis';

export const CLUSTER_URL = /^(rediss?)\+cluster:\/\//;

export interface ClusterSeed {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

/** `redis+cluster://[user:password@]host:port,host:port` → its seed nodes, credentials and TLS flag. */
export function parseClusterUrl(url: string): ClusterSeed {
  const scheme = CLUSTER_URL.exec(url);
  if (!scheme) throw new Error('a cluster URL starts with redis+cluster:// or rediss+cluster://');
  let rest = url.slice(scheme[0].length).replace(/\/.*$/, '');
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const auth = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = auth.indexOf(':');
    if (colon >= 0) {
      username = decodeURIComponent(auth.slice(0, colon)) || undefined;
      password = decodeURIComponent(auth.slice(colon + 1));
    } else password = decodeURIComponent(auth);
  }
  const nodes = rest.split(',').filter(Boolean).map((hostPort) => {
    const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(hostPort);
    if (!match) throw new Error(`not a host:port in the cluster URL: ${hostPort}`);
    return { host: match[1]!, port: match[2] ? Number(match[2]) : 6379 };
  });
  if (nodes.length === 0) throw new Error('a cluster URL names at least one host:port');
  return { nodes, ...(username ? { username } : {}), ...(password === undefined ? {} : { password }), tls: scheme[1] === 'rediss' };
}

export function createCluster(url: string, redisOptions: RedisOptions): Cluster {
  const seed = parseClusterUrl(url);
  const options: ClusterOptions = {
    redisOptions: {
      ...redisOptions,
      ...(seed.username ? { username: seed.username } : {}),
      ...(seed.password === undefined ? {} : { password: seed.password }),
      ...(seed.tls ? { tls: {} } : {}),
    },
    enableOfflineQueue: redisOptions.enableOfflineQueue ?? true,
    // Managed clusters behind TLS (ElastiCache) announce hostnames their certificates are for: skip the DNS step
    // so ioredis connects by name and TLS verification sees the name.
    ...(seed.tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
    slotsRefreshTimeout: 2_000,
  };
  const cluster = new Cluster(seed.nodes, options);
  splitAcrossSlots(cluster);
  return cluster;
}

interface Queued {
  name: string;
  args: unknown[];
}

type Reply = [Error | null, unknown];

function splitAcrossSlots(cluster: Cluster): void {
  const ownMulti = cluster.multi.bind(cluster) as (...args: unknown[]) => ChainableCommander;
  const ownPipeline = cluster.pipeline.bind(cluster) as (...args: unknown[]) => ChainableCommander;
  const target = cluster as unknown as Record<string, unknown>;
  const ownDuplicate = cluster.duplicate.bind(cluster);
  target.duplicate = (...args: Parameters<Cluster['duplicate']>) => {
    const copy = ownDuplicate(...args);
    splitAcrossSlots(copy);
    return copy;
  };
  target.multi = (...args: unknown[]) => (args.length > 0 ? ownMulti(...args) : recorder((queued) => runTransactions(ownMulti, queued)));
  target.pipeline = (...args: unknown[]) => (args.length > 0 ? ownPipeline(...args) : recorder((queued) => runPipelines(ownPipeline, queued)));
  for (const name of ['del', 'unlink', 'exists'] as const) {
    const own = (cluster[name] as (...keys: unknown[]) => Promise<number>).bind(cluster);
    target[name] = async (...keys: unknown[]) => {
      const groups = bySlot(keys.flat().map((key) => ({ key, slot: slotOf(key) })));
      if (groups.length <= 1) return own(...keys);
      const counts = await Promise.all(groups.map((group) => own(...group.map((g) => g.key))));
      return counts.reduce((sum, n) => sum + n, 0);
    };
  }
  const ownMget = (cluster.mget as (...keys: unknown[]) => Promise<(string | null)[]>).bind(cluster);
  target.mget = async (...keys: unknown[]) => {
    const flat = keys.flat();
    const groups = bySlot(flat.map((key, index) => ({ key, slot: slotOf(key), index })));
    if (groups.length <= 1) return ownMget(...keys);
    const out: (string | null)[] = new Array<string | null>(flat.length).fill(null);
    await Promise.all(groups.map(async (group) => (await ownMget(...group.map((g) => g.key))).forEach((v, i) => (out[group[i]!.index] = v))));
    return out;
  };
}

/** A stand-in for ChainableCommander that records the commands and hands them to `exec` at the end. */
function recorder(exec: (queued: Queued[]) => Promise<Reply[] | null>): ChainableCommander {
  const queued: Queued[] = [];
  const chain: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_target, prop) {
      if (prop === 'exec') return () => exec(queued);
      if (prop === 'length') return queued.length;
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return (...args: unknown[]) => {
        queued.push({ name: prop, args });
        return chain;
      };
    },
  });
  return chain;
}

/** One command of a recorded chain, or the part of a DEL/UNLINK/EXISTS/TOUCH that falls into one slot. */
interface Part {
  index: number;
  command: Queued;
  slot: number;
}

async function runTransactions(ownMulti: () => ChainableCommander, queued: Queued[]): Promise<Reply[] | null> {
  const parts = splitCommands(queued);
  const replies: Reply[][] = queued.map(() => []);
  for (const group of bySlot(parts)) {
    const tx = ownMulti();
    for (const { command } of group) replay(tx, command);
    const results = (await tx.exec());
    if (!results) return null;
    results.forEach((reply, i) => replies[group[i]!.index]!.push(reply));
  }
  return replies.map(combine);
}

async function runPipelines(ownPipeline: () => ChainableCommander, queued: Queued[]): Promise<Reply[] | null> {
  const parts = splitCommands(queued);
  const replies: Reply[][] = queued.map(() => []);
  await Promise.all(
    bySlot(parts).map(async (group) => {
      const pipeline = ownPipeline();
      for (const { command } of group) replay(pipeline, command);
      const results = ((await pipeline.exec()) ?? []) as Reply[];
      results.forEach((reply, i) => replies[group[i]!.index]!.push(reply));
    }),
  );
  return replies.map(combine);
}

/** A command split into slots answers with the sum of its parts' counts (or the first error). */
function combine(parts: Reply[]): Reply {
  if (parts.length === 1) return parts[0]!;
  const failed = parts.find(([error]) => error);
  return failed ?? [null, parts.reduce((sum, [, n]) => sum + Number(n), 0)];
}

function replay(chain: ChainableCommander, command: Queued): void {
  (chain as unknown as Record<string, (...args: unknown[]) => unknown>)[command.name]!(...command.args);
}

const COUNTING_MULTI_KEY = new Set(['del', 'unlink', 'exists', 'touch']);

/** Each command with the slot of its keys; keyless ones take the slot of the command before. */
function splitCommands(queued: Queued[]): Part[] {
  let previous = -1;
  return queued.flatMap((command, index) => {
    const name = redisName(command.name);
    if (COUNTING_MULTI_KEY.has(name)) {
      const keys = flatten(command.args);
      const groups = bySlot(keys.map((key) => ({ key, slot: slotOf(key) })));
      if (groups.length > 1) return groups.map((group) => ({ index, command: { name: command.name, args: group.map((g) => g.key) }, slot: group[0]!.slot }));
    }
    const slot = commandSlot(name, command.args) ?? previous;
    previous = slot;
    return [{ index, command, slot }];
  });
}

function bySlot<T extends { slot: number }>(entries: T[]): T[][] {
  const groups = new Map<number, T[]>();
  for (const entry of entries) groups.set(entry.slot, [...(groups.get(entry.slot) ?? []), entry]);
  return [...groups.values()];
}

/** `hgetallBuffer` → `hgetall`: ioredis' Buffer variants send the same command. */
const redisName = (method: string): string => method.replace(/Buffer$/, '').toLowerCase();

/** The slot of a command's first key; other commands whose keys span slots are left for Redis to refuse (CROSSSLOT). */
function commandSlot(name: string, rawArgs: unknown[]): number | undefined {
  const args = flatten(rawArgs);
  let indexes: number[];
  try {
    indexes = getKeyIndexes(name, args);
  } catch {
    return undefined;
  }
  const first = indexes[0];
  return first === undefined ? undefined : slotOf(args[first]);
}

function slotOf(key: unknown): number {
  return calculateSlot(Buffer.isBuffer(key) ? key : String(key));
}

function flatten(args: unknown[]): (string | Buffer | number)[] {
  const out: (string | Buffer | number)[] = [];
  for (const arg of args) {
    if (Array.isArray(arg)) out.push(...flatten(arg));
    else if (arg instanceof Map) for (const [k, v] of arg) out.push(k as string, v as string);
    else if (arg !== null && typeof arg === 'object' && !Buffer.isBuffer(arg)) for (const [k, v] of Object.entries(arg)) out.push(k, v as string);
    else out.push(arg as string | Buffer | number);
  }
  return out;
}
