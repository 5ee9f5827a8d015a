/** Telephone audio format shared by every module of the line: 8 kHz G.711 mu-law in 20 ms frames. */
export const SAMPLE_RATE = 8000;
export const SAMPLES_PER_MS = SAMPLE_RATE / 1000;
export const FRAME_MS = 20;
export const FRAME_BYTES = FRAME_MS * SAMPLES_PER_MS;

/** Samples in `ms` milliseconds, rounded to a whole sample. */
export function msToSamples(ms: number): number {
  return Math.round(ms * SAMPLES_PER_MS);
}
