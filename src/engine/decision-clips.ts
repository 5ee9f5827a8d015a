/**
 * The audio around a detection decision, so engineers can replay and label it: a line keeps its last few seconds
 * (as μ-law, 8 KB/s), and a decision takes those plus the next few seconds as one clip. Clips are kept for a
 * limited time and can be switched off where consent rules require (DETECTION_CLIPS).
 */
import { encodeMuLaw } from '../media/mu-law.ts';

export interface ClipSettings {
  /** Audio kept from before the decision, ms. */
  beforeMs: number;
  /** Audio taken after the decision, ms. */
  afterMs: number;
}

const FRAME_MS = 20;

/** One line's recent audio and the clips it is still filling. */
export class ClipRecorder {
  private readonly ring: Uint8Array[] = [];
  private readonly keep: number;
  private readonly after: number;
  private readonly filling: { frames: Uint8Array[]; left: number; done: (clip: Uint8Array) => void }[] = [];

  constructor(settings: ClipSettings) {
    this.keep = Math.max(1, Math.ceil(settings.beforeMs / FRAME_MS));
    this.after = Math.max(0, Math.ceil(settings.afterMs / FRAME_MS));
  }

  push(pcm: Int16Array): void {
    const frame = encodeMuLaw(pcm);
    this.ring.push(frame);
    if (this.ring.length > this.keep) this.ring.shift();
    for (const clip of this.filling) {
      clip.frames.push(frame);
      clip.left -= 1;
    }
    this.settle(false);
  }

  /** Starts a clip at this moment; `done` gets it once the after-part is in (or the line ended first). */
  capture(done: (clip: Uint8Array) => void): void {
    this.filling.push({ frames: [...this.ring], left: this.after, done });
    this.settle(false);
  }

  /** The line ended: clips still filling are handed over with what they have. */
  end(): void {
    this.settle(true);
  }

  private settle(all: boolean): void {
    for (let i = this.filling.length - 1; i >= 0; i--) {
      const clip = this.filling[i]!;
      if (!all && clip.left > 0) continue;
      this.filling.splice(i, 1);
      clip.done(Buffer.concat(clip.frames));
    }
  }
}
