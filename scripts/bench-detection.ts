/**
 * bench:detection — can one core listen to 1,000 held calls at once? Runs N production line detectors
 * (`createLineDetector()`, as `hold-hunter detect` and the engine use them) in this one thread, feeding them
 * interleaved 20 ms frames as fast as they take them: tick k hands frame k of every stream to its detector,
 * as 1,000 live lines would every 20 ms. It prints numbers; it asserts nothing.
 *
 *   npm run bench:detection                          # 1000 streams, 60 s of audio each
 *   npm run bench:detection -- --streams=2000 --seconds=30
 *
 * Audio (the simulator's line model, src/simulator/line): every stream holds on the same destination's hold
 * loop (synthesized music, English and Spanish announcements, silence gaps, ringback bursts; default scenario,
 * seed 42), each from its own point in the loop, arriving as mu-law and decoded per frame as a softphone line is.
 * On six lines per loop library an agent picks up at a random moment in the second half of the run: the music
 * stops, 0.4 s of pickup silence, one of the six agents' recorded greetings (a different one on each line: the
 * same recording heard on two lines is, rightly, recorded audio to the detector), then dead air. The other
 * lines hold to the end, as most lines do at any moment. Lines share one loop library per destination, as in production
 * (--lines-per-library to split them), already learned from an earlier call that heard the loop come round
 * (production keeps it in Redis), so the run measures the steady state, not a destination's first minutes.
 *
 * Reported: frames/s; real-time factor (processing time / audio time: below 1 keeps up); CPU µs per frame and the
 * share of one core per stream; the streams one core carries in real time; tick times (all N frames of one
 * 20 ms step) against the 20 ms budget; heap per stream; and the decisions, as a check that the detectors work.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import os from 'node:os';
import { createLineDetector, LoopLibrary } from '../src/detection/index.ts';
import type { LineDetector } from '../src/detection/index.ts';
import { decodeMuLaw, encodeMuLaw } from '../src/media/mu-law.ts';
import { Random } from '../src/simulator/random.ts';
import { agents } from '../src/simulator/line/agents.ts';
import { loadFixtures } from '../src/simulator/line/audio/fixture-library.ts';
import { buildHoldLoop } from '../src/simulator/line/hold-loop.ts';
import { getScenario } from '../src/simulator/line/scenarios.ts';
import { numberOption, stats } from './bench-support.ts';

const FRAME_SAMPLES = 160;
const FRAME_MS = 20;
const PICKUP_GAP_FRAMES = 20; // 0.4 s of silence between the music stopping and the greeting

const args = process.argv.slice(2);
const streams = numberOption(args, 'streams', process.env.BENCH_STREAMS, 1000, 1);
const seconds = numberOption(args, 'seconds', process.env.BENCH_SECONDS, 60, 5);
const seed = numberOption(args, 'seed', process.env.BENCH_SEED, 42, 0);
const linesPerLibrary = numberOption(args, 'lines-per-library', process.env.BENCH_LINES_PER_LIBRARY, streams, 1);
const frames = Math.round((seconds * 1000) / FRAME_MS);

/** What one stream hears: the shared loop from its own offset, then (on agent lines) its agent from `agentFrame`. */
interface Stream {
  detector: LineDetector;
  loopOffset: number;
  /** Infinity on lines no agent picks up during the run. */
  agentFrame: number;
  greeting: Uint8Array;
  confirmedAt?: number;
}

const fixtures = loadFixtures();
const loop = buildHoldLoop({ seed, toNumber: '+18008291040', params: getScenario('default').hold.loop, fixtures });
const loopFrames = Math.floor(loop.audio.length / FRAME_SAMPLES);
const greetings = agents.map((a) => fixtures.get(a.greetingFixture).audio);
const silence = encodeMuLaw(new Int16Array(FRAME_SAMPLES));

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** Typed-array memory (outside the JS heap): detectors keep their buffers there. */
function arrayBuffers(): number {
  return process.memoryUsage().arrayBuffers;
}

