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

/** Hashes of audio kept aside (waiting to be learned, or while suspected); beyond this new ones are dropped. */
const PENDING_LIMIT = 30 * 50 * 36;
/**
 * Unmatched audio joins the library only this many frames after it was heard. A line becomes suspected some
 * 0.3-1 s into a voice; without the delay the first words of an agent's greeting would already be in the shared
 * library by then, and another line hearing the same words (a recorded greeting, an agent who says the same
 * sentence) would take them for loop audio. Audio still waiting when the line is suspected is kept aside with
 * the rest: learned if the suspicion clears, dropped if it is confirmed.
 */
const LEARN_DELAY_FRAMES = 100;
/**
 * Maturity: this line's own audio heard again at one offset (a self-repeat run: matched frames, pauses up to
 * REPEAT_GAP_FRAMES allowed) for at least `frames`, of which at least `speech` speech-like. 5 s with 3 s of
 * speech: an announcement and what follows it came round (one recording played twice in the loop, e.g. the same
 * Asterisk prompt in two announcements, repeats alone and stays under 5 s). 10 s with 1 s of speech: a loop whose
 * announcements the speech model calls speech only here and there (a low synthetic voice: 10-35 % of frames).
 * Never without speech: a loop that plays the same music twice (or a track with repeated bars) must not fake it.
 */
const MATURE_RULES = [
  { frames: 250, speech: 150 },
  { frames: 500, speech: 50 },
] as const;
/** A self-repeat run at one offset survives this many frames without a self match (silences, weak passages). */
const REPEAT_GAP_FRAMES = 150;
/** After a match, this many frames still count as loop audio: a recording does not turn into a person mid-sentence. */
const TAINT_FRAMES = 20;
/** Share of the match threshold the fast score must reach too. */
const FAST_SHARE = 0.5;
/** A tracked match (see `tracking`) holds while both its scores stay at or above this. */
const SUSTAIN_SCORE = 0.08;

/** Ring slot of line frame `frame` in the PCM history (frames before the first map to never-written, silent slots). */
function ringSlot(frame: number): number {
  const n = PRIME_FRAMES + 1;
  return ((frame % n) + n) % n;
}

