/**
 * Landmark fingerprints (Wang 2003, "Shazam"): pairs of spectral peaks (f1, f2, dt) hashed into an integer.
 * Each new peak (target) pairs with the few most recent earlier peaks (anchors) up to MAX_DT frames back; the
 * pair's position is the anchor's frame. Recorded audio that repeats - the hold loop, a known prompt - yields
 * the same hashes at a constant time offset, through the codec and at any frame alignment; a live voice does not.
 */
import { MAX_PEAKS, type FrameAnalyzer } from './frame-analyzer.ts';

/** Anchors up to this many frames (20 ms) before the target. */
const MAX_DT = 12;
/** Each target pairs with at most this many anchors (nearest first). */
const FAN_OUT = 3;
/** Peaks per frame used as targets. */
const TARGETS = 3;
/** Largest frequency gap of a pair, in bins (31.25 Hz). */
const MAX_DF = 48;
const HISTORY = 16;
export const MAX_HASHES_PER_FRAME = TARGETS * FAN_OUT;

export class LandmarkHasher {
  /** Hashes of the last pushed frame and their anchor frame indexes. */
  readonly hashes = new Int32Array(MAX_HASHES_PER_FRAME);
  readonly anchors = new Float64Array(MAX_HASHES_PER_FRAME);
  count = 0;

  private readonly peakRing = new Int16Array(HISTORY * MAX_PEAKS);
  private readonly peakCounts = new Uint8Array(HISTORY);
  private frame = -1;

  /** Index of the last pushed frame (anchors are frame indexes on this count). */
  get frameIndex(): number {
    return this.frame;
  }

  /** Adds the frame's peaks (frame index = number of frames pushed before). */
  push(frame: FrameAnalyzer): void {
    this.frame++;
    const slot = this.frame % HISTORY;
    const n = Math.min(frame.peakCount, TARGETS);
    for (let i = 0; i < n; i++) this.peakRing[slot * MAX_PEAKS + i] = frame.peaks[i] as number;
    this.peakCounts[slot] = n;
    this.count = 0;
    for (let b = 0; b < n; b++) {
      const f2 = this.peakRing[slot * MAX_PEAKS + b] as number;
      let paired = 0;
      for (let dt = 1; dt <= MAX_DT && paired < FAN_OUT; dt++) {
        const anchorFrame = this.frame - dt;
        if (anchorFrame < 0) break;
        const aSlot = anchorFrame % HISTORY;
        const na = this.peakCounts[aSlot] as number;
        for (let a = 0; a < na && paired < FAN_OUT; a++) {
          const f1 = this.peakRing[aSlot * MAX_PEAKS + a] as number;
          const df = f2 - f1;
          if (df < -MAX_DF || df > MAX_DF) continue;
          // 7 bits f1 | 7 bits df | 4 bits dt, at full bin resolution.
          this.hashes[this.count] = (f1 << 11) | ((df + 64) << 4) | dt;
          this.anchors[this.count] = anchorFrame;
          this.count++;
          paired++;
        }
      }
    }
  }
}
