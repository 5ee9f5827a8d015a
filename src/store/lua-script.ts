/**
 * Loads a Lua script that lives next to this file (`<name>-<nkeys>.lua`, BullMQ's convention: the suffix is the
 * number of KEYS; `<name>-n.lua` takes any number, at least one) and runs it with EVALSHA, falling back to EVAL when the server does not know the script yet
 * (restart, failover, SCRIPT FLUSH). EVALSHA keeps the wire small; the fallback also caches it server-side.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export type LuaArg = string | number;

export class LuaScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly source: string,
    /** 'any': a variadic script (`-n.lua`), which still needs one key to be routed by. */
    readonly numberOfKeys: number | 'any',
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly LuaArg[] = []): Promise<unknown> {
    // A wrong key count would silently turn keys into ARGV (or the reverse): refuse it loudly.
    if (this.numberOfKeys === 'any' ? keys.length === 0 : keys.length !== this.numberOfKeys) {
      throw new Error(`${this.name}: expects ${this.numberOfKeys} keys, got ${keys.length}`);
    }
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const loaded = new Map<string, LuaScript>();

/** `file` is e.g. `reserve-extension-1.lua`; read from disk once per process. */
export function luaScript(file: string): LuaScript {
  const cached = loaded.get(file);
  if (cached) return cached;
  const match = /^[a-z0-9-]+-(\d+|n)\.lua$/.exec(file);
  if (!match?.[1]) throw new Error(`Lua script name must be <name>-<nkeys>.lua or <name>-n.lua: ${file}`);
  const source = readFileSync(new URL(file, import.meta.url), 'utf8');
  const script = new LuaScript(file, source, match[1] === 'n' ? 'any' : Number(match[1]));
  loaded.set(file, script);
  return script;
}
