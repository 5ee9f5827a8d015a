/**
 * Frames -> per-frame analysis and landmark hashes: the shared front end of every strategy. Feeding recorded
 * audio through this same path (known prompts) guarantees that the library and the live line hash alike.
 */
import { FRAME_SAMPLES, FrameAnalyzer } from './frame-analyzer.ts';
import { LandmarkHasher } from './landmarks.ts';

export class FingerprintStream {
  readonly frame: FrameAnalyzer;
  readonly hasher = new LandmarkHasher();

  /** `peaksOnly`: hashes only (no flux, centroid, tonality), for streams no classifier reads. */
  constructor(silenceRms: number, peaksOnly = false) {
    this.frame = new FrameAnalyzer(silenceRms, peaksOnly);
  }

  push(pcm: Int16Array): void {
    this.frame.push(pcm);
    this.hasher.push(this.frame);
  }

  /** Calls `onFrame` after each 160-sample frame of `pcm` (a whole recording). */
  static eachFrame(pcm: Int16Array, silenceRms: number, onFrame: (stream: FingerprintStream, frameIndex: number) => void): void {
    const stream = new FingerprintStream(silenceRms);
    for (let i = 0, f = 0; i + FRAME_SAMPLES <= pcm.length; i += FRAME_SAMPLES, f++) {
      stream.push(pcm.subarray(i, i + FRAME_SAMPLES));
      onFrame(stream, f);
    }
  }
}
