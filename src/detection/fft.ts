/**
 * A real-input power spectrum for one fixed size (256 samples = 32 ms at 8 kHz, 31.25 Hz per bin): the N real
 * samples are packed into an N/2-point complex FFT (even samples real, odd imaginary) and split afterwards, so a
 * frame costs half a complex FFT of its size. Twiddles, bit-reversal and the Hann window are tables built once;
 * the work buffers are reused, so a call allocates nothing.
 */
interface Tables {
  window: Float64Array;
  cos: Float64Array;
  sin: Float64Array;
  splitCos: Float64Array;
  splitSin: Float64Array;
  reversed: Uint16Array;
  /** Twiddles of each radix-2 stage laid out contiguously: stage `len`'s k-th (k < len/2) at len/2 + k. */
  stageCos: Float64Array;
  stageSin: Float64Array;
}
/** Tables per size, shared by every instance (a detector has several analyzers; a host has many detectors). */
const TABLES = new Map<number, Tables>();

function tables(size: number): Tables {
  const cached = TABLES.get(size);
  if (cached) return cached;
  const half = size / 2;
  const window = new Float64Array(size);
  for (let i = 0; i < size; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  const cos = new Float64Array(half / 2);
  const sin = new Float64Array(half / 2);
  for (let i = 0; i < half / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / half);
    sin[i] = -Math.sin((2 * Math.PI * i) / half);
  }
  const splitCos = new Float64Array(half);
  const splitSin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    splitCos[k] = Math.cos((2 * Math.PI * k) / size);
    splitSin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  const reversed = new Uint16Array(half);
  const bits = Math.log2(half);
  for (let i = 0; i < half; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reversed[i] = r;
  }
  const stageCos = new Float64Array(half);
  const stageSin = new Float64Array(half);
  for (let len = 2; len <= half; len <<= 1) {
    for (let k = 0; k < len / 2; k++) {
      stageCos[len / 2 + k] = cos[k * (half / len)] as number;
      stageSin[len / 2 + k] = sin[k * (half / len)] as number;
    }
  }
  const made = { window, cos, sin, splitCos, splitSin, reversed, stageCos, stageSin };
  TABLES.set(size, made);
  return made;
}

export class PowerSpectrum {
  readonly size: number;
  readonly bins: number;
  private readonly window: Float64Array;
  /** Twiddles of the real split (e^{-2 pi i k / N}, k < N/2). */
  private readonly splitCos: Float64Array;
  private readonly splitSin: Float64Array;
  private readonly reversed: Uint16Array;
  private readonly stageCos: Float64Array;
  private readonly stageSin: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size = 256) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two >= 4, got ${size}`);
    this.size = size;
    this.bins = size / 2 + 1;
    const half = size / 2;
    const t = tables(size);
    this.window = t.window;
    this.splitCos = t.splitCos;
    this.splitSin = t.splitSin;
    this.reversed = t.reversed;
    this.stageCos = t.stageCos;
    this.stageSin = t.stageSin;
    this.re = new Float64Array(half);
    this.im = new Float64Array(half);
  }

  /**
   * Windowed power spectrum of `samples[start .. start+size)` read circularly from a ring buffer (length a
   * power of two), written to `out` (length `bins`).
   */
  compute(ring: Float64Array, start: number, out: Float64Array): void {
    const n = this.size >> 1;
    const { re, im, window, reversed } = this;
    const mask = ring.length - 1;
    for (let i = 0; i < n; i++) {
      const j = reversed[i] as number;
      const s = start + 2 * i;
      re[j] = (ring[s & mask] as number) * (window[2 * i] as number);
      im[j] = (ring[(s + 1) & mask] as number) * (window[2 * i + 1] as number);
    }
    // The first two stages have trivial twiddles (1, then 1 and -i): one multiplication-free radix-4 pass.
    for (let i = 0; i < n; i += 4) {
      const r0 = re[i] as number;
      const i0 = im[i] as number;
      const r1 = re[i + 1] as number;
      const i1 = im[i + 1] as number;
      const r2 = re[i + 2] as number;
      const i2 = im[i + 2] as number;
      const r3 = re[i + 3] as number;
      const i3 = im[i + 3] as number;
      const ar = r0 + r1;
      const ai = i0 + i1;
      const br = r0 - r1;
      const bi = i0 - i1;
      const cr = r2 + r3;
      const ci = i2 + i3;
      const dr = r2 - r3;
      const di = i2 - i3;
      re[i] = ar + cr;
      im[i] = ai + ci;
      re[i + 2] = ar - cr;
      im[i + 2] = ai - ci;
      // (dr + i di) * -i = di - i dr
      re[i + 1] = br + di;
      im[i + 1] = bi - dr;
      re[i + 3] = br - di;
      im[i + 3] = bi + dr;
    }
    // Remaining radix-2 stages. k = 0 has the twiddle 1 (no multiplications, same values); the other twiddles are
    // read from per-stage contiguous tables (stageCos/stageSin: stage len's k-th twiddle at len/2 + k).
    const { stageCos, stageSin } = this;
    for (let len = 8; len <= n; len <<= 1) {
      const half = len >> 1;
      for (let i = 0; i < n; i += len) {
        {
          const b = i + half;
          const br = re[b] as number;
          const bi = im[b] as number;
          const ar = re[i] as number;
          const ai = im[i] as number;
          re[b] = ar - br;
          im[b] = ai - bi;
          re[i] = ar + br;
          im[i] = ai + bi;
        }
        for (let k = 1; k < half; k++) {
          const wr = stageCos[half + k] as number;
          const wi = stageSin[half + k] as number;
          const a = i + k;
          const b = a + half;
          const br = re[b] as number;
          const bi = im[b] as number;
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          const ar = re[a] as number;
          const ai = im[a] as number;
          re[b] = ar - tr;
          im[b] = ai - ti;
          re[a] = ar + tr;
          im[a] = ai + ti;
        }
      }
    }
    // Split: X[k] = E[k] + W^k O[k], E[k] = (Z[k] + conj Z[n-k]) / 2, O[k] = (Z[k] - conj Z[n-k]) / 2i.
    const z0r = re[0] as number;
    const z0i = im[0] as number;
    out[0] = (z0r + z0i) ** 2;
    out[n] = (z0r - z0i) ** 2;
    const { splitCos, splitSin } = this;
    for (let k = 1; k < n; k++) {
      const zr = re[k] as number;
      const zi = im[k] as number;
      const cr = re[n - k] as number;
      const ci = -(im[n - k] as number);
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      // (Z - conj) / 2i: (a + bi) / 2i = (b - ai) / 2.
      const dr = zr - cr;
      const di = zi - ci;
      const or = 0.5 * di;
      const oi = -0.5 * dr;
      const wr = splitCos[k] as number;
      const wi = splitSin[k] as number;
      const xr = er + or * wr - oi * wi;
      const xi = ei + or * wi + oi * wr;
      out[k] = xr * xr + xi * xi;
    }
  }
}
