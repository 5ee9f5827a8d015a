/**
 * Offline evaluation of live-agent detection (`npm run eval:detection`): hold sessions built from the Debian
 * corpus (scripts/build-detection-corpus.sh) streamed through createLineDetector as fast as the CPU allows.
 *
 * Each destination gets its own hold loop (game music, recorded announcements in a voice of its own, a
 * "music with vocals" stretch, a ringback burst, a silence gap). Two jobs per destination: the first starts
 * with an empty loop library (cold), the second with the library the first saved (warm). A job holds several
 * lines at once, each entering the loop at a random sample; lines hold 5-60 min, then most meet a live speaker
 * (Dutch voice-acted dialog or a synthesized greeting, after 0.2-0.6 s of silence) and a few hang up.
 * Everything before the speaker is negative audio: a confirmation there is a false confirmation.
 *
 *   npm run eval:detection -- [--destinations 10] [--lines 5] [--seed 1] [--quick]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeMuLaw } from '../src/media/mu-law.ts';
import { InMemoryLoopLibraryStore, LoopLibrary, createLineDetector, type DetectionConfigInput, type LineDetector } from '../src/detection/index.ts';

const { values: args } = parseArgs({
  options: {
    destinations: { type: 'string', default: '10' },
    lines: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    /** 'test' (default, the reported numbers) and 'tune' draw from disjoint halves of every clip list. */
    split: { type: 'string', default: 'test' },
    corpus: { type: 'string', default: '.cache/detection-corpus' },
  },
});
const DESTINATIONS = args.quick ? 2 : Number(args.destinations);
const LINES = args.quick ? 3 : Number(args.lines);
const CORPUS = args.corpus;
if (args.split !== 'test' && args.split !== 'tune') throw new Error(`--split must be 'test' or 'tune', got ${args.split}`);
/** Tuning uses the even-numbered clips of each sorted list, the reported (test) run the odd-numbered ones. */
const SPLIT = args.split === 'tune' ? 0 : 1;
const half = <T>(list: T[]): T[] => list.filter((_, i) => i % 2 === SPLIT);
const FRAME = 160;
/** Clips the speech classifier's weights were fitted on (first of each sorted list); never used as agents. */
const FITTED_NL_CLIPS = 150;

// ---- deterministic randomness ----
let state = Number(args.seed) >>> 0 || 1;
function rand(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const uniform = (a: number, b: number) => a + (b - a) * rand();
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

// ---- corpus ----
function ensureCorpus(): void {
  if (existsSync(join(CORPUS, 'manifest.json'))) return;
  console.log(`eval:detection: building the corpus in ${CORPUS} (one-off) ...`);
  const r = spawnSync('bash', ['scripts/build-detection-corpus.sh', CORPUS], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(
      'eval:detection: the corpus could not be built. Install the material with:\n' +
        '  apt-get install -y sox espeak-ng asterisk-core-sounds-en-wav fillets-ng-data fillets-ng-data-nl',
    );
    process.exit(2);
  }
}
function clips(dir: string): Int16Array[] {
  const path = join(CORPUS, dir);
  return readdirSync(path)
    .filter((f) => f.endsWith('.ul'))
    .sort()
    .map((f) => decodeMuLaw(new Uint8Array(readFileSync(join(path, f)))));
}

ensureCorpus();
const music = half(clips('music'));
const asterisk = half(clips('announce-asterisk').filter((c) => c.length > 8000));
const announceVoices = half([...new Set(readdirSync(join(CORPUS, 'announce-espeak')).filter((f) => f.endsWith('.ul')).map((f) => f.replace(/-\d+\.ul$/, '')))].sort());
const vocals = half(clips('vocals'));
const agentsEspeak = half(clips('agent-espeak'));
const dutch = half(clips('speech-nl').slice(FITTED_NL_CLIPS).filter((c) => c.length > 1.5 * 8000));

// ---- building audio (linear PCM, then through mu-law again: the phone channel) ----
const silence = (s: number) => new Int16Array(Math.round(s * 8000));
function gain(pcm: Int16Array, db: number): Int16Array {
  const g = 10 ** (db / 20);
  return pcm.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * g))));
}
const concat = (parts: Int16Array[]): Int16Array => concatPcm(...parts);
function excerpt(pcm: Int16Array, seconds: number): Int16Array {
  const n = Math.min(pcm.length, Math.round(seconds * 8000));
  const start = Math.floor(rand() * Math.max(1, pcm.length - n));
  return pcm.slice(start, start + n);
}
function ringback(seconds: number): Int16Array {
  const n = Math.round(seconds * 8000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const on = i % 48000 < 16000;
    out[i] = on ? Math.round(0.12 * 32767 * (Math.sin((2 * Math.PI * 440 * i) / 8000) + Math.sin((2 * Math.PI * 480 * i) / 8000))) : 0;
  }
  return out;
}

