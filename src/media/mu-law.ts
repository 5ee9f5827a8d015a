/**
 * ITU-T G.711 mu-law (PCMU, 8 kHz, one byte per sample): the codec of every simulated phone leg, and what a
 * PCMU softphone line delivers raw (ringcentral-softphone does not decode it).
 * Bit-exact with the ITU-T reference code (G.191 Software Tool Library, ulaw_compress / ulaw_expand):
 * 0 -> 0xFF, 32767 -> 0x80, -1 -> 0x7F, -32768 -> 0x00; decoding returns the midpoint of each interval.
 */

const BIAS = 0x84;
const CLIP = 32635;

/** Mu-law byte of silence (linear 0). */
export const MU_LAW_SILENCE = 0xff;

/** Encodes one signed 16-bit linear sample. */
export function linearToMuLaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = pcm < 0 ? 0x80 : 0;
  // Negative samples take their one's complement, as the reference code does (so -1 is a negative zero).
  if (sign) pcm = -pcm - 1;
  if (pcm > CLIP) pcm = CLIP;
  pcm += BIAS;
  // The exponent is the position of the highest set bit above bit 7 (segments of doubling step size).
  let exponent = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (pcm >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one mu-law byte to a signed 16-bit linear sample. */
export function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 && magnitude !== 0 ? -magnitude : magnitude;
}

// Lookup tables: the hot paths (mixing the hold loop, detectors decoding 70 legs) must not branch per sample.
const ENCODE = new Uint8Array(65536);
for (let i = 0; i < 65536; i++) ENCODE[i] = linearToMuLaw(i - 32768);
const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = muLawToLinear(i);

/** Encodes linear samples (Int16Array, or floats already on the 16-bit scale; clipped). */
export function encodeMuLaw(samples: ArrayLike<number>, out = new Uint8Array(samples.length)): Uint8Array {
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-32768, Math.min(32767, Math.round(samples[i] as number)));
    out[i] = ENCODE[s + 32768] as number;
  }
  return out;
}

/** Decodes mu-law bytes to linear 16-bit samples. */
export function decodeMuLaw(bytes: Uint8Array, out = new Int16Array(bytes.length)): Int16Array {
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE[bytes[i] as number] as number;
  return out;
}

/** Root-mean-square level of mu-law audio on the linear 16-bit scale (0 for digital silence). */
export function muLawRms(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) {
    const v = DECODE[bytes[i] as number] as number;
    sum += v * v;
  }
  return Math.sqrt(sum / bytes.length);
}
