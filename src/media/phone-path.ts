/**
 * What a recording sounds like after a trip down a telephone line: resampled to 8 kHz, encoded as G.711
 * mu-law and decoded again (the quantization our softphone lines deliver), cut into the 20 ms frames of
 * 160 samples the detectors consume. Feeding a detector a file through this path gives it the same
 * signal a live line would, not a cleaner one.
 */
import { decodeMuLaw, encodeMuLaw } from './mu-law.ts';
import { Resampler } from './resampler.ts';

export const PHONE_SAMPLE_RATE = 8000;
export const PHONE_FRAME_MS = 20;
export const PHONE_FRAME_SAMPLES = (PHONE_SAMPLE_RATE * PHONE_FRAME_MS) / 1000;

export class PhonePath {
  private readonly resampler: Resampler;
  /** Linear samples of a frame still being filled. */
  private readonly partial = new Float32Array(PHONE_FRAME_SAMPLES);
  private filled = 0;
  private ended = false;

  constructor(readonly inputRate: number) {
    this.resampler = new Resampler(inputRate, PHONE_SAMPLE_RATE);
  }

  /** Mono samples on the [-1, 1) scale in; the whole frames they complete out. */
  push(samples: Float32Array): Int16Array[] {
    if (this.ended) throw new Error('the phone path has already ended');
    return this.frame(this.resampler.push(samples));
  }

  /** Ends the stream; a last partial frame is completed with silence. */
  end(): Int16Array[] {
    if (this.ended) return [];
    this.ended = true;
    const frames = this.frame(this.resampler.flush());
    if (this.filled > 0) {
      this.partial.fill(0, this.filled);
      frames.push(this.overTheLine(this.partial));
      this.filled = 0;
    }
    return frames;
  }

  private frame(samples: Float32Array): Int16Array[] {
    const frames: Int16Array[] = [];
    let at = 0;
    while (at < samples.length) {
      const n = Math.min(PHONE_FRAME_SAMPLES - this.filled, samples.length - at);
      this.partial.set(samples.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === PHONE_FRAME_SAMPLES) {
        frames.push(this.overTheLine(this.partial));
        this.filled = 0;
      }
    }
    return frames;
  }

  /** One frame through the codec: 16-bit scale, mu-law encode (clips), decode. */
  private overTheLine(frame: Float32Array): Int16Array {
    const scaled = new Float64Array(PHONE_FRAME_SAMPLES);
    for (let i = 0; i < PHONE_FRAME_SAMPLES; i++) scaled[i] = (frame[i] as number) * 32768;
    return decodeMuLaw(encodeMuLaw(scaled));
  }
}
