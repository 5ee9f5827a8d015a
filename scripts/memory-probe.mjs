/**
 * A memory probe for a `serve` instance under bench:load (docs/benchmarks.md, "actors memory"):
 *
 *   BENCH_INSTANCE_NODE_ARGS="--import ./scripts/memory-probe.mjs" npm run bench:load -- --mode=actors --jobs=5 --lines=60
 *
 * Every 5 s each thread (the web thread and the engine threads, which it also loads itself into) appends
 * process.memoryUsage(), V8's heap spaces and, on the web thread, RSS by kind of mapping from /proc/self/smaps
 * (V8 pages, malloc arenas, [heap], files) to $MEMORY_PROBE_DIR/mem-<pid>-<thread>.jsonl (default /tmp). Creating
 * the file snap-<pid>-<thread> there makes that thread write a heap snapshot next to it. Linux only; plain
 * JavaScript so it loads before tsx. Not for production.
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import v8 from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

const dir = process.env.MEMORY_PROBE_DIR ?? '/tmp';

if (isMainThread) {
  // Engine threads start from an eval'd bootstrap that --import does not reach: load the probe there first.
  const workerThreads = createRequire(import.meta.url)('node:worker_threads');
  const Worker = workerThreads.Worker;
  workerThreads.Worker = class extends Worker {
    constructor(code, options) {
      super(options?.eval ? `import(${JSON.stringify(import.meta.url)});${code}` : code, options);
    }
  };
  syncBuiltinESMExports();
}

/** RSS (MiB) by kind of mapping: V8 allocates its heap in 256 KiB pages; malloc arenas are ~64 MiB mappings. */
function rssByMapping() {
  const out = { heap: 0, v8pages: 0, anonSmall: 0, anonMid: 0, anonBig: 0, file: 0 };
  let kind;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const kib = (parseInt(mapping[2], 16) - parseInt(mapping[1], 16)) / 1024;
      const name = mapping[3].trim();
      kind = name === '[heap]' ? 'heap' : name ? 'file' : kib === 256 ? 'v8pages' : kib < 1024 ? 'anonSmall' : kib < 60_000 ? 'anonMid' : 'anonBig';
    } else if (line.startsWith('Rss:') && kind) out[kind] += Number(line.split(/\s+/)[1]);
  }
  for (const key of Object.keys(out)) out[key] = Math.round(out[key] / 1024);
  return out;
}

const file = join(dir, `mem-${process.pid}-${threadId}.jsonl`);
const timer = setInterval(() => {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / 2 ** 20)]));
  const sample = { t: Date.now(), threadId, ...process.memoryUsage(), spaces, ...(isMainThread ? { mappings: rssByMapping() } : {}) };
  writeFileSync(file, `${JSON.stringify(sample)}\n`, { flag: 'a' });
  const trigger = join(dir, `snap-${process.pid}-${threadId}`);
  if (existsSync(trigger)) {
    unlinkSync(trigger);
    v8.writeHeapSnapshot(join(dir, `heap-${process.pid}-${threadId}-${Date.now()}.heapsnapshot`));
  }
}, 5_000);
timer.unref();
