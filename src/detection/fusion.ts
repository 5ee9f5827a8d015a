/**
 * Fusion and temporal integration. Novel speech (speech-like, not loop, not a known recording) charges an
 * integrator over `riseSeconds`; anything else drains it over `decaySeconds` (three times faster when the audio
 * matches the loop). The fused confidence is a noisy-OR of the weighted audio and keyword confidences, gated by
 * the call-progress prior. Thresholds T1 < T2 with hysteresis turn it into suspected / confirmed / cleared.
 */
import type { DetectionConfig } from './config.ts';

const FRAME_SECONDS = 0.02;
/** Silent frames in a row that hold the level (a pause between words); longer silence drains it. */
const PAUSE_FRAMES = 15;

export class EvidenceIntegrator {
  /** Integrated audio confidence 0..1. */
  level = 0;
  private readonly rise: number;
  private readonly decay: number;

  constructor(config: DetectionConfig) {
    this.rise = FRAME_SECONDS / config.integration.riseSeconds;
    this.decay = FRAME_SECONDS / config.integration.decaySeconds;
  }

  /**
   * One frame. A silent frame is never speech (the window's speech probability lags: music that stops looks like
   * speech for a few frames), but a short one (a pause between words) does not drain the level either.
   */
  step(novelSpeech: boolean, loopAudio: boolean, silent = false): void {
    this.silentRun = silent ? this.silentRun + 1 : 0;
    if (silent && !loopAudio && this.silentRun <= PAUSE_FRAMES) return;
    if (novelSpeech && !silent) this.level = Math.min(1, this.level + this.rise);
    else this.level = Math.max(0, this.level - this.decay * (loopAudio ? 3 : 1));
  }

  private silentRun = 0;

  reset(): void {
    this.level = 0;
  }
}

export interface FusionInputs {
  /** Integrated audio confidence. */
  audio: number;
  /** Cap on the audio confidence (below T2 while the loop library is immature). */
  audioCap: number;
  keywords: number;
  /** Call-progress gate 0..1. */
  gate: number;
}

export function fuse(config: DetectionConfig, inputs: FusionInputs): number {
  const { weights } = config;
  const audio = weights.speech * weights.loopMatch * Math.min(inputs.audio, inputs.audioCap);
  const keywords = weights.keywords * inputs.keywords;
  const combined = 1 - (1 - audio) * (1 - keywords);
  // A progress weight below 1 softens the gate (0 ignores the prior entirely).
  const gate = 1 - weights.progress * (1 - inputs.gate);
  return combined * gate;
}
