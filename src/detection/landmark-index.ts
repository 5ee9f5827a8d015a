/**
 * An inverted index of landmark hashes (hash -> positions) and the matcher that asks "does the recent audio
 * line up with something indexed at one constant time offset?". Positions are plain numbers that encode a
 * source (a line, a prompt) in their high part: source * SOURCE_SPAN + frame.
 */

/** Frames per source: 2^26 frames of 20 ms = 15.5 days. */
export const SOURCE_SPAN = 2 ** 26;
/** Positions kept per hash (oldest dropped): bounds memory and per-lookup cost (24: the matcher visits every one; 48 cost 22 % more CPU at equal accuracy on the tune split). */
export const MAX_POSITIONS_PER_HASH = 24;
/** Landmark hashes are below 2^18 + 2^11 (landmarks.ts: 8-bit f1 <= 128, 7-bit df, 4-bit dt): a direct table. */
const HASH_SPACE = 1 << 19;

/**
 * Hash -> up to MAX_POSITIONS_PER_HASH positions, in typed arrays: a direct table from hash to bucket, and each
 * bucket a ring of positions (oldest first from `heads[b]`). The matcher reads the arrays directly: no Map
 * lookup and no array object per hash in the hot path.
 */
export class LandmarkIndex {
  /** Bucket of a hash, plus one (0: none); 2 MB, so made on the first add (most detectors' prompt indexes stay empty). */
  private bucketOf: Int32Array | undefined;
  /** Per bucket: its hash, how many positions it holds, where the oldest is. */
  private keys = new Int32Array(0);
  lengths = new Uint8Array(0);
  heads = new Uint8Array(0);
  /** Bucket b's ring is positions[b * MAX_POSITIONS_PER_HASH ...]. Grown on demand. */
  positions = new Float64Array(0);
  private buckets = 0;
  private total = 0;

  add(hash: number, position: number): void {
    if (!(hash >= 0 && hash < HASH_SPACE)) return;
    this.bucketOf ??= new Int32Array(HASH_SPACE);
    let b = (this.bucketOf[hash] as number) - 1;
    if (b < 0) b = this.newBucket(hash);
    const length = this.lengths[b] as number;
    const head = this.heads[b] as number;
    if (length < MAX_POSITIONS_PER_HASH) {
      let at = head + length;
      if (at >= MAX_POSITIONS_PER_HASH) at -= MAX_POSITIONS_PER_HASH;
      this.positions[b * MAX_POSITIONS_PER_HASH + at] = position;
      this.lengths[b] = length + 1;
      this.total++;
    } else {
      // Full: the oldest is overwritten and the next one becomes the oldest.
      this.positions[b * MAX_POSITIONS_PER_HASH + head] = position;
      this.heads[b] = head + 1 === MAX_POSITIONS_PER_HASH ? 0 : head + 1;
    }
  }

  /** Bucket of `hash` (index into lengths / heads / positions), or -1. */
  bucket(hash: number): number {
    return this.bucketOf && hash >= 0 && hash < HASH_SPACE ? (this.bucketOf[hash] as number) - 1 : -1;
  }

  /** The positions of `hash`, oldest first (a copy). */
  get(hash: number): number[] | undefined {
    const b = this.bucket(hash);
    return b < 0 ? undefined : this.list(b);
  }

  get size(): number {
    return this.total;
  }

  *entries(): IterableIterator<[number, number[]]> {
    for (let b = 0; b < this.buckets; b++) yield [this.keys[b] as number, this.list(b)];
  }

  clear(): void {
    for (let b = 0; b < this.buckets; b++) (this.bucketOf as Int32Array)[this.keys[b] as number] = 0;
    this.buckets = 0;
    this.total = 0;
  }

  private list(b: number): number[] {
    const out: number[] = [];
    const length = this.lengths[b] as number;
    const head = this.heads[b] as number;
    for (let j = 0; j < length; j++) out.push(this.positions[b * MAX_POSITIONS_PER_HASH + ((head + j) % MAX_POSITIONS_PER_HASH)] as number);
    return out;
  }

  private newBucket(hash: number): number {
    if (this.buckets === this.keys.length) {
      const size = Math.max(256, this.keys.length * 2);
      const keys = new Int32Array(size);
      keys.set(this.keys);
      this.keys = keys;
      const lengths = new Uint8Array(size);
      lengths.set(this.lengths);
      this.lengths = lengths;
      const heads = new Uint8Array(size);
      heads.set(this.heads);
      this.heads = heads;
      const positions = new Float64Array(size * MAX_POSITIONS_PER_HASH);
      positions.set(this.positions);
      this.positions = positions;
    }
    const b = this.buckets++;
    this.keys[b] = hash;
    this.lengths[b] = 0;
    this.heads[b] = 0;
    (this.bucketOf as Int32Array)[hash] = b + 1;
    return b;
  }
}

