import { describe, expect, it } from 'vitest';
import { muLawRms } from '../../../src/simulator/line/index.ts';
import { PPS, setup } from './helpers.ts';

describe('hold loop', () => {
  it('is one shared recording per destination number', () => {
    const { model } = setup('default', 3);
    const loop = model.holdLoop(PPS);
    expect(model.holdLoop(PPS)).toBe(loop);
    // Same seed and loop parameters: the same bytes; another number: another loop.
    expect(Buffer.from(setup('peak', 3).model.holdLoop(PPS).audio).equals(loop.audio)).toBe(true);
    expect(Buffer.from(model.holdLoop('+12025550100').audio).equals(loop.audio)).toBe(false);
    expect(loop.durationMs).toBeGreaterThanOrEqual(240_000);
    expect(loop.durationMs).toBeLessThan(400_000);
  });

  it('has music, then announcements every 30-90 s in English then Spanish, and false cues', () => {
    const { model } = setup('default', 3);
    const loop = model.holdLoop(PPS);
    // Segments tile the loop.
    let at = 0;
    for (const s of loop.segments) {
      expect(s.startMs).toBeCloseTo(at, 6);
      at += s.durationMs;
    }
    expect(at).toBeCloseTo(loop.durationMs, 6);
    const announcements = loop.segments.filter((s) => s.kind === 'announcement');
    expect(announcements.length).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < announcements.length; i += 2) {
      expect(announcements[i]?.lang).toBe('en');
      expect(announcements[i + 1]?.lang).toBe('es');
    }
    for (const m of loop.segments.filter((s) => s.kind === 'music')) {
      expect(m.durationMs).toBeGreaterThan(1000);
      expect(m.durationMs).toBeLessThanOrEqual(90_000 + 1);
      const slice = loop.audio.subarray(m.startMs * 8 + 400, m.startMs * 8 + 8400);
      expect(muLawRms(slice)).toBeGreaterThan(800);
    }
    // Across a few seeds the loop carries ringback bursts and silence gaps (false cues).
    const kinds = new Set(
      [1, 2, 3, 4, 5].flatMap((seed) => setup('default', seed).model.holdLoop(PPS).segments.map((s) => s.kind)),
    );
    expect(kinds).toEqual(new Set(['music', 'announcement', 'silence', 'ringback', 'gap']));
  });
});
