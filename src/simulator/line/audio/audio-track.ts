/**
 * What one call's far end sends, as a list of segments on the wall clock: each segment plays a few buffers
 * once, then loops a tail (silence, comfort noise, a tone cadence, the hold loop) until the next segment.
 * Reading a window slices the shared buffers straight into the output: it runs every 20 ms for every call,
 * so it allocates nothing but the result.
 */
import { FRAME_BYTES, SAMPLES_PER_MS } from './constants.ts';
import { MU_LAW_SILENCE } from '../../../media/mu-law.ts';

export interface AudioProgram {
  /** Buffers played once, in order. */
  once?: readonly Uint8Array[];
  /** Looped after `once` ends, starting at sample `tailOffset`. */
  tail: Uint8Array;
  tailOffset?: number;
}

interface Segment {
  start: number; // absolute sample index (wall ms * 8)
  once: readonly Uint8Array[];
  onceLength: number;
  tail: Uint8Array;
  tailOffset: number;
}

export class AudioTrack {
  private readonly segments: Segment[] = [];

  /** Starts `program` at `wallMs`; a program pushed at the same instant as the last one replaces it. */
  push(wallMs: number, program: AudioProgram): void {
    if (program.tail.length === 0) throw new Error('an audio program needs a non-empty tail');
    const once = program.once ?? [];
    const segment: Segment = {
      start: Math.round(wallMs * SAMPLES_PER_MS),
      once,
      onceLength: once.reduce((sum, b) => sum + b.length, 0),
      tail: program.tail,
      tailOffset: (program.tailOffset ?? 0) % program.tail.length,
    };
    const last = this.segments[this.segments.length - 1];
    if (last && segment.start < last.start) throw new Error('audio segments must be pushed in time order');
    if (last && segment.start === last.start) this.segments[this.segments.length - 1] = segment;
    else this.segments.push(segment);
  }

  /** The audio of `frames` 20 ms frames from `fromWallMs`; silence before the first segment. */
  read(fromWallMs: number, frames: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.floor(frames)) * FRAME_BYTES);
    const from = Math.round(fromWallMs * SAMPLES_PER_MS);
    let index = this.indexAt(from);
    let pos = 0;
    while (pos < out.length) {
      const nextStart = this.segments[index + 1]?.start ?? Number.POSITIVE_INFINITY;
      const end = Math.min(out.length, nextStart - from);
      const segment = this.segments[index];
      if (segment) copySegment(segment, from + pos - segment.start, out, pos, end - pos);
      else out.fill(MU_LAW_SILENCE, pos, end);
      pos = end;
      index++;
    }
    return out;
  }

  /** Index of the last segment starting at or before `sample`, -1 if none. */
  private indexAt(sample: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.segments[mid] as Segment).start <= sample) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

/** Copies `count` samples of `segment`, from its sample `offset`, into `out` at `at`. */
function copySegment(segment: Segment, offset: number, out: Uint8Array, at: number, count: number): void {
  let rel = offset;
  let pos = at;
  let left = count;
  // The buffers played once.
  let partStart = 0;
  for (const part of segment.once) {
    if (left === 0) return;
    const partEnd = partStart + part.length;
    if (rel < partEnd) {
      const n = Math.min(left, partEnd - rel);
      out.set(part.subarray(rel - partStart, rel - partStart + n), pos);
      pos += n;
      rel += n;
      left -= n;
    }
    partStart = partEnd;
  }
  // Then the looped tail.
  const tail = segment.tail;
  let p = (segment.tailOffset + rel - segment.onceLength) % tail.length;
  while (left > 0) {
    const n = Math.min(left, tail.length - p);
    out.set(tail.subarray(p, p + n), pos);
    pos += n;
    left -= n;
    p = 0;
  }
}
