/**
 * Turns raw WAV sample bytes into one mono channel of floats on the [-1, 1) scale: every encoding the
 * format reader accepts, channels averaged (a phone line is mono; averaging keeps the level of a centred voice).
 */
import { decodeALaw } from './a-law.ts';
import { decodeMuLaw } from './mu-law.ts';
import type { WavFormat } from './wav-format.ts';

type SampleLayout = Pick<WavFormat, 'encoding' | 'channels' | 'bytesPerSample' | 'blockAlign'>;

/** Decodes whole sample frames of `bytes` (a trailing partial frame is ignored). */
export function decodeMonoSamples(bytes: Uint8Array, format: SampleLayout): Float32Array {
  const frames = Math.floor(bytes.length / format.blockAlign);
  const values = decodeInterleaved(bytes.subarray(0, frames * format.blockAlign), format);
  const channels = format.channels;
  if (channels === 1) return values;
  const mono = new Float32Array(frames);
  for (let f = 0, i = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, i++) sum += values[i] as number;
    mono[f] = sum / channels;
  }
  return mono;
}

/** Every sample of every channel, interleaved as stored, as floats in [-1, 1). */
function decodeInterleaved(bytes: Uint8Array, format: SampleLayout): Float32Array {
  const width = format.bytesPerSample;
  const count = bytes.length / width;
  const out = new Float32Array(count);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format.encoding) {
    case 'mu-law':
    case 'a-law': {
      const linear = format.encoding === 'mu-law' ? decodeMuLaw(bytes) : decodeALaw(bytes);
      for (let i = 0; i < count; i++) out[i] = (linear[i] as number) / 32768;
      return out;
    }
    case 'float':
      for (let i = 0; i < count; i++) {
        const x = width === 4 ? v.getFloat32(i * 4, true) : v.getFloat64(i * 8, true);
        // NaN or infinity in a float file would poison the filter state for the rest of the stream.
        out[i] = Number.isFinite(x) ? Math.max(-1, Math.min(1, x)) : 0;
      }
      return out;
    case 'pcm':
      switch (width) {
        case 1: // 8-bit WAV is unsigned, centred on 128.
          for (let i = 0; i < count; i++) out[i] = ((bytes[i] as number) - 128) / 128;
          return out;
        case 2:
          for (let i = 0; i < count; i++) out[i] = v.getInt16(i * 2, true) / 32768;
          return out;
        case 3:
          for (let i = 0, at = 0; i < count; i++, at += 3) {
            const u = (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16);
            out[i] = ((u << 8) >> 8) / 8388608; // sign-extend 24 bits
          }
          return out;
        default:
          for (let i = 0; i < count; i++) out[i] = v.getInt32(i * 4, true) / 2147483648;
          return out;
      }
  }
}