interface Loop {
  pcm: Int16Array;
  voice: string;
  /** What plays where (sample ranges), for reporting what a false confirmation heard. */
  labels: { at: number; label: string }[];
}
/** A destination's loop: music stretches, each followed by an announcement; vocals, ringback and a gap inside. */
function buildLoop(d: number): Loop {
  const useAsterisk = d % 2 === 0;
  const espeakVoice = pick(announceVoices);
  const announcement = (k: number): Int16Array => {
    if (useAsterisk) {
      const parts: Int16Array[] = [];
      for (let i = 0; i < 3; i++) parts.push(pick(asterisk), silence(0.3));
      return concat(parts);
    }
    const file = `${espeakVoice}-${k % 4}.ul`;
    return decodeMuLaw(new Uint8Array(readFileSync(join(CORPUS, 'announce-espeak', file))));
  };
  const parts: Int16Array[] = [];
  const labels: { at: number; label: string }[] = [];
  const mark = (label: string) => labels.push({ at: parts.reduce((n, p) => n + p.length, 0), label });
  const segments = 3 + Math.floor(rand() * 2);
  for (let k = 0; k < segments; k++) {
    const bed = excerpt(pick(music), uniform(20, 45));
    if (k === 1) {
      // Music with vocals: a sung line mixed over the bed.
      const v = pick(vocals);
      const at = Math.floor(bed.length / 3);
      for (let i = 0; i < v.length && at + i < bed.length; i++) {
        bed[at + i] = Math.max(-32768, Math.min(32767, (bed[at + i] as number) * 0.7 + (v[i] as number) * 0.8));
      }
    }
    mark(k === 1 ? `music ${k} with vocals` : `music ${k}`);
    if (k === 2) parts.push(bed.subarray(0, bed.length >> 1), silence(uniform(1, 3)), bed.subarray(bed.length >> 1));
    else parts.push(bed);
    parts.push(silence(0.5));
    mark(`announcement ${k}`);
    parts.push(gain(announcement(k), uniform(-4, 0)), silence(0.5));
    if (k === 0) {
      mark('ringback');
      parts.push(ringback(uniform(2, 6)));
    }
  }
  return { pcm: concat(parts), voice: useAsterisk ? 'asterisk' : espeakVoice, labels };
}

function livespeaker(): { pcm: Int16Array; kind: string } {
  const useDutch = rand() < 0.5;
  const clip = useDutch ? pick(dutch) : pick(agentsEspeak);
  const parts = [clip];
  // A live speaker goes on talking (a second utterance after a pause).
  parts.push(silence(uniform(0.3, 0.8)), useDutch ? pick(dutch) : pick(agentsEspeak));
  // Office noise under the voice, then the phone channel (mu-law round trip).
  const pcm = gain(concat(parts), uniform(-8, 0));
  return { pcm: decodeMuLaw(encodeRound(pcm)), kind: useDutch ? 'dutch' : 'espeak' };
}
import { encodeMuLaw } from '../src/media/mu-law.ts';
import { concatPcm } from '../src/media/concat-pcm.ts';
const encodeRound = (pcm: Int16Array) => encodeMuLaw(pcm);