export class LoopMatchStrategy {
  private readonly matcher = new OffsetMatcher();
  /** This line's source number in the library (a shadow detector shares its live detector's). */
  readonly source: number;
  private readonly silenceRms: number;
  /** Shares a live detector's source (a shadow made with `shadowOf`): its own-audio rule already applies. */
  private readonly sharedSource: boolean;
  private readonly base: number;
  private readonly minRepeatFrames: number;
  // A queue of audio not yet learned (hash, position, line frame heard): entries [pendingHead, pendingEnd).
  // Grown on demand up to PENDING_LIMIT entries.
  private pendingHashes = new Int32Array(0);
  private pendingPositions = new Float64Array(0);
  private pendingFrames = new Int32Array(0);
  private pendingHead = 0;
  private pendingEnd = 0;
  /** Made on first learning (a shadow or a non-learning detector never needs them). */
  private phaseStreams: FingerprintStream[] | undefined;
  /** The line's last PRIME_FRAMES + 1 frames of PCM, a ring (frame f in slot f mod PRIME_FRAMES + 1), kept while the line learns at all. */
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
    if (this.learn) this.history.set(pcm.subarray(0, 160), ringSlot(hasher.frameIndex) * 160);
    // A detector that does not learn may be a second detector on a learning line (a shadow made without
    // `shadowOf`): that line learns each frame just before this one sees it, under another source number. So it
    // ignores any source's audio from (nearly) the same moment of the stream, as a line ignores its own.
    this.matcher.update(this.library.index, hashes, anchors, count, this.base, this.minRepeatFrames, !this.learn && !this.sharedSource);
    this.selfRepeat = this.matched && sourceOf(this.matcher.bestPosition) === this.source;
    this.trackSelfRepeat(speechLike);
    // Only matched speech taints what follows (an announcement's unheard tail); after matched music, novel
    // speech counts at once (that is what a pickup sounds like). And only speech that lines up right now: a match
    // the slow score carries over a pause into a voice that does not line up must not taint its first words.
    if (this.matched && speechLike && this.matcher.bestHits > 0) this.framesSinceMatch = 0;
    else this.framesSinceMatch++;
    // A loop that was matched stays loop audio while it keeps lining up at the same offset, even weakly (a sung
    // line over the music, a noisy passage): a pickup breaks the offset within a few frames. A weak passage may
    // dip below that for a moment; when the same offset lines up again (fast score at FAST_SHARE of the match
    // threshold) it is tracked again. A voice does not line up with the loop's offset, however long it speaks.
    if (this.matched) {
      this.tracking = true;
      this.trackedOffset = this.matcher.fastOfBest >= this.matchThreshold * FAST_SHARE ? this.matcher.bestOffset : this.matcher.fastBestOffset;
      this.hasTracked = true;
    } else if (this.matcher.fastScore >= this.matchThreshold) {
      // Another offset lines up firmly over the last ~0.1 s while the slow score still builds: the recording
      // continues from audio another line learned (the music bed after an announcement, under a sung line).
      this.tracking = true;
      this.trackedOffset = this.matcher.fastBestOffset;
      this.hasTracked = true;
    } else if (this.hasTracked) {
      const at = this.matcher.scoresAt(this.trackedOffset);
      if (at.fast < SUSTAIN_SCORE || at.score < SUSTAIN_SCORE) this.tracking = false;
      else if (at.fast >= this.matchThreshold * FAST_SHARE) this.tracking = true;
    }
    if (!this.learn || mode === 'ignore') return;
    if (mode === 'learn') this.release(hasher.frameIndex - LEARN_DELAY_FRAMES);
    if (this.matched || this.tracking) return;
    this.feedPhases(hasher.frameIndex);
    this.keep(hasher, 0, hasher.frameIndex);
    // A phase stream is fed only while learning, so its frame count lags the line's: shift its anchors onto the
    // line's frame count (otherwise the line would meet its own fresh audio at a bogus offset, as a "repeat").
    for (const stream of this.phaseStreams ?? []) this.keep(stream.hasher, hasher.frameIndex - stream.hasher.frameIndex, hasher.frameIndex);
  }

  /** Offset (frames) of the current self-repeat run, frames (and speech-like frames) matched at it, frames since its last match. */
  private longRepeatOffset = 0;
  private longRepeatFrames = 0;
  private longRepeatSpeech = 0;
  private longRepeatGap = Number.POSITIVE_INFINITY;

  /** This line's own audio heard again at one offset for long, with speech in it: the loop has come round. */
  private trackSelfRepeat(speechLike: boolean): void {
    if (this.matched && this.selfRepeat) {
      const offset = this.matcher.bestOffset;
      const d = offset - this.longRepeatOffset;
      if (this.longRepeatGap > REPEAT_GAP_FRAMES || d < -1 || d > 1) this.longRepeatFrames = this.longRepeatSpeech = 0;
      this.longRepeatOffset = offset;
      this.longRepeatGap = 0;
      this.longRepeatFrames++;
      if (speechLike) this.longRepeatSpeech++;
      for (const rule of MATURE_RULES) {
        if (this.longRepeatFrames >= rule.frames && this.longRepeatSpeech >= rule.speech) this.library.markMature();
      }
    } else this.longRepeatGap++;
  }
  /** Matched, and still lining up at the matched offset (both scores >= SUSTAIN_SCORE) since. */
  private tracking = false;
  private trackedOffset = 0;
  private hasTracked = false;
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
    // Step j feeds frame (frameIndex - PRIME_FRAMES + j); frame (frameIndex - PRIME_FRAMES) only lends its tail.
    const first = resume ? Math.max(1, PRIME_FRAMES - frameIndex) : PRIME_FRAMES;
    const history = this.history;
    for (let j = first; j <= PRIME_FRAMES; j++) {
      const at = ringSlot(frameIndex - PRIME_FRAMES + j) * 160;
      const before = ringSlot(frameIndex - PRIME_FRAMES + j - 1) * 160;
      for (let k = 0; k < streams.length; k++) {
        // The last d samples of the frame before, then the first 160 - d of this one.
        const d = LEARN_PHASES[k + 1] as number;
        this.phaseFrame.set(history.subarray(before + 160 - d, before + 160));
        this.phaseFrame.set(history.subarray(at, at + 160 - d), d);
        (streams[k] as FingerprintStream).push(this.phaseFrame);
      }
    }
  }

  /** Queues this frame's hashes to be learned (after LEARN_DELAY_FRAMES, or when a suspicion clears). */
  private keep(hasher: LandmarkHasher, shift: number, frameIndex: number): void {
    const { hashes, anchors, count } = hasher;
    for (let i = 0; i < count; i++) {
      if (this.pendingEnd === this.pendingHashes.length && !this.makeRoom()) return;
      this.pendingHashes[this.pendingEnd] = hashes[i] as number;
      this.pendingPositions[this.pendingEnd] = this.base + shift + (anchors[i] as number);
      this.pendingFrames[this.pendingEnd] = frameIndex;
      this.pendingEnd++;
    }
  }

  /** Room for one more entry at the end: moves the queue to the front, or grows it; false when full. */
  private makeRoom(): boolean {
    const live = this.pendingEnd - this.pendingHead;
    if (live >= PENDING_LIMIT) return false;
    if (this.pendingHead > 0 && this.pendingHead >= live) {
      this.pendingHashes.copyWithin(0, this.pendingHead, this.pendingEnd);
      this.pendingPositions.copyWithin(0, this.pendingHead, this.pendingEnd);
      this.pendingFrames.copyWithin(0, this.pendingHead, this.pendingEnd);
    } else {
      const size = Math.min(PENDING_LIMIT, Math.max(1024, this.pendingHashes.length * 2));
      const hashes = new Int32Array(size);
      hashes.set(this.pendingHashes.subarray(this.pendingHead, this.pendingEnd));
      const positions = new Float64Array(size);
      positions.set(this.pendingPositions.subarray(this.pendingHead, this.pendingEnd));
      const frames = new Int32Array(size);
      frames.set(this.pendingFrames.subarray(this.pendingHead, this.pendingEnd));
      this.pendingHashes = hashes;
      this.pendingPositions = positions;
      this.pendingFrames = frames;
    }
    this.pendingHead = 0;
    this.pendingEnd = live;
    return true;
  }

  /** Learns the queued audio heard at or before line frame `frame`. */
  private release(frame: number): void {
    let i = this.pendingHead;
    const end = this.pendingEnd;
    while (i < end && (this.pendingFrames[i] as number) <= frame) {
      this.library.learn(this.pendingHashes[i] as number, this.pendingPositions[i] as number);
      i++;
    }
    if (i === end) this.pendingHead = this.pendingEnd = 0;
    else this.pendingHead = i;
  }

  /** The suspicion cleared: what was kept aside was loop audio after all. */
  commitPending(): void {
    this.release(Number.POSITIVE_INFINITY);
  }

  dropPending(): void {
    this.pendingHead = this.pendingEnd = 0;
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
