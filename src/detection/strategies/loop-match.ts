/**
 * Strategy (b): hold-loop fingerprints. The line's landmark hashes are matched against its destination's
 * shared LoopLibrary; audio that lines up with something heard before on another line, or on this line at
 * least `minRepeatSeconds` earlier, is loop audio - however much it sounds like a person. Unmatched audio is
 * learned, so the library fills while the lines hold. While a line is suspected its audio is kept aside: it
 * joins the library if the suspicion clears (it was an announcement) and is dropped if it was the agent.
 */
import type { LandmarkHasher } from '../landmarks.ts';
import { OffsetMatcher, SOURCE_SPAN } from '../landmark-index.ts';
import { sourceOf, type LoopLibrary } from '../loop-library.ts';
import type { StrategyEvidence } from '../types.ts';
import { round } from './speech-music.ts';

/** Frames of audio kept aside while suspected (hashes, positions); beyond this the oldest are dropped. */
const PENDING_LIMIT = 30 * 50 * 12;

export class LoopMatchStrategy {
  private readonly matcher = new OffsetMatcher();
  private readonly source: number;
  private readonly base: number;
  private readonly minRepeatFrames: number;
  private readonly pendingHashes = new Int32Array(PENDING_LIMIT);
  private readonly pendingPositions = new Float64Array(PENDING_LIMIT);
  private pendingCount = 0;
  /** The best match is this line's own earlier audio (a repeat) rather than another line's. */
  selfRepeat = false;

  constructor(
    private readonly library: LoopLibrary,
    private readonly matchThreshold: number,
    minRepeatSeconds: number,
    private readonly learn: boolean,
  ) {
    this.source = library.registerLine();
    this.base = this.source * SOURCE_SPAN;
    this.minRepeatFrames = Math.round(minRepeatSeconds * 50);
  }

  private readonly accept = (_position: number, offset: number): boolean =>
    offset <= -this.minRepeatFrames || offset >= this.minRepeatFrames;

  get score(): number {
    return this.matcher.score;
  }

  get matched(): boolean {
    return this.matcher.score >= this.matchThreshold;
  }

  /**
   * One frame's hashes. `mode`: 'learn' adds unmatched audio to the library, 'hold' keeps it aside,
   * 'ignore' neither (after a confirmation). `speechLike` lets a matched repeat of speech mature the library.
   */
  update(hasher: LandmarkHasher, mode: 'learn' | 'hold' | 'ignore', speechLike: boolean): void {
    const { hashes, anchors, count } = hasher;
    this.matcher.update(this.library.index, hashes, anchors, count, this.base, this.accept);
    this.selfRepeat = this.matched && sourceOf(this.matcher.bestPosition) === this.source;
    if (this.matched && speechLike && this.selfRepeat) this.library.markMature();
    if (!this.learn || this.matched || mode === 'ignore') return;
    for (let i = 0; i < count; i++) {
      const position = this.base + (anchors[i] as number);
      if (mode === 'learn') this.library.learn(hashes[i] as number, position);
      else if (this.pendingCount < PENDING_LIMIT) {
        this.pendingHashes[this.pendingCount] = hashes[i] as number;
        this.pendingPositions[this.pendingCount] = position;
        this.pendingCount++;
      }
    }
  }

  /** The suspicion cleared: what was kept aside was loop audio after all. */
  commitPending(): void {
    for (let i = 0; i < this.pendingCount; i++) {
      this.library.learn(this.pendingHashes[i] as number, this.pendingPositions[i] as number);
    }
    this.pendingCount = 0;
  }

  dropPending(): void {
    this.pendingCount = 0;
  }

  evidence(): StrategyEvidence {
    return {
      strategy: 'loopMatch',
      // Confidence that the audio is novel (not the loop).
      confidence: round(1 - Math.min(1, this.matcher.score / Math.max(1e-6, this.matchThreshold))),
      inputs: {
        score: round(this.matcher.score),
        threshold: this.matchThreshold,
        selfRepeat: this.selfRepeat,
        libraryMature: this.library.mature,
        librarySize: this.library.size,
        source: this.source,
      },
    };
  }
}
