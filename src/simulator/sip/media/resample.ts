/**
 * Sample-rate conversion between the line's 8 kHz mono and Opus's 16 kHz mono or 48 kHz stereo.
 * Linear interpolation up and box averaging down: crude filters, but enough for a simulator whose audio is
 * narrowband to begin with and whose detectors look at levels and rhythm, not fine spectra.
 */

/** 8 kHz mono → `factor`× the rate with `channels` identical channels, continuous across frames. */
export class Upsampler {
  // The last input sample of the previous frame: interpolating from it avoids a click at every frame edge.
  private previous = 0;

  constructor(
    private readonly factor: number,
    private readonly channels: 1 | 2,
  ) {}

  process(input: Int16Array): Int16Array {
    const { factor, channels } = this;
    const out = new Int16Array(input.length * factor * channels);
    let o = 0;
    let previous = this.previous;
    for (const sample of input) {
      for (let step = 1; step <= factor; step++) {
        const value = Math.round(previous + ((sample - previous) * step) / factor);
        for (let c = 0; c < channels; c++) out[o++] = value;
      }
      previous = sample;
    }
    this.previous = previous;
    return out;
  }
}

/** Interleaved `channels` at `factor` × 8 kHz → 8 kHz mono, averaging each group of samples. */
export function downsampleTo8k(pcm: Int16Array, factor: number, channels: 1 | 2): Int16Array {
  const group = factor * channels;
  const out = new Int16Array(Math.floor(pcm.length / group));
  for (let i = 0, o = 0; o < out.length; o++) {
    let sum = 0;
    for (const end = i + group; i < end; i++) sum += pcm[i] as number;
    out[o] = Math.round(sum / group);
  }
  return out;
}

/** Little-endian 16-bit samples over `bytes`, copied only when the bytes are not 2-byte aligned. */
export function int16View(bytes: Uint8Array): Int16Array {
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  // new Uint8Array(bytes) copies (Buffer#slice would not: its .buffer is the shared pool).
  return new Int16Array(new Uint8Array(bytes).buffer, 0, bytes.byteLength >> 1);
}
