/**
 * Strategy (b): hold-loop fingerprints. The line's landmark hashes are matched against its destination's
 * shared LoopLibrary; audio that lines up with something heard before on another line, or on this line at
 * least `minRepeatSeconds` earlier, is loop audio - however much it sounds like a person. Unmatched audio is
 * learned, so the library fills while the lines hold. While a line is suspected its audio is kept aside: it
 * joins the library if the suspicion clears (it was an announcement) and is dropped if it was the agent.
 */
import { FingerprintStream } from '../fingerprint-stream.ts';
import type { LandmarkHasher } from '../landmarks.ts';
import { OffsetMatcher, SOURCE_SPAN } from '../landmark-index.ts';
import { sourceOf, type LoopLibrary } from '../loop-library.ts';
import type { StrategyEvidence } from '../types.ts';
import { round } from './speech-music.ts';

/**
 * Landmarks depend on where the 20 ms frames fall; two lines (or two passes of a loop) are never aligned. So
 * unmatched audio is learned at four sub-frame phases (0, 5, 10, 15 ms): any later alignment is then within
 * 2.5 ms of a learned one, where most hashes still agree.
 */
const LEARN_PHASES = [0, 40, 80, 120] as const;
/**
 * The phase streams run only while the line learns. When learning resumes after a pause they are rebuilt and fed
 * the frames just before (from this much history, without learning them), so their peaks and peak pairs have the
 * same context as the line's own analysis; otherwise the start of every learned stretch (an announcement after a
 * matched music bed) would be learned from stale context and match poorly at other alignments.
 */
const PRIME_FRAMES = 14;

/** Frames of audio kept aside while suspected (hashes, positions); beyond this the oldest are dropped. */
const PENDING_LIMIT = 30 * 50 * 36;
/** Sustained self-repeat of speech (frames) that marks the library mature. */
const MATURE_AFTER_FRAMES = 150;
/** After a match, this many frames still count as loop audio: a recording does not turn into a person mid-sentence. */
const TAINT_FRAMES = 20;
/** Share of the match threshold the fast score must reach too. */
const FAST_SHARE = 0.5;
/** A tracked match (see `tracking`) holds while both its scores stay at or above this. */
const SUSTAIN_SCORE = 0.08;

export class LoopMatchStrategy {
  private readonly matcher = new OffsetMatcher();
  /** This line's source number in the library (a shadow detector shares its live detector's). */
  readonly source: number;
  private readonly silenceRms: number;
  /** Shares a live detector's source (a shadow made with `shadowOf`): its own-audio rule already applies. */
  private readonly sharedSource: boolean;
  private readonly base: number;
  private readonly minRepeatFrames: number;
  // Grown on demand (most lines are never suspected): up to PENDING_LIMIT entries.
  private pendingHashes = new Int32Array(0);
  private pendingPositions = new Float64Array(0);
  private pendingCount = 0;
  /** Made on first learning (a shadow or a non-learning detector never needs them). */
  private phaseStreams: FingerprintStream[] | undefined;
  /** The line's last PRIME_FRAMES + 1 frames of PCM (oldest first), kept while the line learns at all. */
  private readonly history = new Int16Array((PRIME_FRAMES + 1) * 160);
  /** Line frame index at which the phase streams were last fed. */
  private phasesFedAt = -2;
  private readonly phaseFrame = new Int16Array(160);
  /** The best match is this line's own earlier audio (a repeat) rather than another line's. */
  selfRepeat = false;

  constructor(
    private readonly library: LoopLibrary,
    private readonly matchThreshold: number,
    minRepeatSeconds: number,
    private readonly learn: boolean,
    silenceRms: number,
    source?: number,
  ) {
    this.source = source ?? library.registerLine();
    this.sharedSource = source !== undefined;
    this.base = this.source * SOURCE_SPAN;
    this.minRepeatFrames = Math.round(minRepeatSeconds * 50);
    this.silenceRms = silenceRms;
  }

  get score(): number {
    return this.matcher.score;
  }

  get fastScore(): number {
    return this.matcher.fastScore;
  }

  /**
   * The recent audio lines up with the library: over the last ~0.5 s (score) and still now (fast score, ~0.1 s),
   * so a match carried over a pause ends within a few frames of new audio that does not line up.
   */
  get matched(): boolean {
    const { score, fastScore, fastOfBest } = this.matcher;
    const t = this.matchThreshold;
    // The fast score of the same offset, or a strong one elsewhere (the recording continues from audio another
    // line learned: another source, another offset, whose slow score is still building).
    return score >= t && (fastOfBest >= t * FAST_SHARE || fastScore >= t);
  }

