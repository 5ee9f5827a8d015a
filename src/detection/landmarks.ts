/**
 * Landmark fingerprints (Wang 2003, "Shazam"): pairs of spectral peaks (f1, f2, dt) hashed into an integer.
 * A pair anchors at the earlier frame, so hashes come out as soon as the later frame arrives (no look-ahead).
 * Recorded audio that repeats - the hold loop, a known prompt - yields the same hashes at a constant time
 * offset, through the codec and at any frame alignment, while a live voice never does.
 */
import { MAX_PEAKS, type FrameAnalyzer } from './frame-analyzer.ts';

/** Frame distances between anchor and target peak (20 ms frames). */
const PAIR_DT = [2, 5] as const;
const HISTORY = 8;
/** Only the strongest peaks anchor and target (limits hashes per frame to ANCHORS x TARGETS x PAIR_DT). */
const ANCHORS = 2;
const TARGETS = 3;
/** Largest frequency gap of a pair, in bins (31.25 Hz). */
const MAX_DF = 40;
export const MAX_HASHES_PER_FRAME = ANCHORS * TARGETS * PAIR_DT.length;

export class LandmarkHasher {
  /** Hashes of the last pushed frame and their anchor frame indexes. */
  readonly hashes = new Int32Array(MAX_HASHES_PER_FRAME);
  readonly anchors = new Float64Array(MAX_HASHES_PER_FRAME);
  count = 0;

  private readonly peakRing = new Int16Array(HISTORY * MAX_PEAKS);
  private readonly peakCounts = new Uint8Array(HISTORY);
  private frame = -1;

  /** Adds the frame's peaks (frame index = number of frames pushed before). */
  push(frame: FrameAnalyzer): void {
    this.frame++;
    const slot = this.frame % HISTORY;
    const n = Math.min(frame.peakCount, TARGETS);
    for (let i = 0; i < n; i++) this.peakRing[slot * MAX_PEAKS + i] = frame.peaks[i] as number;
    this.peakCounts[slot] = n;
    this.count = 0;
    for (let d = 0; d < PAIR_DT.length; d++) {
      const dt = PAIR_DT[d] as number;
      const anchorFrame = this.frame - dt;
      if (anchorFrame < 0) continue;
      const aSlot = anchorFrame % HISTORY;
      const na = Math.min(this.peakCounts[aSlot] as number, ANCHORS);
      for (let a = 0; a < na; a++) {
        const f1 = this.peakRing[aSlot * MAX_PEAKS + a] as number;
        for (let b = 0; b < n; b++) {
          const f2 = this.peakRing[slot * MAX_PEAKS + b] as number;
          const df = f2 - f1;
          if (df < -MAX_DF || df > MAX_DF) continue;
          // 7 bits f1 | 7 bits df | 2 bits dt index.
          this.hashes[this.count] = (f1 << 9) | ((df + 64) << 2) | d;
          this.anchors[this.count] = anchorFrame;
          this.count++;
        }
      }
    }
  }
}
