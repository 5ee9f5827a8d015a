/**
 * One 20 ms clock for every call's outgoing audio. 70 calls × 50 packets/s on one timer each would be 70
 * timers drifting apart; one timer that walks the list keeps the event loop calm and the frames in step.
 *
 * Tick n is due at start + n × frameMs, computed from the start time rather than by chaining setTimeout(20),
 * so timer lateness never accumulates into drift. A late tick sends the frames it owes, but after a stall
 * (GC, a blocked loop) at most `maxCatchUpFrames` of them: a burst of seconds of audio would only flood the
 * receiver; the rest are skipped, as a real network would lose them.
 */
import type { Logger } from 'pino';

export interface MediaPacerOptions {
  frameMs?: number;
  maxCatchUpFrames?: number;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
  log?: Logger;
}

export class MediaPacer {
  private static sharedPacer: MediaPacer | undefined;

  /** The process-wide pacer that sessions use when given none. */
  static get shared(): MediaPacer {
    return (MediaPacer.sharedPacer ??= new MediaPacer());
  }

  readonly stats = { ticks: 0, skippedFrames: 0 };

  private readonly frameMs: number;
  private readonly maxCatchUpFrames: number;
  private readonly now: () => number;
  private readonly log: Logger | undefined;
  private readonly subscribers = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private startedAt = 0;
  private done = 0;

  constructor(options: MediaPacerOptions = {}) {
    this.frameMs = options.frameMs ?? 20;
    this.maxCatchUpFrames = options.maxCatchUpFrames ?? 3;
    this.now = options.now ?? (() => performance.now());
    this.log = options.log;
  }

  /** Calls `onFrame` once per frame from the next tick on; returns the function that stops it. */
  add(onFrame: () => void): () => void {
    // Wrap so that adding the same function twice gives two independent subscriptions.
    const subscriber = () => onFrame();
    this.subscribers.add(subscriber);
    if (!this.running) {
      this.running = true;
      this.startedAt = this.now();
      this.done = 0;
      this.schedule();
    }
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && this.running) {
        // Idle pacers hold no timer; the next add restarts the clock from zero.
        this.running = false;
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Number of subscribed sessions. */
  get size(): number {
    return this.subscribers.size;
  }

  private schedule(): void {
    const due = this.startedAt + (this.done + 1) * this.frameMs;
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - this.now()));
    // The sessions' sockets keep the process alive; the pacer alone must not.
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    const elapsed = Math.floor((this.now() - this.startedAt) / this.frameMs);
    let owed = elapsed - this.done;
    if (owed > this.maxCatchUpFrames) {
      this.stats.skippedFrames += owed - this.maxCatchUpFrames;
      owed = this.maxCatchUpFrames;
    }
    // Settle the clock before calling out: a subscriber may remove the last session and add a new one,
    // which restarts the clock and must not be disturbed by this tick.
    this.done = elapsed;
    for (let frame = 0; frame < owed; frame++) {
      this.stats.ticks++;
      for (const subscriber of this.subscribers) {
        try {
          subscriber();
        } catch (err) {
          // One broken session must not silence the others.
          this.log?.error({ err }, 'media pacer subscriber failed');
        }
      }
    }
    if (this.running && this.timer === undefined) this.schedule();
  }
}
