/**
 * Streaming sample-rate converter: a Kaiser-windowed sinc low-pass evaluated at the exact position of every
 * output sample (Smith's bandlimited interpolation), so any pair of rates works, 44.1 kHz -> 8 kHz included,
 * without rounding the ratio. The low-pass removes what the lower rate cannot carry instead of folding it
 * back into the band (naive decimation would turn a 5 kHz whistle into a 3 kHz one on an 8 kHz line).
 *
 * Filter: stopband from the lower rate's Nyquist frequency (4 kHz for 8 kHz output), transition band 15 % of
 * it (passband flat to 3.4 kHz, the top of the telephone band), 70 dB stopband attenuation - well below the
 * ~38 dB signal-to-noise ratio of the mu-law line it feeds. Zero phase: a sound keeps its time.
 *
 * Common rate pairs (44.1 or 48 kHz -> 8 kHz) repeat a small set of kernel phases, so their coefficients are
 * computed once (polyphase); rarer ratios interpolate a finely sampled kernel per tap (about 3x slower).
 */

const ATTENUATION_DB = 70;
const TRANSITION_FRACTION = 0.15;
/** Kernel table entries per zero crossing; linear interpolation between them errs by < 1e-5. */
const TABLE_RESOLUTION = 512;
/** Input samples beyond a kernel's end that a polyphase row may read. */
const TAIL_MARGIN = 2;
/** Above this many precomputed coefficients (8 MB), interpolate instead. */
const MAX_POLYPHASE_COEFFICIENTS = 1 << 20;

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

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Coefficients per phase: output n uses phase (n * inputStep) mod phases, taps starting at firstTap[phase]. */
interface Polyphase {
  phases: number;
  taps: number;
  firstTap: Int32Array;
  coefficients: Float64Array;
}

export class Resampler {
  /** Windowed sinc sampled at TABLE_RESOLUTION points per zero crossing, from the centre outwards. */
  private readonly table: Float64Array;
  /** Zero crossings of the kernel per input sample (2 fc / input rate); also the DC gain correction. */
  private readonly step: number;
  /** Half the kernel length, in input samples. */
  private readonly halfSpan: number;
  /** The rate ratio in lowest terms: output n sits at input n * inputStep / outputStep. */
  private readonly inputStep: number;
  private readonly outputStep: number;
  private readonly polyphase: Polyphase | undefined;
  private readonly identity: boolean;
  /** Buffered input; starts with zeros standing for the silence before the stream. */
  private pending: Float32Array;
  /** Input index of pending[0] (negative while the leading zeros are kept). */
  private pendingStart: number;
  private received = 0;
  private produced = 0;
  private flushed = false;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {
    if (!(Number.isInteger(inputRate) && Number.isInteger(outputRate) && inputRate > 0 && outputRate > 0)) {
      throw new RangeError(`sample rates must be positive whole numbers (${inputRate} -> ${outputRate})`);
    }
    this.identity = inputRate === outputRate;
    const divisor = gcd(inputRate, outputRate);
    this.inputStep = inputRate / divisor;
    this.outputStep = outputRate / divisor;
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
    this.polyphase = this.identity ? undefined : this.buildPolyphase();
    const lead = Math.ceil(this.halfSpan) + 1;
    this.pending = new Float32Array(lead);
    this.pendingStart = -lead;
  }

  /** Feeds input samples; returns the output samples they complete (possibly none). */
  push(input: Float32Array): Float32Array {
    if (this.flushed) throw new Error('the resampler was already flushed');
    this.received += input.length;
    if (this.identity) return input.slice();
    this.append(input);
    // An output sample is ready once the last input its kernel reaches has arrived (polyphase rows run up to
    // two samples past the kernel's end, with zero coefficients there).
    const ready = Math.floor(((this.received - 1 - TAIL_MARGIN - this.halfSpan) * this.outputRate) / this.inputRate) + 1;
    return this.produce(ready);
  }

  /** Ends the stream: the remaining output samples, treating the input as silent after its end. */
  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0);
    this.flushed = true;
    if (this.identity) return new Float32Array(0);
    this.append(new Float32Array(Math.ceil(this.halfSpan) + TAIL_MARGIN + 2));
    return this.produce(Math.ceil((this.received * this.outputRate) / this.inputRate));
  }

  /** The kernel (times the DC gain correction) at `distance` input samples from an output's centre. */
  private kernel(distance: number): number {
    const u = Math.abs(distance) * this.step * TABLE_RESOLUTION;
    const i = Math.floor(u);
    if (i >= this.table.length - 1) return 0;
    const t0 = this.table[i] as number;
    return (t0 + ((this.table[i + 1] as number) - t0) * (u - i)) * this.step;
  }

  private buildPolyphase(): Polyphase | undefined {
    const phases = this.outputStep;
    const taps = Math.floor(2 * this.halfSpan) + 2;
    if (phases * taps > MAX_POLYPHASE_COEFFICIENTS) return undefined;
    const firstTap = new Int32Array(phases);
    const coefficients = new Float64Array(phases * taps);
    for (let p = 0; p < phases; p++) {
      const fraction = p / phases;
      const first = Math.ceil(fraction - this.halfSpan);
      firstTap[p] = first;
      for (let j = 0; j < taps; j++) coefficients[p * taps + j] = this.kernel(fraction - (first + j));
    }
    return { phases, taps, firstTap, coefficients };
  }

  private produce(until: number): Float32Array {
    const count = Math.max(0, until - this.produced);
    const out = new Float32Array(count);
    const { pending, pendingStart, inputStep, outputStep } = this;
    const poly = this.polyphase;
    const coefficients = poly?.coefficients;
    const firstTap = poly?.firstTap;
    const taps = poly?.taps ?? 0;
    for (let j = 0; j < count; j++) {
      const n = this.produced + j;
      // The exact centre position, from integer arithmetic, so long files do not drift.
      const numerator = n * inputStep;
      const whole = Math.floor(numerator / outputStep);
      const phase = numerator - whole * outputStep;
      let acc = 0;
      if (coefficients && firstTap) {
        const base = whole + (firstTap[phase] as number) - pendingStart;
        const c = phase * taps;
        for (let k = 0; k < taps; k++) acc += (pending[base + k] as number) * (coefficients[c + k] as number);
      } else {
        const centre = whole + phase / outputStep;
        const last = Math.floor(centre + this.halfSpan);
        for (let k = Math.ceil(centre - this.halfSpan); k <= last; k++) acc += (pending[k - pendingStart] as number) * this.kernel(centre - k);
      }
      out[j] = acc;
    }
    this.produced += count;
    this.discardBefore(Math.floor((this.produced * inputStep) / outputStep - this.halfSpan) - 1);
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
