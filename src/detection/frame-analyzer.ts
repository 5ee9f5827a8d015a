/**
 * Per-frame measurements of one 20 ms frame (160 samples at 8 kHz): level, zero crossings, and a 256-sample
 * spectrum (the frame plus the tail of the previous one) from which come spectral flux, centroid, tonal
 * stability and the spectral peaks the fingerprints are made of. One instance per line; every buffer is
 * reused, so pushing a frame allocates nothing.
 */
import { PowerSpectrum } from './fft.ts';

export const FRAME_SAMPLES = 160;
export const FRAME_SECONDS = 0.02;
const FFT_SIZE = 256;
const HZ_PER_BIN = 8000 / FFT_SIZE;
/** Telephone band 300-3400 Hz in bins: energy outside it is line noise, not content. */
const BAND_LOW = Math.round(300 / HZ_PER_BIN);
const BAND_HIGH = Math.round(3400 / HZ_PER_BIN);
/** Up to this many peaks per frame feed the fingerprints. */
export const MAX_PEAKS = 4;
/** A peak must be the maximum within this many bins either side. */
const PEAK_NEIGHBOURHOOD = 3;
/** ... and this much above the frame's mean in-band log power (dB). */
const PEAK_MIN_PROMINENCE_DB = 8;
/** 10 log10(x) = DB_PER_LN ln(x). */
const DB_PER_LN = 10 / Math.LN10;
/** Bins multiplied before one log (powers stay below ~1e14, so 16 of them stay far below the double range). */
const LOG_CHUNK = 16;

/**
 * The peak floor of a power spectrum, as a power: a bin is a peak candidate when 10 log10(p + 1) >= the mean
 * in-band 10 log10(p + 1) + PEAK_MIN_PROMINENCE_DB, i.e. p + 1 >= the returned value. The sum of logs is taken
 * as the logs of products of LOG_CHUNK bins (7 logs instead of 100 per frame; equal up to rounding).
 */
function floorOf(power: Float64Array): number {
  let logSum = 0;
  for (let k = BAND_LOW; k <= BAND_HIGH; k += LOG_CHUNK) {
    const end = Math.min(BAND_HIGH, k + LOG_CHUNK - 1);
    let product = 1;
    for (let j = k; j <= end; j++) product *= (power[j] as number) + 1;
    logSum += Math.log(product);
  }
  const floorDb = (DB_PER_LN * logSum) / (BAND_HIGH - BAND_LOW + 1) + PEAK_MIN_PROMINENCE_DB;
  return Math.exp(floorDb / DB_PER_LN);
}

export class FrameAnalyzer {
  /** RMS on the 16-bit scale. */
  rms = 0;
  /** Zero crossings per sample (0..1). */
  zcr = 0;
  /** Spectral flux: distance between this and the previous level-normalised magnitude spectrum (0..~1.4). */
  flux = 0;
  /** Power-weighted mean frequency in band, Hz. */
  centroid = 0;
  /** Share of in-band power in the two strongest bins and their neighbours (pure tones approach 1). */
  tonality = 0;
  /** Peak bins of the previous frame (picked one frame late; strongest first) and how many are valid. */
  readonly peaks = new Int16Array(MAX_PEAKS);
  peakCount = 0;

  private readonly ring = new Float64Array(512);
  private writeAt = 0;
  private readonly fft = new PowerSpectrum(FFT_SIZE);
  private power = new Float64Array(FFT_SIZE / 2 + 1);
  /**
   * Power spectra of the two previous frames: peaks are picked one frame late, as time-local maxima too. Peaks
   * compare powers (the log is monotonic, so the same maxima as log powers, without a log per bin).
   */
  private previousPower = new Float64Array(FFT_SIZE / 2 + 1);
  private olderPower = new Float64Array(FFT_SIZE / 2 + 1);
  /** The previous frame's peak floor as a power: mean in-band log power + PEAK_MIN_PROMINENCE_DB, mapped back. */
  private previousFloor = Number.POSITIVE_INFINITY;
  private previousLoud = false;
  private magnitude = new Float64Array(FFT_SIZE / 2 + 1);
  private previousMagnitude = new Float64Array(FFT_SIZE / 2 + 1);
  private readonly peakPower = new Float64Array(MAX_PEAKS);

  /** Sum of the previous frame's in-band magnitudes (the flux normaliser, kept instead of summed again). */
  private previousMagSum = 0;

  /**
   * `peaksOnly`: only level, zero crossings and peaks are kept up to date (flux, centroid and tonality stay 0) - for
   * the sub-frame phase streams of loop learning, which only hash peaks (same peaks, about a third less work).
   */
  constructor(
    private readonly silenceRms: number,
    private readonly peaksOnly = false,
  ) {}

