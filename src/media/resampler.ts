/**
 * Streaming sample-rate converter: a Kaiser-windowed sinc low-pass evaluated at the exact position of every
 * output sample (Smith's bandlimited interpolation), so any pair of rates works, 44.1 kHz -> 8 kHz included,
 * without rounding the ratio. The low-pass removes what the lower rate cannot carry instead of folding it
 * back into the band (naive decimation would turn a 5 kHz whistle into a 3 kHz one on an 8 kHz line).
 *
 * Filter: stopband from the lower rate's Nyquist frequency (4 kHz for 8 kHz output), transition band 15 % of
 * it (passband flat to 3.4 kHz, the top of the telephone band), 70 dB stopband attenuation - well below the
 * ~38 dB signal-to-noise ratio of the mu-law line it feeds.
 */

const ATTENUATION_DB = 70;
const TRANSITION_FRACTION = 0.15;
/** Kernel table entries per zero crossing; linear interpolation between them errs by < 1e-5. */
const TABLE_RESOLUTION = 512;

/** Zeroth-order modified Bessel function of the first kind (Kaiser window), by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50 && term > 1e-12 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

export class Resampler {
  /** Windowed sinc sampled at TABLE_RESOLUTION points per zero crossing, from the centre outwards. */
  private readonly table: Float64Array;
  /** Zero crossings of the kernel per input sample (2 fc / input rate); also the DC gain correction. */
  private readonly step: number;
  /** Half the kernel length, in input samples. */
  private readonly halfSpan: number;
  private readonly identity: boolean;
  private pending = new Float32Array(0);
  /** Input index of pending[0]. */
  private pendingStart = 0;
  private received = 0;
  private produced = 0;
  private flushed = false;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {
    if (!(inputRate > 0 && outputRate > 0)) throw new RangeError(`sample rates must be positive (${inputRate} -> ${outputRate})`);
    this.identity = inputRate === outputRate;
    const nyquist = Math.min(inputRate, outputRate) / 2;
    const transition = TRANSITION_FRACTION * nyquist;
    const cutoff = nyquist - transition / 2;
    // Kaiser's design formulas: window length for the attenuation and transition width, and its shape.
    const lengthSeconds = (ATTENUATION_DB - 8) / (2.285 * 2 * Math.PI * transition);
    const beta = 0.1102 * (ATTENUATION_DB - 8.7);
    const zeroCrossings = Math.ceil((lengthSeconds / 2) * 2 * cutoff);
    this.step = (2 * cutoff) / inputRate;
    this.halfSpan = zeroCrossings / this.step;
    const size = zeroCrossings * TABLE_RESOLUTION;
    this.table = new Float64Array(size + 2);
    const i0Beta = besselI0(beta);
    for (let i = 0; i <= size; i++) {
      const u = i / TABLE_RESOLUTION;
      const sinc = i === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
      const r = u / zeroCrossings;
      this.table[i] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta);
    }
  }

  /** Feeds input samples; returns the output samples they complete (possibly none). */
  push(input: Float32Array): Float32Array {
    if (this.flushed) throw new Error('the resampler was already flushed');
    if (this.identity) {
      this.received += input.length;
      return input.slice();
    }
    this.append(input);
    this.received += input.length;
    // An output sample is ready once the last input its kernel reaches has arrived.
    const ready = this.outputsReachingInput(this.received - 1);
    return this.produce(ready);
  }

  /** Ends the stream: the remaining output samples, treating the input as silent after its end. */
  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0);
    this.flushed = true;
    if (this.identity) return new Float32Array(0);
    const total = Math.ceil((this.received * this.outputRate) / this.inputRate);
    return this.produce(total);
  }

  /** How many output samples have their whole kernel at input indexes <= `lastInput`. */
  private outputsReachingInput(lastInput: number): number {
    // Output n is centred on input n * in / out and reaches halfSpan beyond it.
    return Math.max(0, Math.floor(((lastInput - this.halfSpan) * this.outputRate) / this.inputRate) + 1);
  }

  private produce(until: number): Float32Array {
    const count = Math.max(0, until - this.produced);
    const out = new Float32Array(count);
    const { table, step, halfSpan, pending, pendingStart } = this;
    const lastInput = this.received - 1;
    const scale = step * TABLE_RESOLUTION;
    for (let j = 0; j < count; j++) {
      const n = this.produced + j;
      // The exact centre position: integer part and fraction from integer arithmetic, so long files do not drift.
      const numerator = n * this.inputRate;
      const whole = Math.floor(numerator / this.outputRate);
      const centre = whole + (numerator - whole * this.outputRate) / this.outputRate;
      const first = Math.max(0, Math.ceil(centre - halfSpan));
      const last = Math.min(lastInput, Math.floor(centre + halfSpan));
      let acc = 0;
      for (let k = first; k <= last; k++) {
        const u = Math.abs(centre - k) * scale;
        const i = u | 0;
        const t0 = table[i] as number;
        acc += (pending[k - pendingStart] as number) * (t0 + ((table[i + 1] as number) - t0) * (u - i));
      }
      out[j] = acc * step;
    }
    this.produced += count;
    this.discardBefore(Math.floor((this.produced * this.inputRate) / this.outputRate - halfSpan));
    return out;
  }

  private append(input: Float32Array): void {
    const merged = new Float32Array(this.pending.length + input.length);
    merged.set(this.pending);
    merged.set(input, this.pending.length);
    this.pending = merged;
  }

  /** Drops buffered input no future output sample reaches. */
  private discardBefore(index: number): void {
    const drop = Math.min(this.pending.length, index - this.pendingStart);
    if (drop <= 0) return;
    this.pending = this.pending.subarray(drop);
    this.pendingStart += drop;
  }
}

/** Resamples a whole signal at once. */
export function resample(samples: Float32Array, inputRate: number, outputRate: number): Float32Array {
  const resampler = new Resampler(inputRate, outputRate);
  const head = resampler.push(samples);
  const tail = resampler.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
