import { decodeMuLaw } from '../../src/media/mu-law.ts';
import type { DetectionDecision, LineDetector } from '../../src/detection/index.ts';
import { loadFixtures } from '../../src/simulator/line/audio/fixture-library.ts';
import { holdMusic } from '../../src/simulator/line/audio/hold-music.ts';

export const fixtures = loadFixtures();
export const pcmOf = (id: string): Int16Array => decodeMuLaw(fixtures.get(id).audio);
export const music = (): Int16Array => decodeMuLaw(holdMusic());
export const silence = (seconds: number): Int16Array => new Int16Array(Math.round(seconds * 8000));

export { concatPcm as concat } from '../../src/media/concat-pcm.ts';

/** Streams `pcm` as 20 ms frames from `startMs`; returns the decisions and the ms after the last frame. */
export function stream(detector: LineDetector, pcm: Int16Array, startMs = 0): { decisions: DetectionDecision[]; endMs: number } {
  const decisions: DetectionDecision[] = [];
  let t = startMs;
  for (let i = 0; i + 160 <= pcm.length; i += 160, t += 20) decisions.push(...detector.pushFrame(pcm.subarray(i, i + 160), t));
  return { decisions, endMs: t };
}