/** Frame `k` of a stream as mu-law bytes (views into shared buffers: no copy). */
function ulawFrame(s: Stream, k: number): Uint8Array {
  if (k < s.agentFrame) {
    const at = ((s.loopOffset + k) % loopFrames) * FRAME_SAMPLES;
    return loop.audio.subarray(at, at + FRAME_SAMPLES);
  }
  const g = k - s.agentFrame - PICKUP_GAP_FRAMES;
  if (g < 0 || (g + 1) * FRAME_SAMPLES > s.greeting.length) return silence;
  return s.greeting.subarray(g * FRAME_SAMPLES, (g + 1) * FRAME_SAMPLES);
}

/**
 * A destination's library as production holds it after earlier calls (RedisLoopLibraryStore keeps it): one line
 * has heard the whole loop come round. Not measured.
 */
function warmLibrary(): LoopLibrary {
  const library = new LoopLibrary();
  const listener = createLineDetector({ loopLibrary: library });
  // Until the loop's recorded speech has come round (the library calls itself mature), at most twice round.
  for (let k = 0; k < 2 * loopFrames && !(library.mature && k > loopFrames); k++) {
    const at = (k % loopFrames) * FRAME_SAMPLES;
    listener.pushFrame(decodeMuLaw(loop.audio.subarray(at, at + FRAME_SAMPLES)), k * FRAME_MS);
  }
  return library;
}

const rng = Random.derive(seed, 'bench-detection');
const warmStart = performance.now();
const libraries = Array.from({ length: Math.ceil(streams / linesPerLibrary) }, warmLibrary);
const warmSeconds = (performance.now() - warmStart) / 1000;
const heapBefore = heapUsed();
const buffersBefore = arrayBuffers();
const lines: Stream[] = [];
for (let i = 0; i < streams; i++) {
  const library = libraries[Math.floor(i / linesPerLibrary)] as LoopLibrary;
  lines.push({ detector: createLineDetector({ loopLibrary: library }), loopOffset: rng.int(0, loopFrames - 1), agentFrame: Infinity, greeting: silence });
}
// Six agent lines per library, each agent once, spread over the library's lines.
for (let first = 0; first < streams; first += linesPerLibrary) {
  const group = lines.slice(first, Math.min(streams, first + linesPerLibrary));
  const chosen = new Set<Stream>();
  while (chosen.size < Math.min(greetings.length, group.length)) chosen.add(rng.pick(group));
  [...chosen].forEach((line, a) => {
    line.agentFrame = Math.round(frames * rng.uniform(0.5, 0.8));
    line.greeting = greetings[a] as Uint8Array;
  });
}
const agentLines = lines.filter((s) => s.agentFrame !== Infinity);
const heapAfterCreate = heapUsed();
const buffersAfterCreate = arrayBuffers();

console.log(
  `bench:detection — ${streams} streams × ${seconds} s of audio (${frames} frames each), hold loop ${(loop.durationMs / 1000).toFixed(0)} s, ` +
    `${libraries.length} loop librar${libraries.length === 1 ? 'y' : 'ies'} (learned from one earlier call in ${warmSeconds.toFixed(1)} s, mature: ${libraries.every((l) => l.mature)}, ${libraries[0]?.size ?? 0} hashes); ` +
    `Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}`,
);

const events: Record<string, number> = { suspected: 0, confirmed: 0, cleared: 0, escalated: 0 };
const confirmDelays: number[] = [];
let earlyConfirms = 0;
const tickMs: number[] = [];
const pcm = new Int16Array(FRAME_SAMPLES);
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
for (let k = 0; k < frames; k++) {
  const tickStart = performance.now();
  for (const s of lines) {
    // A softphone line delivers mu-law; the product decodes each frame before the detector sees it.
    const decisions = s.detector.pushFrame(decodeMuLaw(ulawFrame(s, k), pcm), k * FRAME_MS);
    for (const d of decisions) {
      events[d.event] = (events[d.event] ?? 0) + 1;
      if (d.event === 'confirmed' && s.confirmedAt === undefined) {
        s.confirmedAt = k;
        if (k < s.agentFrame + PICKUP_GAP_FRAMES) {
          if (s.agentFrame !== Infinity) earlyConfirms++;
        }
        else confirmDelays.push((k - s.agentFrame - PICKUP_GAP_FRAMES) * FRAME_MS);
      }
    }
  }
  tickMs.push(performance.now() - tickStart);
  if (k > 0 && k % 500 === 0) process.stdout.write(`  ${(k * FRAME_MS) / 1000} s of audio done\r`);
}
const wallMs = performance.now() - wallStart;
const cpu = process.cpuUsage(cpuStart);
const heapEnd = heapUsed();
const buffersEnd = arrayBuffers();