/** Tracked offset hypotheses per matcher; a true match dominates one of them. */
const CANDIDATES = 6;
/** Slots of the per-frame offset tally (open addressing; a frame has at most ~9 hashes x positions per hash). */
const TALLY_SLOTS = 1024;
/** Time constant (frames) of the fast score. */
const FAST_FRAMES = 5;

/**
 * Streaming offset-consistency matcher: each query hash votes for (indexed position - query position); votes
 * that keep agreeing on one offset (within a frame) over time are a match. Scores decay with a time constant
 * of `decayFrames`, so `score` is the share of recent query hashes explained by the best offset (0..1).
 * Allocates nothing per frame.
 */
export class OffsetMatcher {
  score = 0;
  /** A position hit by the best candidate (tells which source matched). */
  bestPosition = -1;
  /** Offset of the best candidate. */
  bestOffset = 0;
  /** Hashes of the last frame that hit the best candidate (0: nothing lines up right now). */
  bestHits = 0;
  /** Offset of the candidate with the best fast score. */
  fastBestOffset = 0;

  private readonly offsets = new Float64Array(CANDIDATES);
  private readonly scores = new Float64Array(CANDIDATES);
  private readonly lastPosition = new Float64Array(CANDIDATES);
  private readonly hits = new Float64Array(CANDIDATES);
  private readonly active = new Int32Array(CANDIDATES);
  private readonly activeOffsets = new Float64Array(CANDIDATES);
  private queryRate = 0;
  private readonly decay: number;
  /** The best candidate's score over ~0.1 s (time constant FAST_FRAMES): rises within frames on a match, drops within frames at a cut. */
  fastScore = 0;
  /** The fast score of the slow score's best candidate. */
  fastOfBest = 0;
  private readonly fastScores = new Float64Array(CANDIDATES);
  private fastQueryRate = 0;
  private readonly fastDecay = Math.exp(-1 / FAST_FRAMES);
  // Offset tally of one frame: keys, counts, a position per key, and which slots are in use (stamped per frame).
  private readonly tallyKey = new Float64Array(TALLY_SLOTS);
  private readonly tallyCount = new Int32Array(TALLY_SLOTS);
  private readonly tallyPosition = new Float64Array(TALLY_SLOTS);
  private readonly tallyStamp = new Int32Array(TALLY_SLOTS);
  private readonly used = new Int32Array(TALLY_SLOTS);
  private usedCount = 0;
  private stamp = 0;

  constructor(decayFrames = 25) {
    this.decay = Math.exp(-1 / decayFrames);
  }

  /** Slot of `offset` in the tally, or -1 (with `insert`, claims a free slot; -1 when the tally is full). */
  private slot(offset: number, insert: boolean): number {
    // offset mod TALLY_SLOTS (a power of two): the low bits of its 32-bit truncation, as the floor formula gives for any integer offset.
    let s = offset & (TALLY_SLOTS - 1);
    for (let probe = 0; probe < TALLY_SLOTS; probe++) {
      if (this.tallyStamp[s] !== this.stamp) {
        if (!insert || this.usedCount >= TALLY_SLOTS >> 1) return -1;
        this.tallyStamp[s] = this.stamp;
        this.tallyKey[s] = offset;
        this.tallyCount[s] = 0;
        this.used[this.usedCount++] = s;
        return s;
      }
      if (this.tallyKey[s] === offset) return s;
      s = (s + 1) & (TALLY_SLOTS - 1);
    }
    return -1;
  }

  private countAt(offset: number): number {
    const s = this.slot(offset, false);
    return s < 0 ? 0 : (this.tallyCount[s] as number);
  }

