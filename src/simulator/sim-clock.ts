/**
 * The simulator's sense of time. Scenario durations (hold times, ringing, timeouts) are model time and run
 * `timeScale` times faster than the wall clock; audio always plays at its own real pace.
 */
export interface SimClock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** How many model milliseconds pass per wall millisecond (SIM_TIME_SCALE, >= 1). */
  readonly timeScale: number;
  /** Converts a model duration to the wall duration it takes here. */
  toWall(modelMs: number): number;
  /** Runs `fn` after `wallMs` wall milliseconds; returns a cancel function. */
  setTimer(fn: () => void, wallMs: number): () => void;
}

export function realClock(timeScale = 1): SimClock {
  if (!(timeScale >= 1)) throw new Error(`SIM_TIME_SCALE must be >= 1, got ${timeScale}`);
  return {
    now: () => Date.now(),
    timeScale,
    toWall: (modelMs) => modelMs / timeScale,
    setTimer(fn, wallMs) {
      const handle = setTimeout(fn, Math.max(0, wallMs));
      // Timers of a simulated call must never keep a process alive on shutdown.
      handle.unref();
      return () => clearTimeout(handle);
    },
  };
}

/** A clock driven by hand in tests: `advance(ms)` fires every timer due, in order. */
export class ManualClock implements SimClock {
  private current: number;
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  constructor(
    start = Date.UTC(2026, 2, 3, 15, 0, 0),
    readonly timeScale = 1,
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  toWall(modelMs: number): number {
    return modelMs / this.timeScale;
  }

  setTimer(fn: () => void, wallMs: number): () => void {
    const timer = { at: this.current + Math.max(0, wallMs), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.current = next.at;
      next.fn();
    }
    this.current = end;
  }
}