const totalFrames = frames * streams;
const cpuUs = cpu.user + cpu.system;
const usPerFrame = cpuUs / totalFrames;
const audioMs = frames * FRAME_MS;
const corePerStream = (usPerFrame * (1000 / FRAME_MS)) / 1e6; // share of one core one live stream needs
const tick = stats(tickMs);
const steady = stats(tickMs.slice(Math.min(tickMs.length - 1, 250))); // after 5 s: JIT warm, windows full
const delays = stats(confirmDelays);
const f1 = (x: number) => x.toFixed(1);
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

console.log(`\nthroughput      ${Math.round(totalFrames / (wallMs / 1000)).toLocaleString('en-US')} frames/s (${totalFrames.toLocaleString('en-US')} frames in ${f1(wallMs / 1000)} s wall)`);
console.log(`real-time       factor ${(wallMs / audioMs).toFixed(3)} (wall / audio time for all ${streams} streams at once; < 1 keeps up)`);
console.log(`CPU             ${f1(usPerFrame)} µs per frame (user ${f1(cpu.user / totalFrames)} + system ${f1(cpu.system / totalFrames)}); ${(corePerStream * 100).toFixed(3)} % of a core per stream; ${f1(cpuUs / 1e6)} s CPU / ${f1(wallMs / 1000)} s wall`);
console.log(`capacity        ${Math.floor(1 / corePerStream).toLocaleString('en-US')} streams per core in real time (at 100 % of the core)`);
console.log(`tick (${streams} frames, budget 20 ms)  p50 ${f1(tick.p50)} / p90 ${f1(tick.p90)} / p99 ${f1(tick.p99)} / max ${f1(tick.max)} ms; after 5 s: p50 ${f1(steady.p50)} / p99 ${f1(steady.p99)} / max ${f1(steady.max)} ms; ticks over 20 ms: ${tickMs.filter((t) => t > FRAME_MS).length} of ${tickMs.length}`);
console.log(`heap            ${mib(heapBefore)} before, ${mib(heapAfterCreate)} with detectors (${((heapAfterCreate - heapBefore) / streams / 1024).toFixed(1)} KiB each), ${mib(heapEnd)} at the end (${((heapEnd - heapBefore) / streams / 1024).toFixed(1)} KiB per stream${(globalThis as { gc?: unknown }).gc ? ', after GC' : ', no --expose-gc'}); heap limit ${mib(v8.getHeapStatistics().heap_size_limit)}`);
console.log(`typed arrays    ${mib(buffersBefore)} before, ${mib(buffersAfterCreate)} with detectors (${((buffersAfterCreate - buffersBefore) / streams / 1024).toFixed(1)} KiB each), ${mib(buffersEnd)} at the end; RSS ${mib(process.memoryUsage().rss)}`);
const holdOnlyConfirms = lines.filter((s) => s.agentFrame === Infinity && s.confirmedAt !== undefined).length;
console.log(
  `decisions       ${Object.entries(events).map(([e, n]) => `${e} ${n}`).join(', ')}; ` +
    `agent lines confirmed ${confirmDelays.length} of ${agentLines.length} (after the greeting started: p50 ${f1(delays.p50)} / max ${f1(delays.max)} ms); ` +
    `false confirms: ${earlyConfirms} before an agent spoke, ${holdOnlyConfirms} on hold-only lines`,
);
