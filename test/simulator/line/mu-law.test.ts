import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeMuLaw, encodeMuLaw, linearToMuLaw, muLawToLinear } from '../../../src/simulator/line/index.ts';

/** Independent port of the ITU-T G.191 STL reference encoder (ulaw_compress). */
function g191Compress(x: number): number {
  let absno = x < 0 ? (~x >> 2) + 33 : (x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let i = absno >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const out = ((0x8 - segno) << 4) | (0xf - ((absno >> segno) & 0xf));
  return x >= 0 ? out | 0x80 : out;
}

describe('G.711 mu-law', () => {
  it('encodes the known reference values', () => {
    expect(linearToMuLaw(0)).toBe(0xff);
    expect(linearToMuLaw(-1)).toBe(0x7f);
    expect(linearToMuLaw(32767)).toBe(0x80);
    expect(linearToMuLaw(-32768)).toBe(0x00);
    expect(linearToMuLaw(32124)).toBe(0x80);
    expect(linearToMuLaw(-32124)).toBe(0x00);
    expect(linearToMuLaw(1000)).toBe(0xce);
    expect(linearToMuLaw(-1000)).toBe(0x4e);
  });

  it('decodes the known reference values', () => {
    expect(muLawToLinear(0xff)).toBe(0);
    expect(muLawToLinear(0x7f)).toBe(0);
    expect(muLawToLinear(0x80)).toBe(32124);
    expect(muLawToLinear(0x00)).toBe(-32124);
    expect(muLawToLinear(0xce)).toBe(988);
    expect(muLawToLinear(0xfe)).toBe(8);
  });

  it('matches the ITU-T reference encoder for every 16-bit sample', () => {
    const table = new Uint8Array(65536);
    for (let x = -32768; x < 32768; x++) {
      table[x + 32768] = linearToMuLaw(x);
      if (table[x + 32768] !== g191Compress(x)) expect.fail(`sample ${x}`);
    }
    // Pins the table against accidental change (computed from the reference encoder).
    expect(createHash('sha256').update(table).digest('hex')).toBe(
      '90c29de505fb68e766118303bd552a16005dcf810873698bee1d8f3b247ce28c',
    );
  });

  it('round-trips within half a quantisation step', () => {
    for (let x = -32635; x <= 32635; x += 7) {
      const back = muLawToLinear(linearToMuLaw(x));
      const exponent = ((~linearToMuLaw(x) & 0xff) >> 4) & 7;
      expect(Math.abs(back - x)).toBeLessThanOrEqual(4 << exponent);
    }
    for (let b = 0; b < 256; b++) {
      const v = muLawToLinear(b);
      // Every code decodes to a value that encodes back to itself (negative zero aside).
      if (b !== 0x7f) expect(linearToMuLaw(v)).toBe(b);
    }
  });

  it('encodes and decodes buffers', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const bytes = encodeMuLaw(pcm);
    expect([...bytes]).toEqual([0xff, 0xce, 0x4e, 0x80, 0x00]);
    expect([...decodeMuLaw(bytes)]).toEqual([0, 988, -988, 32124, -32124]);
  });
});
