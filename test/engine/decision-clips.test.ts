/**
 * The clip around a detection decision is exactly the line's audio from `beforeMs` before it to `afterMs` after,
 * as μ-law, whatever happened before (a short line, several decisions close together, the line ending early).
 */
import { describe, expect, it } from 'vitest';
import { ClipRecorder } from '../../src/engine/decision-clips.ts';
import { encodeMuLaw } from '../../src/media/mu-law.ts';

/** Frame n: a distinct 160-sample pattern, so a clip's bytes say which frames it holds and in which order. */
function frame(n: number): Int16Array {
  return Int16Array.from({ length: 160 }, (_, i) => ((n * 997 + i * 131) % 60_000) - 30_000);
}

/** What the clip of frames [from, to) must hold. */
function expected(from: number, to: number): Uint8Array {
  const out = new Uint8Array((to - from) * 160);
  for (let n = from; n < to; n++) out.set(encodeMuLaw(frame(n)), (n - from) * 160);
  return out;
}

function recorder(beforeMs: number, afterMs: number): { push: (n: number) => void; capture: () => Uint8Array[]; end: () => void } {
  const clips = new ClipRecorder({ beforeMs, afterMs });
  const done: Uint8Array[] = [];
  return { push: (n) => clips.push(frame(n)), capture: () => (clips.capture((clip) => done.push(Uint8Array.from(clip))), done), end: () => clips.end() };
}

describe('ClipRecorder', () => {
  it('hands over the frames from beforeMs before the decision to afterMs after it', () => {
    const line = recorder(100, 60);
    for (let n = 0; n < 23; n++) line.push(n);
    const done = line.capture();
    line.push(23);
    line.push(24);
    expect(done).toHaveLength(0);
    line.push(25);
    expect(done).toEqual([expected(18, 26)]);
    line.push(26);
    expect(done).toHaveLength(1);
  });

  it('keeps what there is when the line is younger than beforeMs', () => {
    const line = recorder(1_000, 40);
    for (let n = 0; n < 3; n++) line.push(n);
    const done = line.capture();
    line.push(3);
    line.push(4);
    expect(done).toEqual([expected(0, 5)]);
  });

  it('fills overlapping clips each from its own moment', () => {
    const line = recorder(60, 60);
    for (let n = 0; n < 10; n++) line.push(n);
    const done = line.capture();
    line.push(10);
    line.capture();
    for (let n = 11; n < 14; n++) line.push(n);
    expect(done).toEqual([expected(7, 13), expected(8, 14)]);
  });

  it('hands over a clip still filling, with what it has, when the line ends', () => {
    const line = recorder(40, 1_000);
    for (let n = 0; n < 5; n++) line.push(n);
    const done = line.capture();
    line.push(5);
    line.end();
    expect(done).toEqual([expected(3, 6)]);
  });

  it('takes frames of any length (the ring wraps mid-frame)', () => {
    const clips = new ClipRecorder({ beforeMs: 20, afterMs: 0 });
    const long = Int16Array.from({ length: 400 }, (_, i) => i * 50 - 10_000);
    clips.push(long);
    const done: Uint8Array[] = [];
    clips.capture((clip) => done.push(Uint8Array.from(clip)));
    expect(done).toEqual([encodeMuLaw(long.subarray(240))]);
  });
});