// ---- running ----
interface LineRun {
  detector: LineDetector;
  loopOffset: number;
  holdFrames: number;
  /** Frames of agent audio after the hold (0 = the line hangs up). */
  agent?: { pcm: Int16Array; kind: string; leadFrames: number };
  frame: number;
  done: boolean;
  outcome?: 'false-confirm' | 'hit' | 'miss' | 'hangup';
  latency?: number;
  negativeFrames: number;
  falseAtMin?: number;
  falseWhat?: string;
  /** Diagnostics (EVAL_DIAG): frames after onset when speech was first seen and loop audio last seen. */
  firstSpeech?: number;
  history?: Float64Array;
  lastLoop?: number;
}

const results = { lines: 0, negativeFrames: 0, falseConfirms: [] as string[], agents: 0, hits: 0, latencies: [] as number[], misses: [] as string[], suspectedClears: 0, byKind: {} as Record<string, [number, number]> };
const store = new InMemoryLoopLibraryStore();
const DIAG = !!process.env.EVAL_DIAG;
/** EVAL_ONLY=3,7: run only these destinations (0-based; a tuning aid: every session is still drawn, so the rest stay the same). */
const ONLY = process.env.EVAL_ONLY ? process.env.EVAL_ONLY.split(',').map(Number) : undefined;
/** EVAL_CONFIG: a partial DetectionConfig as JSON (a candidate setting, tried on --split tune). */
const CONFIG = process.env.EVAL_CONFIG ? (JSON.parse(process.env.EVAL_CONFIG) as DetectionConfigInput) : undefined;
/** Speech-like frames by loop-match score (bins of 0.05): hold audio vs agents. */
const diag = { neg: new Array<number>(10).fill(0), agent: new Array<number>(10).fill(0) };
const frameBuf = new Int16Array(FRAME);
const startedAt = performance.now();
let totalFrames = 0;

