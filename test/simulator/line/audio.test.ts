import { describe, expect, it } from 'vitest';
import { AudioTrack } from '../../../src/simulator/line/audio/audio-track.ts';
import { FRAME_BYTES, SAMPLE_RATE } from '../../../src/simulator/line/audio/constants.ts';
import { loadFixtures } from '../../../src/simulator/line/audio/fixture-library.ts';
import { HOLD_MUSIC_SECONDS, holdMusic } from '../../../src/simulator/line/audio/hold-music.ts';
import { decodeMuLaw, muLawRms } from '../../../src/media/mu-law.ts';
import { busyTone, clickSound, comfortNoise, ringbackTone, silence } from '../../../src/simulator/line/audio/tones.ts';

/**
 * Median over 2 s windows of the share of 20 ms frames quieter than half the window's mean
 * (research: speech ~0.35, music ~0.05).
 */
function lowEnergyRatio(bytes: Uint8Array): number {
  const pcm = decodeMuLaw(bytes);
  const frames: number[] = [];
  for (let i = 0; i + FRAME_BYTES <= pcm.length; i += FRAME_BYTES) {
    let sum = 0;
    for (let j = i; j < i + FRAME_BYTES; j++) sum += (pcm[j] as number) ** 2;
    frames.push(Math.sqrt(sum / FRAME_BYTES));
  }
  const ratios: number[] = [];
  for (let w = 0; w + 100 <= frames.length; w += 50) {
    const win = frames.slice(w, w + 100);
    const mean = win.reduce((a, b) => a + b, 0) / win.length;
    ratios.push(win.filter((f) => f < 0.5 * mean).length / win.length);
  }
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)] ?? 0;
}

/** Magnitude of one DFT bin at `freq` Hz. */
function power(pcm: Int16Array, freq: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < pcm.length; i++) {
    re += (pcm[i] as number) * Math.cos((2 * Math.PI * freq * i) / SAMPLE_RATE);
    im += (pcm[i] as number) * Math.sin((2 * Math.PI * freq * i) / SAMPLE_RATE);
  }
  return Math.hypot(re, im) / pcm.length;
}

describe('call-progress tones', () => {
  it('ringback is 440 + 480 Hz, 2 s on, 4 s off', () => {
    const tone = ringbackTone();
    expect(tone.length).toBe(6 * SAMPLE_RATE);
    const on = decodeMuLaw(tone.subarray(800, 8800));
    expect(power(on, 440)).toBeGreaterThan(1000);
    expect(power(on, 480)).toBeGreaterThan(1000);
    expect(power(on, 620)).toBeLessThan(50);
    expect(muLawRms(tone.subarray(2 * SAMPLE_RATE + 80))).toBe(0);
  });

  it('busy is 480 + 620 Hz, 0.5 s on, 0.5 s off', () => {
    const tone = busyTone();
    expect(tone.length).toBe(SAMPLE_RATE);
    const on = decodeMuLaw(tone.subarray(0, 4000));
    expect(power(on, 480)).toBeGreaterThan(1000);
    expect(power(on, 620)).toBeGreaterThan(1000);
    expect(muLawRms(tone.subarray(4040))).toBe(0);
  });

  it('click, comfort noise and silence have the expected levels', () => {
    expect(muLawRms(clickSound())).toBeGreaterThan(1000);
    const noise = muLawRms(comfortNoise());
    expect(noise).toBeGreaterThan(10);
    expect(noise).toBeLessThan(200);
    expect(silence().every((b) => b === 0xff)).toBe(true);
  });
});

describe('hold music', () => {
  it('is a deterministic, clearly musical loop', () => {
    const music = holdMusic();
    expect(music.length).toBe(HOLD_MUSIC_SECONDS * SAMPLE_RATE);
    expect(HOLD_MUSIC_SECONDS).toBeGreaterThanOrEqual(30);
    expect(HOLD_MUSIC_SECONDS).toBeLessThanOrEqual(60);
    expect(holdMusic()).toBe(music); // cached
    expect(muLawRms(music)).toBeGreaterThan(1500);
    // Sustained: almost no quiet frames, unlike speech.
    expect(lowEnergyRatio(music)).toBeLessThan(0.1);
    // Seamless: no jump at the loop point bigger than the music's own sample-to-sample steps.
    const pcm = decodeMuLaw(music);
    let maxStep = 0;
    for (let i = 1; i < pcm.length; i++) {
      maxStep = Math.max(maxStep, Math.abs((pcm[i] as number) - (pcm[i - 1] as number)));
    }
    expect(Math.abs((pcm[0] as number) - (pcm[pcm.length - 1] as number))).toBeLessThanOrEqual(maxStep);
  });

  it('differs from the recorded speech by its energy dynamics', () => {
    const fixtures = loadFixtures();
    const speech = fixtures.list().filter((f) => f.durationMs >= 5000);
    for (const f of speech) expect(lowEnergyRatio(f.audio), f.id).toBeGreaterThan(0.3);
  });
});

describe('AudioTrack', () => {
  const a = new Uint8Array(400).fill(1);
  const tail = Uint8Array.from({ length: 160 }, (_, i) => 10 + (i % 100));

  it('is silent before the first program and plays once-buffers then the looped tail', () => {
    const track = new AudioTrack();
    track.push(1000, { once: [a], tail, tailOffset: 20 });
    const out = track.read(990, 4); // 10 ms of silence, then 70 ms of the program
    expect(out.length).toBe(4 * FRAME_BYTES);
    expect(out.subarray(0, 80).every((b) => b === 0xff)).toBe(true);
    expect(out.subarray(80, 480).every((b) => b === 1)).toBe(true);
    expect([...out.subarray(480, 483)]).toEqual([30, 31, 32]); // tail from offset 20
    expect(out[480 + 140]).toBe(10); // wrapped to the tail's start
  });

  it('switches at the next program and replaces a program pushed at the same instant', () => {
    const track = new AudioTrack();
    track.push(0, { tail: new Uint8Array([5]) });
    track.push(10, { tail: new Uint8Array([6]) });
    track.push(10, { tail: new Uint8Array([7]) });
    const out = track.read(0, 1);
    expect(out.subarray(0, 80).every((b) => b === 5)).toBe(true);
    expect(out.subarray(80).every((b) => b === 7)).toBe(true);
    expect(() => track.push(5, { tail: new Uint8Array([1]) })).toThrow(/time order/);
  });

  it('reads 70 calls x 50 frames quickly', () => {
    const track = new AudioTrack();
    track.push(0, { tail: holdMusic(), tailOffset: 123 });
    const started = performance.now();
    for (let i = 0; i < 70 * 50; i++) track.read(i * 20, 1);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
