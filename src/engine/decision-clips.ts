/**
 * The audio around a detection decision, so engineers can replay and label it: a line keeps its last few seconds
 * (as μ-law, 8 KB/s), and a decision takes those plus the next few seconds as one clip. Clips are kept for a
 * limited time and can be switched off where consent rules require (DETECTION_CLIPS).
 *
 * Memory: a thousand lines each keep this ring, so it is one byte array per line written in place (made on the
 * first frame), not an array object per 20 ms frame: 250 small buffers per line cost ~380 KiB of RSS each in
 * allocator overhead and fragmentation (docs/benchmarks.md, "Load"). A clip is one array of its final size.
 */
import { encodeMuLaw } from '../media/mu-law.ts';

export interface ClipSettings {
  /** Audio kept from before the decision, ms. */
  beforeMs: number;
  /** Audio taken after the decision, ms. */
  afterMs: number;
}

const FRAME_MS = 20;
/** μ-law at 8 kHz: one byte per sample, 160 per 20 ms frame. */
const FRAME_BYTES = 160;

interface FillingClip {
  bytes: Uint8Array;
  length: number;
  /** Frames still to come after the decision. */
  left: number;
  done: (clip: Uint8Array) => void;
}

/** One line's recent audio and the clips it is still filling. */
export class ClipRecorder {
  private readonly capacity: number;
  private readonly afterFrames: number;
  private readonly afterBytes: number;
  /** The last `capacity` bytes of the line (made on the first frame); `written` counts every byte ever pushed. */
  private ring: Uint8Array | undefined;
  private written = 0;
  /** One frame's μ-law, reused (frames are 160 samples; a longer one gets a larger scratch once). */
  private scratch = new Uint8Array(FRAME_BYTES);
  private readonly filling: FillingClip[] = [];

  constructor(settings: ClipSettings) {
    this.capacity = Math.max(1, Math.ceil(settings.beforeMs / FRAME_MS)) * FRAME_BYTES;
    this.afterFrames = Math.max(0, Math.ceil(settings.afterMs / FRAME_MS));
    this.afterBytes = this.afterFrames * FRAME_BYTES;
  }

  push(pcm: Int16Array): void {
    if (this.scratch.length < pcm.length) this.scratch = new Uint8Array(pcm.length);
    const frame = encodeMuLaw(pcm, this.scratch.subarray(0, pcm.length));
    this.remember(frame);
    for (const clip of this.filling) {
      clip.bytes = fit(clip.bytes, clip.length + frame.length);
      clip.bytes.set(frame, clip.length);
      clip.length += frame.length;
      clip.left -= 1;
    }
    this.settle(false);
  }

  /** Starts a clip at this moment; `done` gets it once the after-part is in (or the line ended first). */
  capture(done: (clip: Uint8Array) => void): void {
    const before = Math.min(this.written, this.capacity);
    const bytes = new Uint8Array(before + this.afterBytes);
    this.copyRecent(bytes, before);
    this.filling.push({ bytes, length: before, left: this.afterFrames, done });
    this.settle(false);
  }

  /** The line ended: clips still filling are handed over with what they have. */
  end(): void {
    this.settle(true);
  }

  private remember(frame: Uint8Array): void {
    this.ring ??= new Uint8Array(this.capacity);
    const ring = this.ring;
    // Only the last `capacity` bytes of a frame longer than the ring can stay.
    const from = Math.max(0, frame.length - this.capacity);
    let at = (this.written + from) % this.capacity;
    for (let i = from; i < frame.length; ) {
      const n = Math.min(frame.length - i, this.capacity - at);
      ring.set(frame.subarray(i, i + n), at);
      i += n;
      at = (at + n) % this.capacity;
    }
    this.written += frame.length;
  }

  /** The last `count` bytes of the line, oldest first, into `out`. */
  private copyRecent(out: Uint8Array, count: number): void {
    if (count === 0 || !this.ring) return;
    const start = (this.written - count) % this.capacity;
    const first = Math.min(count, this.capacity - start);
    out.set(this.ring.subarray(start, start + first), 0);
    if (first < count) out.set(this.ring.subarray(0, count - first), first);
  }

  private settle(all: boolean): void {
    for (let i = this.filling.length - 1; i >= 0; i--) {
      const clip = this.filling[i]!;
      if (!all && clip.left > 0) continue;
      this.filling.splice(i, 1);
      clip.done(clip.bytes.subarray(0, clip.length));
    }
  }
}

/** `bytes` if it holds `length`, else a copy with room for it (only for frames longer than 20 ms). */
function fit(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length >= length) return bytes;
  const larger = new Uint8Array(Math.max(length, bytes.length * 2));
  larger.set(bytes);
  return larger;
}