for (let d = 0; d < DESTINATIONS; d++) {
  const loop = buildLoop(d);
  const loopPcm = decodeMuLaw(encodeRound(loop.pcm));
  for (const job of ['cold', 'warm'] as const) {
    const library = job === 'cold' ? new LoopLibrary() : await LoopLibrary.load(store, `d${d}`);
    const lines: LineRun[] = [];
    for (let l = 0; l < LINES; l++) {
      const holdMin = 5 * Math.exp(rand() * Math.log(12)); // log-uniform 5-60 min
      const speaker = rand() < 0.9 ? livespeaker() : undefined;
      lines.push({
        detector: createLineDetector({ loopLibrary: library, ...(CONFIG ? { config: CONFIG } : {}) }),
        loopOffset: Math.floor(rand() * loopPcm.length),
        holdFrames: Math.round((holdMin * 60 * 8000) / FRAME),
        ...(speaker ? { agent: { ...speaker, leadFrames: Math.round(uniform(0.2, 0.6) * 50) } } : {}),
        frame: 0,
        done: false,
        negativeFrames: 0,
      });
    }
    // Lockstep: every line advances one frame per tick, as concurrent calls do.
    let active = ONLY && !ONLY.includes(d) ? 0 : lines.length;
    let wasMature = library.mature;
    while (active > 0) {
      for (const run of lines) {
        if (run.done) continue;
        const f = run.frame++;
        totalFrames++;
        const tMs = f * 20;
        const agentStart = run.holdFrames + (run.agent?.leadFrames ?? 0);
        if (f < run.holdFrames) {
          const start = (run.loopOffset + f * FRAME) % loopPcm.length;
          for (let k = 0; k < FRAME; k++) frameBuf[k] = loopPcm[(start + k) % loopPcm.length] as number;
          run.negativeFrames++;
        } else if (!run.agent) {
          run.outcome = 'hangup';
          run.done = true;
          active--;
          continue;
        } else if (f < agentStart) {
          frameBuf.fill(0);
          run.negativeFrames++;
        } else {
          const i = (f - agentStart) * FRAME;
          if (i + FRAME > run.agent.pcm.length || f - agentStart > 10 * 50) {
            run.outcome = 'miss';
            run.done = true;
            active--;
            continue;
          }
          frameBuf.set(run.agent.pcm.subarray(i, i + FRAME));
          if (process.env.EVAL_TRACE && (f - agentStart) % 5 === 0) {
            const x = run.detector as unknown as { loop: { score: number; fastScore: number; matched: boolean; tracking: boolean; framesSinceMatch: number; loopAudio: boolean }; speech: { probability: number }; confidence: number };
            const l = x.loop;
            console.log(`trace +${((f - agentStart) * 0.02).toFixed(2)} loop ${l.score.toFixed(2)}/${l.fastScore.toFixed(2)} ${l.matched ? 'M' : '-'}${l.tracking ? 'T' : '-'}${l.framesSinceMatch < 20 ? 'S' : '-'} speech ${x.speech.probability.toFixed(2)} conf ${x.confidence.toFixed(2)}`);
          }
        }
        const decisions = run.detector.pushFrame(frameBuf, tMs);
        if (DIAG && !wasMature && library.mature) {
          wasMature = true;
          const x = run.detector as unknown as { loop: { matcher: { bestOffset: number }; longRepeatFrames: number; longRepeatSpeech: number } };
          const how = `${x.loop.longRepeatFrames} frames, ${x.loop.longRepeatSpeech} speech-like`;
          console.log(`    d${d}/${job} matured (${how}) at ${(tMs / 60000).toFixed(2)} min on line${lines.indexOf(run)}: self-repeat offset ${-x.loop.matcher.bestOffset} frames, loop ${(loopPcm.length / FRAME).toFixed(0)} frames`);
        }
        if (DIAG) {
          // The last 3 s of each line (loop score, fast score, flags, speech probability, confidence), printed at a false confirmation.
          const x = run.detector as unknown as { loop: { score: number; fastScore: number; matched: boolean; tracking: boolean; framesSinceMatch: number }; speech: { probability: number }; confidence: number };
          const h = (run.history ??= new Float64Array(150 * 5));
          const k = (f % 150) * 5;
          h[k] = x.loop.score;
          h[k + 1] = x.loop.fastScore;
          h[k + 2] = (x.loop.matched ? 4 : 0) + (x.loop.tracking ? 2 : 0) + (x.loop.framesSinceMatch < 20 ? 1 : 0);
          h[k + 3] = x.speech.probability;
          h[k + 4] = x.confidence;
        }
        if (DIAG && f >= agentStart) {
          const x = run.detector as unknown as { loop: { loopAudio: boolean }; speech: { probability: number } };
          if (x.speech.probability >= 0.5) run.firstSpeech ??= f - agentStart;
          if (x.loop.loopAudio) run.lastLoop = f - agentStart;
        }
        if (DIAG) {
          const x = run.detector as unknown as { loop: { score: number }; speech: { probability: number } };
          if (x.speech.probability >= 0.5) {
            const bin = Math.min(9, Math.floor(x.loop.score * 20));
            const hist = f < agentStart ? diag.neg : diag.agent;
            hist[bin] = (hist[bin] ?? 0) + 1;
          }
        }
        for (const decision of decisions) {
          if (decision.event === 'cleared') results.suspectedClears++;
          if (decision.event !== 'confirmed') continue;
          if (f < agentStart) {
            run.outcome = 'false-confirm';
            run.falseAtMin = tMs / 60000;
            const at = f < run.holdFrames ? (run.loopOffset + f * FRAME) % loopPcm.length : -1;
            const label = at < 0 ? 'pickup gap' : [...loop.labels].reverse().find((x) => x.at <= at);
            const lm = decision.evidence.loopMatch as { inputs: Record<string, unknown> };
            run.falseWhat = `${typeof label === 'string' ? label : `${label?.label} +${((at - (label?.at ?? 0)) / 8000).toFixed(1)} s`}; loop ${JSON.stringify(lm.inputs)}`;
            if (DIAG && run.history) {
              const h = run.history;
              for (let back = 149; back >= 0; back -= 5) {
                const k = (((f - back) % 150) + 150) % 150 * 5;
                const flags = h[k + 2] as number;
                run.falseWhat += `\n      -${(back * 0.02).toFixed(2)} s loop ${(h[k] as number).toFixed(2)}/${(h[k + 1] as number).toFixed(2)} ${flags & 4 ? 'M' : '-'}${flags & 2 ? 'T' : '-'}${flags & 1 ? 'S' : '-'} speech ${(h[k + 3] as number).toFixed(2)} conf ${(h[k + 4] as number).toFixed(2)}`;
              }
            }
          } else {
            run.outcome = 'hit';
            run.latency = (f - agentStart + 1) * 0.02;
          }
          run.done = true;
          active--;
        }
      }
    }
    if (ONLY && !ONLY.includes(d)) continue;
    for (const [l, run] of lines.entries()) {
      results.lines++;
      results.negativeFrames += run.negativeFrames;
      const tag = `d${d}/${job}/line${l} (${loop.voice})`;
      if (run.outcome === 'false-confirm') results.falseConfirms.push(`${tag} at ${run.falseAtMin?.toFixed(2)} min: ${run.falseWhat}`);
      if (run.agent && run.outcome !== 'false-confirm') {
        results.agents++;
        const k = (results.byKind[run.agent.kind] ??= [0, 0]);
        k[0]++;
        if (run.outcome === 'hit') {
          results.hits++;
          k[1]++;
          results.latencies.push(run.latency as number);
          if (DIAG) console.log(`    hit ${tag} ${run.agent.kind}: ${run.latency?.toFixed(2)} s, speech from ${((run.firstSpeech ?? -1) * 0.02).toFixed(2)} s, loop audio until ${((run.lastLoop ?? -1) * 0.02).toFixed(2)} s`);
        } else results.misses.push(`${tag} ${run.agent.kind}`);
      }
    }
    await library.save(store, `d${d}`);
    let full = 0;
    let distinct = 0;
    if (DIAG) for (const [, list] of library.index.entries()) {
      distinct++;
      if (list.length >= 48) full++;
    }
    process.stdout.write(`destination ${d + 1}/${DESTINATIONS} ${job}: library ${library.size} hashes, mature ${library.mature}${DIAG ? `, ${distinct} distinct, ${full} full` : ''}\n`);
  }
}

