/**
 * How loaded the simulator itself is, for `GET /_sim/load`. In a load run the simulator plays every line's
 * audio on one event loop; when that loop falls behind, the bench measures the simulator, not the product:
 * audio frames are skipped (the pacer drops what it cannot send in time) and deliveries start late. A bench
 * prints these beside its figures so a reader can tell.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { MediaPacer } from '../sip/media/media-pacer.ts';

export interface SimLoad {
  /** Event-loop delay since the simulator started or `resetSimLoad` (ms; 10 ms resolution). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** The shared 20 ms audio clock: ticks sent, ticks skipped because the loop fell behind, sessions now. */
  media: { ticks: number; skippedTicks: number; sessions: number };
}

let delay: IntervalHistogram | undefined;

/** Starts measuring (idempotent): call when the simulator starts. */
export function watchSimLoad(): void {
  if (delay) return;
  delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
}

/** Starts both measurements afresh (a bench calls it as its measured part begins). */
export function resetSimLoad(): void {
  delay?.reset();
  const stats = MediaPacer.shared.stats;
  stats.ticks = 0;
  stats.skippedFrames = 0;
}

export function simLoad(): SimLoad {
  const ms = (ns: number): number => Math.round(ns / 1e5) / 10;
  const pacer = MediaPacer.shared;
  return {
    eventLoopDelayMs: delay ? { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) } : { p50: 0, p99: 0, max: 0 },
    media: { ticks: pacer.stats.ticks, skippedTicks: pacer.stats.skippedFrames, sessions: pacer.size },
  };
}
