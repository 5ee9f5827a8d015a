/**
 * One line's audio as 8 kHz 20 ms frames, what the detector and live listening take: PCMU lines' frames pass as
 * they are; other rates (Opus lines at 16 kHz) go through the same phone path a recording does.
 */
import type { AudioFrame } from './call-audio.ts';
import { PHONE_FRAME_SAMPLES, PHONE_SAMPLE_RATE, PhonePath } from './phone-path.ts';

export class PhoneFrames {
  private path: PhonePath | undefined;

  of(frame: AudioFrame): Int16Array[] {
    if (frame.sampleRate === PHONE_SAMPLE_RATE && frame.pcm.length === PHONE_FRAME_SAMPLES) return [frame.pcm];
    this.path ??= new PhonePath(frame.sampleRate);
    return this.path.push(Float32Array.from(frame.pcm, (v) => v / 32768));
  }
}
