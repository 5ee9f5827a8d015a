/**
 * Fusion and temporal integration. Novel speech (speech-like, not loop, not a known recording) charges an
 * integrator over `riseSeconds`; anything else drains it over `decaySeconds` (three times faster when the audio
 * matches the loop). The fused confidence is a noisy-OR of the weighted audio and keyword confidences, gated by
 * the call-progress prior. Thresholds T1 < T2 with hysteresis turn it into suspected / confirmed / cleared.
 */
import type { DetectionConfig } from './config.ts';

const FRAME_SECONDS = 0.02;

export class EvidenceIntegrator {
  /** Integrated audio confidence 0..1. */
  level = 0;
  private readonly rise: number;
  private readonly decay: number;

  constructor(config: DetectionConfig) {
    this.rise = FRAME_SECONDS / config.integration.riseSeconds;
    this.decay = FRAME_SECONDS / config.integration.decaySeconds;
  }

  step(novelSpeech: boolean, loopAudio: boolean): void {
    if (novelSpeech) this.level = Math.min(1, this.level + this.rise);
    else this.level = Math.max(0, this.level - this.decay * (loopAudio ? 3 : 1));
  }

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
