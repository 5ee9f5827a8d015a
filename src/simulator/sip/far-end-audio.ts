/**
 * The audio a SIP call's device hears: the IRS line's far-end track read 20 ms at a time on the simulator clock,
 * the same track `/_sim/calls/{id}/audio` serves. Frames follow one another without gaps or overlaps (frame n is
 * `firstFrameAt + 20n`), so a test can compare what the device got with the read-out frame by frame. Only when the
 * reader falls more than a second behind the clock (a stalled loop, or a test's ManualClock jumping ahead) does it
 * skip forward, by whole frames. A call with no IRS line (an extension, a queue) hears silence.
 */
import type { SimClock } from '../sim-clock.ts';
import type { LineCall } from '../line/index.ts';
import { FRAME_BYTES, FRAME_MS, MU_LAW_SILENCE } from '../line/index.ts';

const MAX_LAG_MS = 1000;

export class FarEndAudio {
  /** Wall ms of the first frame read, once reading has begun. */
  firstFrameAt: number | undefined;
  frames = 0;
  skippedFrames = 0;
  private readonly silence = new Uint8Array(FRAME_BYTES).fill(MU_LAW_SILENCE);

  constructor(
    private readonly clock: SimClock,
    /** The call's line; looked up per frame because the line is dialled just after the call is placed. */
    private readonly line: () => LineCall | undefined,
  ) {}

  nextFrame(): Uint8Array {
    const now = this.clock.now();
    this.firstFrameAt ??= now - FRAME_MS;
    const lag = now - this.cursor();
    if (lag > MAX_LAG_MS) {
      const skip = Math.floor((lag - FRAME_MS) / FRAME_MS);
      this.frames += skip;
      this.skippedFrames += skip;
    }
    const at = this.cursor();
    this.frames += 1;
    return this.line()?.readAudio(at, 1) ?? this.silence;
  }

  /** Wall ms of the next frame to read. */
  private cursor(): number {
    return (this.firstFrameAt ?? this.clock.now()) + this.frames * FRAME_MS;
  }
}