  /**
   * One frame's hashes. `mode`: 'learn' adds unmatched audio to the library, 'hold' keeps it aside,
   * 'ignore' neither (after a confirmation). `speechLike` lets a matched repeat of speech mature the library.
   */
  update(pcm: Int16Array, hasher: LandmarkHasher, mode: 'learn' | 'hold' | 'ignore', speechLike: boolean): void {
    const { hashes, anchors, count } = hasher;
    if (this.learn) {
      this.history.copyWithin(0, 160);
      this.history.set(pcm.subarray(0, 160), PRIME_FRAMES * 160);
    }
    // A detector that does not learn may be a second detector on a learning line (a shadow made without
    // `shadowOf`): that line learns each frame just before this one sees it, under another source number. So it
    // ignores any source's audio from (nearly) the same moment of the stream, as a line ignores its own.
    this.matcher.update(this.library.index, hashes, anchors, count, this.base, this.minRepeatFrames, !this.learn && !this.sharedSource);
    this.selfRepeat = this.matched && sourceOf(this.matcher.bestPosition) === this.source;
    // Recorded speech heard again on this very line, for a sustained second: the loop has come round.
    this.repeatRun = this.matched && speechLike && this.selfRepeat ? this.repeatRun + 1 : 0;
    if (this.repeatRun >= MATURE_AFTER_FRAMES) this.library.markMature();
    // Only matched speech taints what follows (an announcement's unheard tail); after matched music, novel
    // speech counts at once (that is what a pickup sounds like).
    if (this.matched && speechLike) this.framesSinceMatch = 0;
    else this.framesSinceMatch++;
    // A loop that was matched stays loop audio while it keeps lining up at the same offset, even weakly (a sung
    // line over the music, a noisy passage): a pickup breaks the offset within a few frames.
    if (this.matched) this.tracking = true;
    else if (this.matcher.fastScore < SUSTAIN_SCORE || this.matcher.score < SUSTAIN_SCORE) this.tracking = false;
    if (!this.learn || mode === 'ignore' || this.matched || this.tracking) return;
    this.feedPhases(hasher.frameIndex);
    this.keep(hasher, mode, 0);
    // A phase stream is fed only while learning, so its frame count lags the line's: shift its anchors onto the
    // line's frame count (otherwise the line would meet its own fresh audio at a bogus offset, as a "repeat").
    for (const stream of this.phaseStreams ?? []) this.keep(stream.hasher, mode, hasher.frameIndex - stream.hasher.frameIndex);
  }

  private repeatRun = 0;
  /** Matched, and still lining up (fast score >= SUSTAIN_SCORE) since. */
  private tracking = false;
  private framesSinceMatch = Number.POSITIVE_INFINITY;

  /** Matched now or moments ago: treat as loop audio. */
  get loopAudio(): boolean {
    return this.matched || this.tracking || this.framesSinceMatch < TAINT_FRAMES;
  }

  /** Runs the shifted analyses: phase d sees the last d samples of the previous frame and the rest of this one. */
  private feedPhases(frameIndex: number): void {
    const resume = this.phasesFedAt !== frameIndex - 1 || !this.phaseStreams;
    this.phasesFedAt = frameIndex;
    if (resume) this.phaseStreams = LEARN_PHASES.slice(1).map(() => new FingerprintStream(this.silenceRms, true));
    const streams = this.phaseStreams as FingerprintStream[];
    // History slot j holds frame (frameIndex - PRIME_FRAMES + j); slot 0 only lends its tail to slot 1.
    const first = resume ? Math.max(1, PRIME_FRAMES - frameIndex) : PRIME_FRAMES;
    for (let slot = first; slot <= PRIME_FRAMES; slot++) {
      for (let k = 0; k < streams.length; k++) {
        const d = LEARN_PHASES[k + 1] as number;
        this.phaseFrame.set(this.history.subarray(slot * 160 - d, (slot + 1) * 160 - d));
        (streams[k] as FingerprintStream).push(this.phaseFrame);
      }
    }
  }

  private keep(hasher: LandmarkHasher, mode: 'learn' | 'hold', shift: number): void {
    const { hashes, anchors, count } = hasher;
    for (let i = 0; i < count; i++) {
      const position = this.base + shift + (anchors[i] as number);
      if (mode === 'learn') this.library.learn(hashes[i] as number, position);
      else if (this.pendingCount < PENDING_LIMIT) {
        if (this.pendingCount === this.pendingHashes.length) this.growPending();
        this.pendingHashes[this.pendingCount] = hashes[i] as number;
        this.pendingPositions[this.pendingCount] = position;
        this.pendingCount++;
      }
    }
  }

  private growPending(): void {
    const size = Math.min(PENDING_LIMIT, Math.max(1024, this.pendingHashes.length * 2));
    const hashes = new Int32Array(size);
    hashes.set(this.pendingHashes);
    const positions = new Float64Array(size);
    positions.set(this.pendingPositions);
    this.pendingHashes = hashes;
    this.pendingPositions = positions;
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
        fastScore: round(this.matcher.fastScore),
        tracking: this.tracking,
        threshold: this.matchThreshold,
        selfRepeat: this.selfRepeat,
        libraryMature: this.library.mature,
        librarySize: this.library.size,
        source: this.source,
      },
    };
  }
}
