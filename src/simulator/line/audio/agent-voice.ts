/**
 * Each call's agent sounds a little different. The simulator has a handful of recorded agents for any number of
 * calls, but two real calls never carry identical audio: a recording heard on two lines is, to the detector, loop
 * audio. So every call plays its agent's recordings through a variation drawn from the call's own seeded stream
 * (deterministic from SIM_SEED and the call): played slower or faster (pitch and tempo together, as voices
 * differ), every frequency moved by a few tens of hertz (so two calls whose speeds happen to be close still do
 * not line up: the detector's fingerprints pair peaks at 31 Hz resolution), louder or softer, with the pauses
 * between phrases stretched or shortened.
 */
import { concatPcm } from '../../../media/concat-pcm.ts';
import { decodeMuLaw, encodeMuLaw } from '../../../media/mu-law.ts';
import { Random } from '../../random.ts';
import { msToSamples } from './constants.ts';

export interface VoiceVariation {
  /** Playback speed: 0.97 plays 3 % slower and lower. Never within 3 % of the recording. */
  rate: number;
  gainDb: number;
  /** Added to every frequency (Hz), at least 15 either way. */
  shiftHz: number;
  /** Change of each pause between phrases (ms), in order; the last one repeats. */
  pauseChangesMs: number[];
}

const MIN_RATE_CHANGE = 0.03;
const MAX_RATE_CHANGE = 0.12;
const MIN_SHIFT_HZ = 15;
const MAX_SHIFT_HZ = 120;
/** Half-length of the Hilbert filter of the frequency shift (taps -31..31). */
const HILBERT_HALF = 31;
/** Quieter than this (linear) for PAUSE_MS counts as a pause between phrases. */
const PAUSE_LEVEL = 300;
const PAUSE_MS = 60;

/** The variation of one call's agent: its own stream of (seed, callKey), so other draws never shift it. */
export function agentVoiceOf(call: { seed: number | string; callKey: string }): VoiceVariation {
  return drawVoiceVariation(Random.derive(call.seed, call.callKey, 'agent-voice'));
}

export function drawVoiceVariation(rng: Random): VoiceVariation {
  const change = rng.uniform(MIN_RATE_CHANGE, MAX_RATE_CHANGE);
  return {
    rate: rng.chance(0.5) ? 1 + change : 1 - change,
    gainDb: rng.uniform(-4, 2),
    shiftHz: (rng.chance(0.5) ? 1 : -1) * rng.uniform(MIN_SHIFT_HZ, MAX_SHIFT_HZ),
    pauseChangesMs: Array.from({ length: 8 }, () => rng.uniform(-40, 250)),
  };
}

/** `muLaw` (8 kHz G.711) spoken with `variation`. Returns a new buffer. */
export function varyVoice(muLaw: Uint8Array, variation: VoiceVariation): Uint8Array {
  const pcm = withPauses(decodeMuLaw(muLaw), variation.pauseChangesMs);
  const n = Math.floor(pcm.length / variation.rate);
  const resampled = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Linear interpolation is enough for a band-limited 8 kHz voice.
    const x = i * variation.rate;
    const k = Math.floor(x);
    const a = pcm[k] ?? 0;
    const b = pcm[k + 1] ?? a;
    resampled[i] = a + (b - a) * (x - k);
  }
  const shifted = shiftFrequencies(resampled, variation.shiftHz);
  const g = 10 ** (variation.gainDb / 20);
  // encodeMuLaw rounds and clamps each sample to 16 bits itself.
  for (let i = 0; i < shifted.length; i++) shifted[i] = (shifted[i] as number) * g;
  return encodeMuLaw(shifted);
}

/** The Hilbert FIR (Hamming window): only odd taps are non-zero. */
const HILBERT_TAPS = (() => {
  const taps = new Float64Array(2 * HILBERT_HALF + 1);
  for (let k = 1; k <= HILBERT_HALF; k += 2) {
    const w = 0.54 + 0.46 * Math.cos((Math.PI * k) / (HILBERT_HALF + 1));
    taps[HILBERT_HALF + k] = (2 / (Math.PI * k)) * w;
    taps[HILBERT_HALF - k] = -(2 / (Math.PI * k)) * w;
  }
  return taps;
})();

/**
 * Single-sideband shift: the analytic signal turned by `hz`. Runs once per agent pickup over the whole greeting
 * (~46,000 samples) inside the simulator's event loop, with hundreds of pickups at once in a load run: the input
 * is padded with zeros so the inner loop has no bounds checks (same sums, same order, same bytes out).
 */
function shiftFrequencies(x: Float64Array, hz: number): Float64Array {
  const padded = new Float64Array(x.length + 2 * HILBERT_HALF);
  padded.set(x, HILBERT_HALF);
  const out = new Float64Array(x.length);
  const step = (2 * Math.PI * hz) / 8000;
  for (let t = 0; t < x.length; t++) {
    let q = 0;
    // x[t - k] is padded[t - k + HILBERT_HALF]; k runs -HILBERT_HALF..HILBERT_HALF in steps of 2.
    for (let k = -HILBERT_HALF; k <= HILBERT_HALF; k += 2) q += (HILBERT_TAPS[HILBERT_HALF + k] as number) * (padded[t - k + HILBERT_HALF] as number);
    out[t] = (x[t] as number) * Math.cos(step * t) - q * Math.sin(step * t);
  }
  return out;
}

/** Lengthens (or shortens, never below half) each pause between phrases by the next change in `changesMs`. */
function withPauses(pcm: Int16Array, changesMs: number[]): Int16Array {
  const minRun = msToSamples(PAUSE_MS);
  const parts: Int16Array[] = [];
  let from = 0;
  let quietStart = -1;
  let pause = 0;
  for (let i = 0; i <= pcm.length; i++) {
    const quiet = i < pcm.length && Math.abs(pcm[i] as number) < PAUSE_LEVEL;
    if (quiet) {
      if (quietStart < 0) quietStart = i;
      continue;
    }
    // A pause inside the recording (not its leading or trailing silence).
    if (quietStart > 0 && i < pcm.length && i - quietStart >= minRun) {
      const length = i - quietStart;
      const change = msToSamples(changesMs[Math.min(pause++, changesMs.length - 1)] ?? 0);
      const middle = quietStart + (length >> 1);
      parts.push(pcm.subarray(from, middle));
      if (change >= 0) parts.push(new Int16Array(change));
      from = change >= 0 ? middle : Math.min(i, middle - Math.max(change, -(length >> 1)));
    }
    quietStart = -1;
  }
  parts.push(pcm.subarray(from));
  return concatPcm(...parts);
}
