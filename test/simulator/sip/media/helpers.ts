import { FRAME_BYTES } from '../../../../src/simulator/line/audio/constants.ts';
import { encodeMuLaw } from '../../../../src/media/mu-law.ts';

/** Resolves once `condition` holds; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A far end that plays a continuous sine as μ-law frames and remembers every frame it handed out. */
export function sineSource(hz = 440, amplitude = 8000): { nextFrame: () => Uint8Array; frames: Uint8Array[] } {
  const frames: Uint8Array[] = [];
  let n = 0;
  return {
    frames,
    nextFrame: () => {
      const pcm = new Float64Array(FRAME_BYTES);
      for (let i = 0; i < FRAME_BYTES; i++, n++) pcm[i] = amplitude * Math.sin((2 * Math.PI * hz * n) / 8000);
      const frame = encodeMuLaw(pcm);
      frames.push(frame);
      return frame;
    },
  };
}

/** Linear samples of a sine at `rate` with `channels` interleaved copies, as s16le bytes. */
export function sinePcm(hz: number, rate: number, channels: 1 | 2, seconds: number, amplitude = 8000): Buffer {
  const samples = Math.round(rate * seconds);
  const pcm = new Int16Array(samples * channels);
  for (let i = 0; i < samples; i++) {
    const v = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
    for (let c = 0; c < channels; c++) pcm[i * channels + c] = v;
  }
  return Buffer.from(pcm.buffer);
}

export function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const v of pcm) sum += v * v;
  return pcm.length ? Math.sqrt(sum / pcm.length) : 0;
}

/**
 * Share of the signal's power at `hz` (Goertzel over one channel): about 1 for a clean tone at that
 * frequency, about 0 for a tone elsewhere, so it checks both the level and the sample rate of a path.
 */
export function toneShare(pcm: Int16Array, rate: number, hz: number, channels = 1): number {
  const n = Math.floor(pcm.length / channels);
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = pcm[i * channels] as number;
    energy += x * x;
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (n * energy);
}

export function concatInt16(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** s16le bytes (as the library's decoder returns them) as samples. */
export function int16FromBytes(bytes: Uint8Array): Int16Array {
  // new Uint8Array(bytes) copies; Buffer#slice would not, and its .buffer is the shared pool.
  const copy = new Uint8Array(bytes);
  return new Int16Array(copy.buffer, 0, copy.byteLength >> 1);
}
