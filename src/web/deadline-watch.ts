/**
 * One deadline for many concurrent operations, kept by one timer. The webhook gives each notification's Redis
 * delivery `ms` before it answers 503 (RingCentral waits 3 s); a timer, a `Promise.race` and a `finally` per
 * notification were a measurable share of the web thread at 2,000 a second. Operations start in order and share
 * one duration, so the oldest is always first: a sweep looks only at those past due. Reads the global
 * `performance`, which test clocks can stand in for.
 */

interface Watched {
  readonly due: number;
  readonly message: string;
  settled: boolean;
  readonly reject: (error: Error) => void;
}

export class DeadlineWatch {
  private readonly pending = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;
  /** How often the sweep runs: an operation is refused between `ms` and `ms + sweepMs` after it started. */
  private readonly sweepMs: number;

  constructor(private readonly ms: number) {
    if (!(ms > 0)) throw new Error(`DeadlineWatch needs a positive duration, got ${ms}`);
    this.sweepMs = Math.max(1, Math.ceil(ms / 8));
  }

  /** Settles as `operation` does, or rejects with Error(`${message} within ${ms} ms`) once its time is up. */
  watch<T>(operation: Promise<T>, message: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const watched: Watched = { due: performance.now() + this.ms, message, settled: false, reject };
      this.pending.add(watched);
      this.timer ??= setInterval(() => this.sweep(), this.sweepMs).unref();
      operation.then(
        (value) => {
          if (this.settle(watched)) resolve(value);
        },
        (error: Error) => {
          if (this.settle(watched)) reject(error);
        },
      );
    });
  }

  /** Operations still waiting (for tests and shutdown). */
  get size(): number {
    return this.pending.size;
  }

  private settle(watched: Watched): boolean {
    if (watched.settled) return false;
    watched.settled = true;
    this.pending.delete(watched);
    return true;
  }

  private sweep(): void {
    const now = performance.now();
    for (const watched of this.pending) {
      if (watched.due > now) break;
      if (this.settle(watched)) watched.reject(new Error(`${watched.message} within ${this.ms} ms`));
    }
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
