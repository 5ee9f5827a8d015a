/**
 * Sliding-window statistics over the last second of frames (50 x 20 ms): the speech-vs-music features of
 * Scheirer & Slaney adapted to the telephone band. Speech has syllables (~4 Hz level modulation, many dips to
 * low energy, high level variation, changing spectra); music is sustained and tonal; ringback is two steady
 * sines; silence has no level. Ring buffers of fixed size, updated in place.
 */
import type { FrameAnalyzer } from './frame-analyzer.ts';

export const WINDOW_FRAMES = 50;
/** Frames per second of the level envelope, for the modulation filter. */
const FRAME_RATE = 50;

// Goertzel-style correlators for 3, 4 and 5 Hz over one window (the syllabic rate band).
const MOD_HZ = [3, 4, 5];
const MOD_COS = MOD_HZ.map((f) => Float64Array.from({ length: WINDOW_FRAMES }, (_, i) => Math.cos((2 * Math.PI * f * i) / FRAME_RATE)));
const MOD_SIN = MOD_HZ.map((f) => Float64Array.from({ length: WINDOW_FRAMES }, (_, i) => Math.sin((2 * Math.PI * f * i) / FRAME_RATE)));

export class WindowFeatures {
  /** Frames seen so far (the window is full after WINDOW_FRAMES). */
  count = 0;
  meanRms = 0;
  /** Share of frames below half the window's mean RMS. */
  lowEnergyRatio = 0;
  /** Standard deviation / mean of frame RMS. */
  rmsCv = 0;
  zcrMean = 0;
  zcrVar = 0;
  fluxMean = 0;
  centroidMean = 0;
  tonalityMean = 0;
  /** Share of the level envelope's variance at 3-5 Hz (0..1). */
  modulation4Hz = 0;
  /** Share of frames below the silence level. */
  silenceRatio = 0;

  private readonly rms = new Float64Array(WINDOW_FRAMES);
  private readonly zcr = new Float64Array(WINDOW_FRAMES);
  private readonly flux = new Float64Array(WINDOW_FRAMES);
  private readonly centroid = new Float64Array(WINDOW_FRAMES);
  private readonly tonality = new Float64Array(WINDOW_FRAMES);
  private at = 0;

  constructor(private readonly silenceRms: number) {}

  push(frame: FrameAnalyzer): void {
    const i = this.at;
    this.rms[i] = frame.rms;
    this.zcr[i] = frame.zcr;
    this.flux[i] = frame.flux;
    this.centroid[i] = frame.centroid;
    this.tonality[i] = frame.tonality;
    this.at = (i + 1) % WINDOW_FRAMES;
    if (this.count < WINDOW_FRAMES) this.count++;
    this.update();
  }

  private update(): void {
    const n = this.count;
    let rmsSum = 0;
    let zcrSum = 0;
    let fluxSum = 0;
    let centroidSum = 0;
    let tonalSum = 0;
    let voiced = 0;
    let silent = 0;
    for (let k = 0; k < n; k++) {
      const r = this.rms[k] as number;
      rmsSum += r;
      zcrSum += this.zcr[k] as number;
      if (r >= this.silenceRms) {
        voiced++;
        fluxSum += this.flux[k] as number;
        centroidSum += this.centroid[k] as number;
        tonalSum += this.tonality[k] as number;
      } else silent++;
    }
    const mean = rmsSum / n;
    const zMean = zcrSum / n;
    let low = 0;
    let rmsVar = 0;
    let zVar = 0;
    for (let k = 0; k < n; k++) {
      const r = this.rms[k] as number;
      if (r < 0.5 * mean) low++;
      rmsVar += (r - mean) ** 2;
      zVar += ((this.zcr[k] as number) - zMean) ** 2;
    }
    this.meanRms = mean;
    this.lowEnergyRatio = low / n;
    this.rmsCv = mean > 0 ? Math.sqrt(rmsVar / n) / mean : 0;
    this.zcrMean = zMean;
    this.zcrVar = zVar / n;
    this.fluxMean = voiced > 0 ? fluxSum / voiced : 0;
    this.centroidMean = voiced > 0 ? centroidSum / voiced : 0;
    this.tonalityMean = voiced > 0 ? tonalSum / voiced : 0;
    this.silenceRatio = silent / n;
    this.modulation4Hz = n === WINDOW_FRAMES && rmsVar > 0 ? this.modulationShare(mean, rmsVar) : 0;
  }

  /** Energy of the (mean-removed) level envelope at 3-5 Hz relative to its total variance. */
  private modulationShare(mean: number, variance: number): number {
    let energy = 0;
    for (let m = 0; m < MOD_HZ.length; m++) {
      const c = MOD_COS[m] as Float64Array;
      const s = MOD_SIN[m] as Float64Array;
      let re = 0;
      let im = 0;
      // Oldest frame first: index (at + k) in the ring, wrapped by a compare (no integer division per term).
      let j = this.at;
      for (let k = 0; k < WINDOW_FRAMES; k++, j = j + 1 === WINDOW_FRAMES ? 0 : j + 1) {
        const v = (this.rms[j] as number) - mean;
        re += v * (c[k] as number);
        im += v * (s[k] as number);
      }
      energy += (re * re + im * im) * (2 / WINDOW_FRAMES);
    }
    return Math.min(1, energy / variance);
  }
}
