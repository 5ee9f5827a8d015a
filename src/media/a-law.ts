/**
 * ITU-T G.711 A-law decoding (the European telephone codec; WAV format 6). Only decoding: the phone path
 * re-encodes everything as mu-law, the codec of the lines we hold (src/media/mu-law.ts).
 * Bit-exact with the ITU-T reference alaw_expand (G.191): 0xD5 -> 8, 0x55 -> -8, 0xAA -> 32256.
 */

/** Decodes one A-law byte to a signed 16-bit linear sample. */
export function aLawToLinear(byte: number): number {
  // Even bits are inverted on the wire (so idle lines are not all zeros).
  const a = (byte ^ 0x55) & 0xff;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = aLawToLinear(i);

/** Decodes A-law bytes to linear 16-bit samples. */
export function decodeALaw(bytes: Uint8Array, out = new Int16Array(bytes.length)): Int16Array {
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE[bytes[i] as number] as number;
  return out;
}