const seconds = (performance.now() - startedAt) / 1000;
const negHours = (results.negativeFrames * 0.02) / 3600;
const lat = [...results.latencies].sort((a, b) => a - b);
const pct = (p: number) => (lat.length ? (lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] as number) : NaN);
console.log('\nDetection accuracy (eval:detection)');
console.log(`  lines ${results.lines}, negative audio ${negHours.toFixed(2)} h, frames ${totalFrames} in ${seconds.toFixed(1)} s (${((seconds * 1e6) / totalFrames).toFixed(1)} us/frame)`);
console.log(`  false confirmations: ${results.falseConfirms.length} (${(results.falseConfirms.length / negHours).toFixed(3)} per hour of hold)`);
for (const f of results.falseConfirms) console.log(`    ${f}`);
console.log(`  agents: ${results.agents}, confirmed ${results.hits}, miss rate ${((100 * (results.agents - results.hits)) / Math.max(1, results.agents)).toFixed(1)} %`);
for (const [k, [n, h]] of Object.entries(results.byKind)) console.log(`    ${k}: ${h}/${n}`);
for (const m of results.misses) console.log(`    missed ${m}`);
console.log(`  latency onset -> confirmed: p50 ${pct(0.5).toFixed(2)} s, p95 ${pct(0.95).toFixed(2)} s, max ${(lat[lat.length - 1] ?? NaN).toFixed(2)} s`);
console.log(`  suspected-then-cleared episodes: ${results.suspectedClears}`);
if (DIAG) console.log(`  speech-like frames by loop score (0.05 bins): hold ${diag.neg.join(' ')}; agents ${diag.agent.join(' ')}`);
