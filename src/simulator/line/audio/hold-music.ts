/**
 * The synthesized hold music: a 32 s loop of eight sustained chords (I-vi-IV-V-I-iii-IV-V in C) with a bass
 * line and a soft, plucked melody. It is deliberately clearly musical - stable pitches, sustained harmonic
 * pads, no syllabic energy dips - so a detector can tell it from speech, as it must with real hold music.
 * Deterministic and independent of any seed; computed once and cached.
 */
import { Random } from '../../random.ts';
import { SAMPLE_RATE } from './constants.ts';
import { encodeMuLaw } from '../../../media/mu-law.ts';

const CHORD_SECONDS = 4;
/** MIDI notes of each chord's pad voicing (root position around middle C). */
const CHORDS: readonly (readonly number[])[] = [
  [60, 64, 67], // C
  [57, 60, 64], // Am
  [53, 57, 60], // F
  [55, 59, 62], // G
  [60, 64, 67], // C
  [52, 55, 59], // Em
  [53, 57, 60], // F
  [55, 59, 62], // G
];
/** C major scale degrees usable as melody passing notes (MIDI, octave 5). */
const SCALE = [72, 74, 76, 77, 79, 81, 83, 84];
/** Melody rhythm within one chord, in seconds; sums to CHORD_SECONDS. */
const RHYTHM = [1, 0.5, 0.5, 1, 1];

export const HOLD_MUSIC_SECONDS = CHORDS.length * CHORD_SECONDS;

function hz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** Adds a note into the circular buffer (notes that ring past the end wrap to the start: a seamless loop). */
function addNote(
  mix: Float64Array,
  startSec: number,
  lengthSec: number,
  freq: number,
  partials: readonly number[],
  gain: number,
  envelope: (t: number, length: number) => number,
): void {
  const start = Math.round(startSec * SAMPLE_RATE);
  const n = Math.round(lengthSec * SAMPLE_RATE);
  const step = (2 * Math.PI * freq) / SAMPLE_RATE;
  const cosStep = Math.cos(step);
  const sinStep = Math.sin(step);
  // A rotating phasor for the fundamental and the Chebyshev recurrence sin((k+1)x) = 2cos(x)sin(kx) - sin((k-1)x)
  // for its harmonics: no trigonometric call per sample (this runs ~4 million times).
  let sin1 = 0;
  let cos1 = 1;
  for (let i = 0; i < n; i++) {
    let prev = 0;
    let cur = sin1;
    let v = (partials[0] as number) * cur;
    for (let k = 1; k < partials.length; k++) {
      const next = 2 * cos1 * cur - prev;
      prev = cur;
      cur = next;
      v += (partials[k] as number) * cur;
    }
    const index = (start + i) % mix.length;
    mix[index] = (mix[index] as number) + gain * envelope(i / SAMPLE_RATE, lengthSec) * v;
    const nextSin = sin1 * cosStep + cos1 * sinStep;
    cos1 = cos1 * cosStep - sin1 * sinStep;
    sin1 = nextSin;
  }
}

/** Pads swell in over 150 ms, hold, and fade over the 250 ms that overlap the next chord. */
function padEnvelope(t: number, length: number): number {
  return Math.min(1, t / 0.15, (length - t) / 0.25);
}

/** Plucked melody: fast attack, exponential decay, short release. */
function pluckEnvelope(t: number, length: number): number {
  return Math.min(1, t / 0.01, (length - t) / 0.05) * Math.exp(-t / 0.9);
}

function synthesize(): Uint8Array {
  const mix = new Float64Array(HOLD_MUSIC_SECONDS * SAMPLE_RATE);
  const rng = new Random('hold-music');
  CHORDS.forEach((chord, c) => {
    const at = c * CHORD_SECONDS;
    for (const note of chord) addNote(mix, at, CHORD_SECONDS + 0.25, hz(note), [1, 0.45, 0.2], 0.16, padEnvelope);
    // Bass an octave below the root; its harmonics carry it through the 300-3400 Hz phone band.
    addNote(mix, at, CHORD_SECONDS + 0.25, hz((chord[0] as number) - 12), [1, 0.6, 0.35], 0.14, padEnvelope);
    let t = at;
    for (const beat of RHYTHM) {
      // Mostly chord tones an octave up, sometimes a neighbouring scale note: a tune, not a random walk.
      const note = rng.chance(0.7) ? rng.pick(chord) + 12 : rng.pick(SCALE);
      addNote(mix, t, beat, hz(note), [1, 0.3, 0.1], 0.3, pluckEnvelope);
      t += beat;
    }
  });
  let peak = 0;
  for (const v of mix) peak = Math.max(peak, Math.abs(v));
  const scale = (0.35 * 32767) / peak;
  for (let i = 0; i < mix.length; i++) mix[i] = (mix[i] as number) * scale;
  return encodeMuLaw(mix);
}

let cached: Uint8Array | undefined;

/** The 32 s music loop as mu-law bytes (shared; do not modify). */
export function holdMusic(): Uint8Array {
  return (cached ??= synthesize());
}
