/**
 * A radix-2 real-input power spectrum for one fixed size (256 samples = 32 ms at 8 kHz, 31.25 Hz per bin).
 * Twiddles, bit-reversal and the Hann window are tables built once; the work buffers are reused, so a call
 * allocates nothing.
 */
export class PowerSpectrum {
  readonly size: number;
  readonly bins: number;
  private readonly window: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint16Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size = 256) {
    if (size < 2 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two, got ${size}`);
    this.size = size;
    this.bins = size / 2 + 1;
    this.window = new Float64Array(size);
    for (let i = 0; i < size; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let i = 0; i < size / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / size);
      this.sin[i] = -Math.sin((2 * Math.PI * i) / size);
    }
    this.reversed = new Uint16Array(size);
    const bits = Math.log2(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
  }

  /**
   * Windowed power spectrum of `samples[start .. start+size)` read circularly from a ring buffer, written to
   * `out` (length `bins`).
   */
  compute(ring: Float64Array, start: number, out: Float64Array): void {
    const n = this.size;
    const re = this.re;
    const im = this.im;
    const mask = ring.length - 1;
    for (let i = 0; i < n; i++) {
      const j = this.reversed[i] as number;
      re[j] = (ring[(start + i) & mask] as number) * (this.window[i] as number);
      im[j] = 0;
    }
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      const step = n / len;
      for (let i = 0; i < n; i += len) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * step] as number;
          const wi = this.sin[k * step] as number;
          const a = i + k;
          const b = a + half;
          const br = re[b] as number;
          const bi = im[b] as number;
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          re[b] = (re[a] as number) - tr;
          im[b] = (im[a] as number) - ti;
          re[a] = (re[a] as number) + tr;
          im[a] = (im[a] as number) + ti;
        }
      }
    }
    for (let k = 0; k < this.bins; k++) out[k] = (re[k] as number) ** 2 + (im[k] as number) ** 2;
  }
}
