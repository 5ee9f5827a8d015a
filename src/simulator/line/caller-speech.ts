/**
 * Does the caller speak? The IRS voice check waits for a spoken answer after its beep; whatever the caller's
 * device sends (RTP, decoded to 8 kHz linear) goes through this energy gate. A block is voiced when its RMS is
 * above VOICED_RMS (about -36 dBFS: speech on a phone line sits around -20, comfort noise and digital silence far
 * below); the caller has answered once SPEECH_MS of voiced audio has come, pauses between words allowed. The
 * simulated line checks that someone spoke, not what was said (the real line's recogniser is unknown).
 */
import { SAMPLES_PER_MS } from './audio/constants.ts';

const VOICED_RMS = 500;
/** ASSUMED: a short answer ("five", "green river, blue sky") carries at least this much voiced audio. */
export const SPEECH_MS = 300;

export class CallerSpeech {
  /** Voiced audio heard so far, ms. */
  voicedMs = 0;
  /** All audio heard so far, ms. */
  heardMs = 0;

  /** One block of 8 kHz linear samples; true once the caller has spoken. */
  push(pcm: Int16Array): boolean {
    if (pcm.length === 0) return this.spoke;
    let sum = 0;
    for (const sample of pcm) sum += sample * sample;
    const ms = pcm.length / SAMPLES_PER_MS;
    this.heardMs += ms;
    if (Math.sqrt(sum / pcm.length) >= VOICED_RMS) this.voicedMs += ms;
    return this.spoke;
  }

  get spoke(): boolean {
    return this.voicedMs >= SPEECH_MS;
  }
}
