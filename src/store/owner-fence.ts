/**
 * Fences a hunt's former owner. An owner paused past its BullMQ lock (SIGSTOP, a long GC) is replaced, and on
 * resuming it runs on for a moment from its stale state before it notices (chaos run, docs/resilience.md). Each
 * owner claims the job's next owner epoch when it takes the hunt (INCR), and commits the job's state only while that
 * epoch is still the job's: one Lua script checks it and makes the writes, so a superseded owner's commit is refused
 * whole and it learns it lost the hunt (`OwnershipLost`) before it runs anything from that step.
 *
 * The epoch key shares the job's hash tag, and so must every key a fenced batch writes: on a cluster the batch runs
 * in the job's slot, atomically, as on one Redis.
 */
import type { Redis } from 'ioredis';
import { luaScript } from './lua-script.ts';

/** Another owner has claimed the job since this one did: it must stop at once, with nothing more written or run. */
export class OwnershipLost extends Error {
  constructor(key: string) {
    super(`${key}: another owner has claimed the job`);
    this.name = 'OwnershipLost';
  }
}

/** The writes a step adds to its commit (a MULTI, or a fenced batch: the job's helpers take either). */
export interface WriteBatch {
  set(key: string, value: string): unknown;
  hset(key: string, fields: Record<string, string>): unknown;
  hset(key: string, ...fieldsAndValues: string[]): unknown;
  xadd(key: string, ...args: string[]): unknown;
  publish(channel: string, message: string): unknown;
}

/** Records writes as the fenced script's arguments: each as its argument count, then the command. */
class RecordedWrites implements WriteBatch {
  readonly keys = new Set<string>();
  readonly args: string[] = [];

  constructor(private readonly tag: string) {}

  set(key: string, value: string): void {
    this.write(key, ['SET', key, value]);
  }

  hset(key: string, fields: Record<string, string>): void;
  hset(key: string, ...fieldsAndValues: string[]): void;
  hset(key: string, ...rest: [Record<string, string>] | string[]): void {
    const first = rest[0];
    const pairs = typeof first === 'object' ? Object.entries(first).flat() : (rest as string[]);
    this.write(key, ['HSET', key, ...pairs]);
  }

  xadd(key: string, ...args: string[]): void {
    this.write(key, ['XADD', key, ...args]);
  }

  publish(channel: string, message: string): void {
    // A channel is no key: a cluster forwards a PUBLISH to every node.
    this.args.push('3', 'PUBLISH', channel, message);
  }

  private write(key: string, command: string[]): void {
    if (!key.includes(this.tag)) throw new Error(`fenced write of ${key} outside the job's hash tag ${this.tag}`);
    this.keys.add(key);
    this.args.push(String(command.length), ...command);
  }
}

/** One owner's hold on one job: claim it, then commit under it. */
export class OwnerFence {
  private epoch?: number;
  private readonly tag: string;

  constructor(
    private readonly redis: Redis,
    /** The job's owner epoch key (`jobKeys(id).owner`). */
    private readonly key: string,
  ) {
    const tag = /\{[^}]+\}/.exec(key)?.[0];
    if (!tag) throw new Error(`owner key ${key} has no hash tag`);
    this.tag = tag;
  }

  /** Takes the job: from now on every earlier owner's commit is refused. Claim before reading the job's state. */
  async claim(): Promise<number> {
    this.epoch = await this.redis.incr(this.key);
    return this.epoch;
  }

  /** Makes the writes `build` adds in one atomic script, only while this owner's epoch holds; else throws OwnershipLost. */
  async commit(build: (batch: WriteBatch) => void): Promise<void> {
    const batch = new RecordedWrites(this.tag);
    build(batch);
    const written = await luaScript('fenced-writes-n.lua').run(this.redis, [this.key, ...batch.keys], [this.claimed(), ...batch.args]);
    if (written !== 1) throw new OwnershipLost(this.key);
  }

  /** Throws OwnershipLost unless this owner's epoch still holds (before an action no commit precedes). */
  async check(): Promise<void> {
    if ((await this.redis.get(this.key)) !== String(this.claimed())) throw new OwnershipLost(this.key);
  }

  private claimed(): number {
    if (this.epoch === undefined) throw new Error(`${this.key}: commit before claim`);
    return this.epoch;
  }
}
