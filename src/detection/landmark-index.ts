/**
 * An inverted index of landmark hashes (hash -> positions) and the matcher that asks "does the recent audio
 * line up with something indexed at one constant time offset?". Positions are plain numbers that encode a
 * source (a line, a prompt) in their high part: source * SOURCE_SPAN + frame.
 */

/** Frames per source: 2^26 frames of 20 ms = 15.5 days. */
export const SOURCE_SPAN = 2 ** 26;
/** Positions kept per hash (oldest dropped): bounds memory and per-lookup cost. */
const MAX_POSITIONS_PER_HASH = 48;

export class LandmarkIndex {
  private readonly positions = new Map<number, number[]>();
  private total = 0;

  add(hash: number, position: number): void {
    let list = this.positions.get(hash);
    if (!list) {
      list = [];
      this.positions.set(hash, list);
    }
    if (list.length >= MAX_POSITIONS_PER_HASH) list.shift();
    else this.total++;
    list.push(position);
  }

  get(hash: number): readonly number[] | undefined {
    return this.positions.get(hash);
  }

  get size(): number {
    return this.total;
  }

  entries(): IterableIterator<[number, number[]]> {
    return this.positions.entries();
  }

  clear(): void {
    this.positions.clear();
    this.total = 0;
  }
}

/** Tracked offset hypotheses per matcher; a true match dominates one of them. */
const CANDIDATES = 6;

/**
 * Streaming offset-consistency matcher: each query hash votes for (indexed position - query position); votes
 * that keep agreeing on one offset (within a frame) over time are a match. Scores decay with a time constant
 * of `decayFrames`, so `score` is the share of recent query hashes explained by the best offset (0..1).
 */
export class OffsetMatcher {
  score = 0;
  /** A position hit by the best candidate (tells which source matched). */
  bestPosition = -1;
  /** Offset of the best candidate. */
  bestOffset = 0;

  private readonly offsets = new Float64Array(CANDIDATES);
  private readonly scores = new Float64Array(CANDIDATES);
  private readonly lastPosition = new Float64Array(CANDIDATES);
  private readonly hits = new Float64Array(CANDIDATES);
  private queryRate = 0;
  private readonly decay: number;
  private readonly tally = new Map<number, number>();
  private readonly tallyPosition = new Map<number, number>();

  constructor(decayFrames = 25) {
    this.decay = Math.exp(-1 / decayFrames);
    this.scores.fill(0);
  }

  /**
   * One frame's hashes. `base` turns an anchor frame into a query position; `accept(position, offset)` may
   * veto a hit (e.g. a line matching its own recent audio).
   */
  update(
    index: LandmarkIndex,
    hashes: Int32Array,
    anchors: Float64Array,
    count: number,
    base: number,
    accept?: (position: number, offset: number) => boolean,
  ): void {
    const { offsets, scores, hits, tally, tallyPosition } = this;
    hits.fill(0);
    tally.clear();
    tallyPosition.clear();
    for (let i = 0; i < count; i++) {
      const list = index.get(hashes[i] as number);
      if (!list) continue;
      const q = base + (anchors[i] as number);
      for (let j = 0; j < list.length; j++) {
        const p = list[j] as number;
        const offset = p - q;
        if (accept && !accept(p, offset)) continue;
        let tracked = false;
        for (let c = 0; c < CANDIDATES; c++) {
          const d = offset - (offsets[c] as number);
          if (d >= -1 && d <= 1 && (scores[c] as number) > 0) {
            hits[c] = (hits[c] as number) + 1;
            this.lastPosition[c] = p;
            tracked = true;
            break;
          }
        }
        if (!tracked) {
          tally.set(offset, (tally.get(offset) ?? 0) + 1);
          tallyPosition.set(offset, p);
        }
      }
    }
    const d = this.decay;
    this.queryRate = d * this.queryRate + (1 - d) * count;
    for (let c = 0; c < CANDIDATES; c++) {
      // A hash hits its candidate at most once per frame-equivalent: cap at the query count.
      scores[c] = d * (scores[c] as number) + (1 - d) * Math.min(hits[c] as number, count);
    }
    // New hypotheses: offsets hit twice or more in this frame (chance coincidences rarely are).
    for (const [offset, n] of tally) {
      const votes = n + (tally.get(offset - 1) ?? 0) + (tally.get(offset + 1) ?? 0);
      if (votes < 2) continue;
      let weakest = 0;
      for (let c = 1; c < CANDIDATES; c++) if ((scores[c] as number) < (scores[weakest] as number)) weakest = c;
      const seeded = (1 - d) * votes;
      if (seeded <= (scores[weakest] as number)) continue;
      offsets[weakest] = offset;
      scores[weakest] = seeded;
      this.lastPosition[weakest] = tallyPosition.get(offset) ?? -1;
    }
    let best = 0;
    for (let c = 1; c < CANDIDATES; c++) if ((scores[c] as number) > (scores[best] as number)) best = c;
    this.score = this.queryRate > 0.5 ? Math.min(1, (scores[best] as number) / this.queryRate) : 0;
    // Keep the score over silence (no hashes): the match does not end because a pause has no peaks.
    if (count === 0) this.score = Math.min(1, this.score);
    this.bestOffset = offsets[best] as number;
    this.bestPosition = this.lastPosition[best] as number;
  }

  reset(): void {
    this.scores.fill(0);
    this.queryRate = 0;
    this.score = 0;
  }
}
