/**
 * Strategy (a): is the line carrying speech, music, a call-progress tone or silence? A logistic model over the
 * one-second window features (weights fitted once on the Debian corpus - see docs/detection.md - and frozen
 * here). It cannot tell a recording from a person; that is the loop and prompt matchers' job.
 */
import type { FrameAnalyzer } from '../frame-analyzer.ts';
import type { StrategyEvidence } from '../types.ts';
import { WINDOW_FRAMES, type WindowFeatures } from '../window-features.ts';

export type SoundClass = 'silence' | 'tone' | 'music' | 'speech';

/** Logistic weights: bias, low-energy ratio, RMS CV, ZCR variance (x100, capped 3), flux, tonality, 4 Hz, silence. */
const WEIGHTS = [-15.397, 7.873, 0.832, 0.417, 11.78, -0.436, 1.203, -4.489] as const;
/** Two steady sines (ringback 440+480, busy 480+620) put nearly all power in two bins. */
const TONE_TONALITY = 0.95;
/** A music run this long, then no music for a while, is a "music stop". */
const MUSIC_RUN_FRAMES = 5 * 50;
const MUSIC_STOP_RECENT_FRAMES = 3 * 50;

export class SpeechMusicStrategy {
  probability = 0;
  sound: SoundClass = 'silence';
  private musicRun = 0;
  private framesSinceLongMusic = Number.POSITIVE_INFINITY;

  constructor(private readonly silenceRms: number) {}

  update(frame: FrameAnalyzer, window: WindowFeatures): void {
    if (window.silenceRatio > 0.8 || window.meanRms < this.silenceRms) {
      this.probability = 0;
      this.sound = 'silence';
    } else if (window.tonalityMean > TONE_TONALITY) {
      this.probability = 0;
      this.sound = 'tone';
    } else {
      const z =
        WEIGHTS[0] +
        WEIGHTS[1] * window.lowEnergyRatio +
        WEIGHTS[2] * window.rmsCv +
        WEIGHTS[3] * Math.min(3, window.zcrVar * 100) +
        WEIGHTS[4] * window.fluxMean +
        WEIGHTS[5] * window.tonalityMean +
        WEIGHTS[6] * window.modulation4Hz +
        WEIGHTS[7] * window.silenceRatio;
      // A window that is not yet full has seen too little to be sure: shrink towards 0.5.
      const certainty = window.count / WINDOW_FRAMES;
      this.probability = 0.5 + (1 / (1 + Math.exp(-z)) - 0.5) * certainty;
      this.sound = this.probability >= 0.5 ? 'speech' : 'music';
    }
    if (this.sound === 'music' && frame.rms >= this.silenceRms) this.musicRun++;
    else if (this.sound !== 'music') {
      if (this.musicRun >= MUSIC_RUN_FRAMES) this.framesSinceLongMusic = 0;
      this.musicRun = 0;
    }
    this.framesSinceLongMusic++;
  }

  /** Music played for a while and stopped within the last few seconds (a pickup cue - but loops do it too). */
  get musicStoppedRecently(): boolean {
    return this.framesSinceLongMusic <= MUSIC_STOP_RECENT_FRAMES;
  }

  evidence(window: WindowFeatures): StrategyEvidence {
    return {
      strategy: 'speech',
      confidence: round(this.probability),
      inputs: {
        sound: this.sound,
        meanRms: round(window.meanRms),
        lowEnergyRatio: round(window.lowEnergyRatio),
        rmsCv: round(window.rmsCv),
        zcrMean: round(window.zcrMean),
        zcrVar: round(window.zcrVar, 5),
        fluxMean: round(window.fluxMean),
        centroidHz: Math.round(window.centroidMean),
        tonality: round(window.tonalityMean),
        modulation4Hz: round(window.modulation4Hz),
        silenceRatio: round(window.silenceRatio),
        musicStoppedRecently: this.musicStoppedRecently,
      },
    };
  }
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