  push(pcm: Int16Array): void {
    const ring = this.ring;
    const mask = ring.length - 1;
    let sum = 0;
    let crossings = 0;
    let last = ring[(this.writeAt - 1) & mask] as number;
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i] as number;
      sum += v * v;
      if ((v >= 0) !== (last >= 0)) crossings++;
      last = v;
      ring[this.writeAt] = v;
      this.writeAt = (this.writeAt + 1) & mask;
    }
    this.rms = Math.sqrt(sum / Math.max(1, pcm.length));
    this.zcr = crossings / Math.max(1, pcm.length);
    if (this.peaksOnly) this.peakSpectrum();
    else this.spectrum();
  }

  /** The log spectrum, floor and peaks only (see `peaksOnly`): the same values `spectrum` computes for them. */
  private peakSpectrum(): void {
    const power = this.rotate();
    this.fft.compute(this.ring, (this.writeAt - FFT_SIZE) & (this.ring.length - 1), power);
    const floor = floorOf(power);
    this.pickPeaks();
    this.previousFloor = floor;
    this.previousLoud = this.rms >= this.silenceRms;
  }

  /** Rotates the power buffers (older <- previous <- current) and returns the one to fill. */
  private rotate(): Float64Array {
    const recycled = this.olderPower;
    this.olderPower = this.previousPower;
    this.previousPower = this.power;
    this.power = recycled;
    return recycled;
  }

  private spectrum(): void {
    // Rotate the log-spectrum buffers: older <- previous <- current.
    const power = this.rotate();
    this.fft.compute(this.ring, (this.writeAt - FFT_SIZE) & (this.ring.length - 1), power);
    // Swap magnitude buffers (previous <- current) instead of copying.
    const swap = this.previousMagnitude;
    this.previousMagnitude = this.magnitude;
    this.magnitude = swap;
    const magnitude = this.magnitude;

    let total = 0;
    let weighted = 0;
    let magSum = 0;
    let top1 = 0;
    let top2 = 0;
    for (let k = BAND_LOW; k <= BAND_HIGH; k++) {
      const p = power[k] as number;
      total += p;
      weighted += p * k * HZ_PER_BIN;
      const m = Math.sqrt(p);
      magnitude[k] = m;
      magSum += m;
      const local = p + (power[k - 1] as number) + (power[k + 1] as number);
      if (local > top1) {
        top2 = top1;
        top1 = local;
      } else if (local > top2) top2 = local;
    }
    this.centroid = total > 0 ? weighted / total : 0;
    this.tonality = total > 0 ? Math.min(1, (top1 + top2) / (total * 1.5)) : 0;

    // Flux between level-normalised magnitude spectra, so loudness changes alone do not count.
    let flux = 0;
    const prevSum = this.previousMagSum;
    this.previousMagSum = magSum;
    const previous = this.previousMagnitude;
    if (magSum > 0 && prevSum > 0) {
      for (let k = BAND_LOW; k <= BAND_HIGH; k++) {
        const d = (magnitude[k] as number) / magSum - (previous[k] as number) / prevSum;
        flux += d * d;
      }
      flux = Math.sqrt(flux) * 10;
    } else flux = 0;
    this.flux = flux;

    const floor = floorOf(power);
    this.pickPeaks();
    this.previousFloor = floor;
    this.previousLoud = this.rms >= this.silenceRms;
  }

  /**
   * Peaks of the previous frame: maxima within +-PEAK_NEIGHBOURHOOD bins and over the frames either side
   * (time-frequency local maxima, as in Wang 2003), strongest first. Sustained partials then yield a few
   * landmarks instead of one per frame, which keeps hashes specific.
   */
  private pickPeaks(): void {
    this.peakCount = 0;
    if (!this.previousLoud) return;
    const { peaks, peakPower } = this;
    const log = this.previousPower;
    const before = this.olderPower;
    const after = this.power;
    const floor = this.previousFloor;
    for (let k = BAND_LOW + PEAK_NEIGHBOURHOOD; k <= BAND_HIGH - PEAK_NEIGHBOURHOOD; k++) {
      const v = log[k] as number;
      if (v + 1 < floor) continue;
      let isMax = true;
      for (let d = 1; d <= PEAK_NEIGHBOURHOOD && isMax; d++) {
        if ((log[k - d] as number) > v || (log[k + d] as number) >= v) isMax = false;
      }
      for (let d = -1; d <= 1 && isMax; d++) {
        if ((before[k + d] as number) > v || (after[k + d] as number) >= v) isMax = false;
      }
      if (!isMax) continue;
      // Insert into the small sorted list of strongest peaks.
      const full = this.peakCount === MAX_PEAKS;
      if (full && v <= (peakPower[MAX_PEAKS - 1] as number)) continue;
      let at = full ? MAX_PEAKS - 1 : this.peakCount++;
      while (at > 0 && (peakPower[at - 1] as number) < v) {
        peakPower[at] = peakPower[at - 1] as number;
        peaks[at] = peaks[at - 1] as number;
        at--;
      }
      peakPower[at] = v;
      peaks[at] = k;
    }
  }
}
