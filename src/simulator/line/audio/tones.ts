/**
 * Synthesized call-progress sounds: the North American precise-tone ringback and busy signals, a switch
 * click, the voice-check beep, comfort noise and digital silence. Each buffer is built once and shared:
 * callers slice it, never copy it per frame.
 */
import { Random } from '../../random.ts';
import { SAMPLE_RATE, msToSamples } from './constants.ts';
import { MU_LAW_SILENCE, encodeMuLaw } from '../../../media/mu-law.ts';

/** Peak amplitude of each precise-tone component, about -13 dBm0 per tone on the 16-bit scale. */
const TONE_AMPLITUDE = 0.12 * 32767;

function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/** Sum of sines, `onMs` of tone then `offMs` of silence, with 5 ms ramps so the cadence does not click. */
function cadence(freqs: number[], onMs: number, offMs: number, amplitude = TONE_AMPLITUDE): Uint8Array {
  const on = msToSamples(onMs);
  const total = on + msToSamples(offMs);
  const ramp = msToSamples(5);
  const pcm = new Float64Array(total);
  for (let i = 0; i < on; i++) {
    const t = i / SAMPLE_RATE;
    let v = 0;
    for (const f of freqs) v += Math.sin(2 * Math.PI * f * t);
    const envelope = Math.min(1, i / ramp, (on - 1 - i) / ramp);
    pcm[i] = v * amplitude * Math.max(0, envelope);
  }
  return encodeMuLaw(pcm);
}

/** Ringback: 440 + 480 Hz, 2 s on, 4 s off (one 6 s cycle; loop it). */
export const ringbackTone = lazy(() => cadence([440, 480], 2000, 4000));

/** Busy: 480 + 620 Hz, 0.5 s on, 0.5 s off (one 1 s cycle; loop it). */
export const busyTone = lazy(() => cadence([480, 620], 500, 500));

/** The 0.3 s, 1 kHz beep after which the voice check expects the caller to speak. */
export const beepTone = lazy(() => cadence([1000], 300, 0, 0.25 * 32767));

/** A 10 ms switch click: a sharp, fast-decaying transient, as when a line is picked up. */
export const clickSound = lazy(() => {
  const n = msToSamples(10);
  const pcm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    pcm[i] = 0.45 * 32767 * Math.exp(-i / 6) * Math.cos((2 * Math.PI * 1200 * i) / SAMPLE_RATE);
  }
  return encodeMuLaw(pcm);
});

/** One second of digital silence (0xFF); loop it. */
export const silence = lazy(() => new Uint8Array(SAMPLE_RATE).fill(MU_LAW_SILENCE));

/** Two seconds of low background noise (about -55 dBFS) for a live line; loop it. Deterministic. */
export const comfortNoise = lazy(() => {
  const rng = new Random('comfort-noise');
  const n = 2 * SAMPLE_RATE;
  const pcm = new Float64Array(n);
  for (let i = 0; i < n; i++) pcm[i] = rng.normal() * 60;
  return encodeMuLaw(pcm);
});
