import { describe, expect, it } from 'vitest';
import { muLawToLinear } from '../../src/media/mu-law.ts';

/** Independent port of the ITU-T G.191 STL reference decoder (ulaw_expand), 16-bit output. */
function g191Expand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  const inverted = ~code & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const step = 4 << (exponent + 1);
  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33);
}

describe('G.711 mu-law decoding matches the ITU-T reference table', () => {
  it('decodes all 256 codes to the ITU values (16-bit scale)', () => {
    for (let code = 0; code < 256; code++) {
      // The reference gives -0 for 0x7F; linear 0 either way.
      const expected = g191Expand(code) || 0;
      expect(muLawToLinear(code), `code 0x${code.toString(16)}`).toBe(expected);
    }
  });

  it('pins G.711 Table 2a endpoints (segment boundaries)', () => {
    // Code 0x80 is the largest positive value, 0xFE the smallest; 0xEF/0xF0 straddle segments 0 and 1.
    expect(muLawToLinear(0x80)).toBe(32124);
    expect(muLawToLinear(0xfe)).toBe(8);
    expect(muLawToLinear(0xf0)).toBe(120);
    expect(muLawToLinear(0xef)).toBe(132);
    expect(muLawToLinear(0x70)).toBe(-120);
  });
});