  /**
   * One frame's hashes. `base` turns an anchor frame into a query position; hits closer than `minOffset`
   * frames (either way) are ignored (a line matching its own recent audio) - with `anySource`, also hits on any
   * other source at nearly the same frame count (a detector fed the same frames as a learning one).
   */
  update(index: LandmarkIndex, hashes: Int32Array, anchors: Float64Array, count: number, base: number, minOffset = 0, anySource = false): void {
    const { offsets, scores, hits } = this;
    hits.fill(0);
    this.stamp = (this.stamp + 1) | 0;
    this.usedCount = 0;
    // Live candidates (score > 0; scores do not change while the hashes vote), in candidate order.
    const { active, activeOffsets } = this;
    let activeCount = 0;
    for (let c = 0; c < CANDIDATES; c++) {
      if ((scores[c] as number) > 0) {
        active[activeCount] = c;
        activeOffsets[activeCount] = offsets[c] as number;
        activeCount++;
      }
    }
    const { lengths, heads, positions } = index;
    for (let i = 0; i < count; i++) {
      const b = index.bucket(hashes[i] as number);
      if (b < 0) continue;
      const q = base + (anchors[i] as number);
      const length = lengths[b] as number;
      const head = heads[b] as number;
      const from = b * MAX_POSITIONS_PER_HASH;
      for (let j = 0; j < length; j++) {
        // Oldest first, as they were added (the ring starts at head).
        let at = head + j;
        if (at >= MAX_POSITIONS_PER_HASH) at -= MAX_POSITIONS_PER_HASH;
        const p = positions[from + at] as number;
        const offset = p - q;
        if (offset > -minOffset && offset < minOffset) continue;
        if (anySource) {
          // The frame part of the offset, whatever the source: near 0 = the same moment of another stream.
          const frames = offset - Math.round(offset / SOURCE_SPAN) * SOURCE_SPAN;
          if (frames > -minOffset && frames < minOffset) continue;
        }
        let tracked = false;
        for (let a = 0; a < activeCount; a++) {
          const d = offset - (activeOffsets[a] as number);
          if (d >= -1 && d <= 1) {
            const c = active[a] as number;
            hits[c] = (hits[c] as number) + 1;
            this.lastPosition[c] = p;
            tracked = true;
            break;
          }
        }
        if (!tracked) {
          const s = this.slot(offset, true);
          if (s >= 0) {
            this.tallyCount[s] = (this.tallyCount[s] as number) + 1;
            this.tallyPosition[s] = p;
          }
        }
      }
    }
    const d = this.decay;
    this.queryRate = d * this.queryRate + (1 - d) * count;
    const fd = this.fastDecay;
    if (count > 0) this.fastQueryRate = fd * this.fastQueryRate + (1 - fd) * count;
    for (let c = 0; c < CANDIDATES; c++) {
      // A hash hits its candidate at most once per frame-equivalent: cap at the query count.
      const h = Math.min(hits[c] as number, count);
      scores[c] = d * (scores[c] as number) + (1 - d) * h;
      // The fast score holds over frames without hashes (a pause has no peaks).
      if (count > 0) this.fastScores[c] = fd * (this.fastScores[c] as number) + (1 - fd) * h;
    }
    // New hypotheses: offsets hit twice or more in this frame (chance coincidences rarely are).
    for (let u = 0; u < this.usedCount; u++) {
      const s = this.used[u] as number;
      const offset = this.tallyKey[s] as number;
      const votes = (this.tallyCount[s] as number) + this.countAt(offset - 1) + this.countAt(offset + 1);
      if (votes < 2) continue;
      let weakest = 0;
      for (let c = 1; c < CANDIDATES; c++) if ((scores[c] as number) < (scores[weakest] as number)) weakest = c;
      const seeded = (1 - d) * votes;
      if (seeded <= (scores[weakest] as number)) continue;
      offsets[weakest] = offset;
      scores[weakest] = seeded;
      this.fastScores[weakest] = (1 - this.fastDecay) * votes;
      this.lastPosition[weakest] = this.tallyPosition[s] as number;
    }
    let best = 0;
    for (let c = 1; c < CANDIDATES; c++) if ((scores[c] as number) > (scores[best] as number)) best = c;
    this.score = this.queryRate > 0.5 ? Math.min(1, (scores[best] as number) / this.queryRate) : 0;
    // The fast score is the best candidate's over the last ~0.1 s (not necessarily the slow score's best): when a
    // recording continues from audio another line learned (another source, another offset), the new offset takes
    // over the fast score at once while the old one still leads the slow score.
    let fastBest = 0;
    let fastBestAt = best;
    for (let c = 0; c < CANDIDATES; c++) {
      if ((this.fastScores[c] as number) > fastBest) {
        fastBest = this.fastScores[c] as number;
        fastBestAt = c;
      }
    }
    this.fastBestOffset = offsets[fastBestAt] as number;
    this.fastScore = this.fastQueryRate > 0.5 ? Math.min(1, fastBest / this.fastQueryRate) : 0;
    this.fastOfBest = this.fastQueryRate > 0.5 ? Math.min(1, (this.fastScores[best] as number) / this.fastQueryRate) : 0;
    this.bestOffset = offsets[best] as number;
    this.bestHits = Math.min(hits[best] as number, count);
    this.bestPosition = this.lastPosition[best] as number;
  }

  /** Slow and fast score (as `score` / `fastScore`) of the candidate at `offset` (+-1 frame); 0 if none tracks it. */
  scoresAt(offset: number): { score: number; fast: number } {
    const out = this.at;
    out.score = 0;
    out.fast = 0;
    for (let c = 0; c < CANDIDATES; c++) {
      const d = (this.offsets[c] as number) - offset;
      if (d < -1 || d > 1 || (this.scores[c] as number) <= 0) continue;
      out.score = Math.max(out.score, this.queryRate > 0.5 ? Math.min(1, (this.scores[c] as number) / this.queryRate) : 0);
      out.fast = Math.max(out.fast, this.fastQueryRate > 0.5 ? Math.min(1, (this.fastScores[c] as number) / this.fastQueryRate) : 0);
    }
    return out;
  }

  private readonly at = { score: 0, fast: 0 };


  reset(): void {
    this.scores.fill(0);
    this.fastScores.fill(0);
    this.fastQueryRate = 0;
    this.fastScore = 0;
    this.fastOfBest = 0;
    this.queryRate = 0;
    this.score = 0;
  }
}
