import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioFileError, openAudioFile, PHONE_FRAME_SAMPLES } from '../../src/detection/audio-file.ts';
import { decodeMuLaw } from '../../src/media/mu-law.ts';
import { Resampler, resample } from '../../src/media/resampler.ts';
import { aLawToLinear } from '../../src/media/a-law.ts';
import { buildWav, listInfoChunk, sine, type WavSpec } from '../support/wav-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'hh-audio-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNumber = 0;
function writeTemp(bytes: Uint8Array | string): string {
  const path = join(dir, `f${fileNumber++}.wav`);
  writeFileSync(path, bytes);
  return path;
}

function phoneAudio(spec: WavSpec): { samples: Int16Array; frames: Int16Array[] } {
  const frames = [...openAudioFile(writeTemp(buildWav(spec))).frames()];
  const samples = new Int16Array(frames.length * PHONE_FRAME_SAMPLES);
  frames.forEach((f, i) => samples.set(f, i * PHONE_FRAME_SAMPLES));
  return { samples, frames };
}

/** RMS of `samples` (skipping the filter's ramp at both ends). */
function rms(samples: ArrayLike<number>, from = 400, to = samples.length - 400): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] as number) ** 2;
  return Math.sqrt(sum / (to - from));
}

/** Amplitude of the `hz` component at 8 kHz (Goertzel-style correlation). */
function toneLevel(samples: ArrayLike<number>, hz: number, from = 400, to = samples.length - 400): number {
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += (samples[i] as number) * Math.cos((2 * Math.PI * hz * i) / 8000);
    im += (samples[i] as number) * Math.sin((2 * Math.PI * hz * i) / 8000);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

const db = (ratio: number) => 20 * Math.log10(ratio);

describe('openAudioFile: decoding and the phone path', () => {
  it('16-bit 44.1 kHz stereo with a LIST chunk: a 1 kHz sine keeps its frequency and level at 8 kHz', () => {
    const tone = sine(1000, 44100, 1, 0.5);
    const spec: WavSpec = { sampleRate: 44100, channels: [tone, tone], encoding: 'pcm16', chunksBeforeData: [listInfoChunk('odd!')] };
    const file = openAudioFile(writeTemp(buildWav(spec)));
    expect(file.info).toMatchObject({ encoding: 'pcm', sampleRate: 44100, channels: 2, description: '16-bit PCM', frameCount: 50 });
    expect(file.info.durationSeconds).toBeCloseTo(1, 6);
    const { samples, frames } = phoneAudio(spec);
    expect(frames).toHaveLength(50);
    expect(frames.every((f) => f instanceof Int16Array && f.length === 160)).toBe(true);
    // Level: 0.5 of full scale peak, within 0.2 dB after the filter and mu-law.
    expect(Math.abs(db(toneLevel(samples, 1000) / (0.5 * 32768)))).toBeLessThan(0.2);
    // Frequency: the energy is at 1 kHz, not beside it.
    expect(toneLevel(samples, 1000)).toBeGreaterThan(0.95 * rms(samples) * Math.SQRT2);
    expect(toneLevel(samples, 1100)).toBeLessThan(0.01 * toneLevel(samples, 1000));
  });

  it('a 5 kHz tone at 44.1 kHz is removed by the anti-alias filter (it would alias to 3 kHz)', () => {
    const { samples } = phoneAudio({ sampleRate: 44100, channels: [sine(5000, 44100, 1, 0.5)], encoding: 'pcm16' });
    expect(db(toneLevel(samples, 3000) / (0.5 * 32768))).toBeLessThan(-60);
    expect(db(rms(samples) / (0.5 * 32768))).toBeLessThan(-50);
  });

  it('a tone at 3.4 kHz, the top of the telephone band, passes', () => {
    const { samples } = phoneAudio({ sampleRate: 48000, channels: [sine(3400, 48000, 1, 0.5)], encoding: 'pcm16' });
    expect(Math.abs(db(toneLevel(samples, 3400) / (0.5 * 32768)))).toBeLessThan(0.5);
  });

  it('stereo channels are averaged', () => {
    const left = sine(1000, 16000, 0.5, 0.6);
    const silent = new Float64Array(left.length);
    const { samples } = phoneAudio({ sampleRate: 16000, channels: [left, silent], encoding: 'pcm16' });
    expect(Math.abs(db(toneLevel(samples, 1000) / (0.3 * 32768)))).toBeLessThan(0.2);
  });

  it.each([
    ['8-bit unsigned PCM at 11.025 kHz', { sampleRate: 11025, encoding: 'pcm8' }, 'pcm', '8-bit PCM', 0.5],
    ['24-bit PCM at 96 kHz', { sampleRate: 96000, encoding: 'pcm24' }, 'pcm', '24-bit PCM', 0.2],
    ['32-bit PCM at 22.05 kHz', { sampleRate: 22050, encoding: 'pcm32' }, 'pcm', '32-bit PCM', 0.2],
    ['32-bit float at 48 kHz', { sampleRate: 48000, encoding: 'float32' }, 'float', '32-bit float', 0.2],
    ['64-bit float at 32 kHz', { sampleRate: 32000, encoding: 'float64' }, 'float', '64-bit float', 0.2],
    ['mu-law at 8 kHz', { sampleRate: 8000, encoding: 'mu-law' }, 'mu-law', 'G.711 mu-law', 0.2],
    ['A-law at 8 kHz', { sampleRate: 8000, encoding: 'a-law' }, 'a-law', 'G.711 A-law', 0.2],
    ['WAVE_FORMAT_EXTENSIBLE 24-bit PCM stereo at 48 kHz', { sampleRate: 48000, encoding: 'pcm24', extensible: true, stereo: true }, 'pcm', '24-bit PCM', 0.2],
    ['WAVE_FORMAT_EXTENSIBLE float at 44.1 kHz', { sampleRate: 44100, encoding: 'float32', extensible: true }, 'float', '32-bit float', 0.2],
    ['WAVE_FORMAT_EXTENSIBLE mu-law', { sampleRate: 8000, encoding: 'mu-law', extensible: true }, 'mu-law', 'G.711 mu-law', 0.2],
  ] as const)('%s: 1 kHz at -6 dBFS survives', (_name, opts, encoding, description, toleranceDb) => {
    const tone = sine(1000, opts.sampleRate, 0.5, 0.5);
    const spec: WavSpec = {
      sampleRate: opts.sampleRate,
      encoding: opts.encoding,
      channels: 'stereo' in opts ? [tone, tone] : [tone],
      extensible: 'extensible' in opts,
    };
    const { info } = openAudioFile(writeTemp(buildWav(spec)));
    expect(info).toMatchObject({ encoding, description, sampleRate: opts.sampleRate });
    const { samples, frames } = phoneAudio(spec);
    expect(frames).toHaveLength(info.frameCount);
    expect(Math.abs(frames.length - 25)).toBeLessThanOrEqual(1); // 11.025 kHz: 5513 samples are 25.002 frames
    expect(Math.abs(db(toneLevel(samples, 1000) / (0.5 * 32768)))).toBeLessThan(toleranceDb);
  });

  it('8 kHz mu-law passes through bit-exact: the phone path re-encodes what it decoded', () => {
    const bytes = new Uint8Array(800);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) & 0xff;
    const wav = buildWav({ sampleRate: 8000, channels: [new Float64Array(0)], encoding: 'mu-law' });
    // Replace the empty data chunk with the raw bytes.
    const out = new Uint8Array(wav.length + bytes.length);
    out.set(wav);
    out.set(bytes, wav.length);
    const v = new DataView(out.buffer);
    v.setUint32(4, out.length - 8, true);
    v.setUint32(wav.length - 4, bytes.length, true);
    const frames = [...openAudioFile(writeTemp(out)).frames()];
    const expected = decodeMuLaw(bytes);
    expect(frames.flatMap((f) => [...f])).toEqual([...expected]);
  });

  it('timing is kept: a click 1 s into a 44.1 kHz file lands at sample 8000 (frame 50)', () => {
    const signal = new Float64Array(88200);
    signal[44100] = 0.9;
    const { samples } = phoneAudio({ sampleRate: 44100, channels: [signal], encoding: 'float32' });
    let peakAt = 0;
    for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]!) > Math.abs(samples[peakAt]!)) peakAt = i;
    expect(peakAt).toBe(8000);
  });

  it('skips unknown chunks of odd size before fmt, with their pad byte', () => {
    const tone = sine(1000, 8000, 0.2, 0.5);
    const spec: WavSpec = {
      sampleRate: 8000,
      channels: [tone],
      encoding: 'pcm16',
      chunksBeforeFmt: [{ id: 'junk', body: new Uint8Array([1, 2, 3]) }, { id: 'bext', body: new Uint8Array(5) }],
    };
    const { frames } = phoneAudio(spec);
    expect(frames).toHaveLength(10);
  });

  it('a data size of 0xFFFFFFFF (streamed recording) means "to the end of the file"', () => {
    const spec: WavSpec = { sampleRate: 8000, channels: [sine(1000, 8000, 0.2)], encoding: 'pcm16', declaredDataBytes: 0xffffffff };
    expect([...openAudioFile(writeTemp(buildWav(spec))).frames()]).toHaveLength(10);
  });

  it('a partial last frame is completed with silence; each frames() call reads the file anew', () => {
    const file = openAudioFile(writeTemp(buildWav({ sampleRate: 8000, channels: [new Float64Array(250).fill(0.25)], encoding: 'pcm16' })));
    expect(file.info.frameCount).toBe(2);
    const first = [...file.frames()];
    expect(first).toHaveLength(2);
    expect(first[1]![89]).toBeGreaterThan(8000);
    expect(first[1]![90]).toBe(0);
    expect([...file.frames()]).toEqual(first);
  });
});

describe('openAudioFile: errors name the file and the problem', () => {
  const tone = sine(1000, 8000, 0.1);
  const good = buildWav({ sampleRate: 8000, channels: [tone], encoding: 'pcm16' });

  function failure(path: string): AudioFileError {
    try {
      openAudioFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(AudioFileError);
      return error as AudioFileError;
    }
    throw new Error('expected an AudioFileError');
  }

  it.each([
    ['missing', () => join(dir, 'nope.wav'), /does not exist/],
    ['empty', () => writeTemp(new Uint8Array(0)), /is empty/],
    ['truncated', () => writeTemp(good.subarray(0, good.length - 100)), /truncated: its audio data should be 1600 bytes but the file holds only 1500/],
    ['truncated', () => writeTemp(good.subarray(0, 10)), /truncated: it ends inside the WAV header/],
    ['truncated', () => writeTemp(good.subarray(0, 30)), /truncated: it ends inside the format chunk/],
    ['truncated', () => writeTemp(good.subarray(0, 36)), /truncated: it has no audio data chunk/],
    ['truncated', () => writeTemp(good.subarray(0, 40)), /truncated: it ends inside a chunk header at byte 36/],
    ['not-audio', () => writeTemp('hello, this is a text file and not a recording\n'), /not a WAV audio file/],
    ['not-audio', () => writeTemp(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), /not a WAV audio file/],
    ['unsupported', () => writeTemp(buildWav({ sampleRate: 8000, channels: [tone], encoding: 'pcm16', formatCode: 0x11 })), /IMA ADPCM \(WAV format 0x0011\), which is not supported/],
    ['unsupported', () => writeTemp(buildWav({ sampleRate: 8000, channels: [tone], encoding: 'pcm16', formatCode: 0x1234 })), /WAV format 0x1234, which is not supported/],
    ['invalid', () => writeTemp(buildWav({ sampleRate: 8000, channels: [tone], encoding: 'pcm16', channelCount: 0 })), /zero audio channels/],
    ['invalid', () => writeTemp(buildWav({ sampleRate: 8000, channels: [tone], encoding: 'pcm16', declaredSampleRate: 0 })), /sample rate of 0 Hz/],
    ['empty', () => writeTemp(buildWav({ sampleRate: 8000, channels: [new Float64Array(0)], encoding: 'pcm16' })), /holds no audio/],
  ] as const)('%s: %s', (kind, make, message) => {
    const path = make();
    const error = failure(path);
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(path);
    expect(error.message).not.toContain('\n');
  });

  it('a directory is unreadable, not a crash', () => {
    const sub = join(dir, 'a-directory.wav');
    mkdirSync(sub);
    expect(failure(sub).kind).toBe('unreadable');
  });
});

describe('G.711 A-law', () => {
  it('decodes as the ITU-T reference does', () => {
    expect([0xd5, 0x55, 0xaa, 0x2a, 0x80, 0x00].map(aLawToLinear)).toEqual([8, -8, 32256, -32256, 5504, -5504]);
  });
});

describe('Resampler', () => {
  it('gives the same output whether the input comes at once or in odd-sized pieces', () => {
    const input = new Float32Array(sine(700, 44100, 0.3, 0.4));
    const whole = resample(input, 44100, 8000);
    const streaming = new Resampler(44100, 8000);
    const parts: number[] = [];
    for (let at = 0; at < input.length; at += 333) parts.push(...streaming.push(input.subarray(at, at + 333)));
    parts.push(...streaming.flush());
    expect(parts.length).toBe(whole.length);
    expect(parts.length).toBe(Math.ceil((input.length * 8000) / 44100));
    for (let i = 0; i < whole.length; i++) expect(parts[i]).toBeCloseTo(whole[i]!, 6);
  });

  it('an odd rate (44 057 Hz: 8000 kernel phases, interpolated rather than tabled) keeps a 1 kHz tone and removes 5 kHz', () => {
    const pass = resample(new Float32Array(sine(1000, 44057, 0.5, 0.5)), 44057, 8000);
    const stop = resample(new Float32Array(sine(5000, 44057, 0.5, 0.5)), 44057, 8000);
    expect(pass.length).toBe(Math.ceil((Math.round(44057 * 0.5) * 8000) / 44057));
    expect(Math.abs(db(toneLevel(pass, 1000) / 0.5))).toBeLessThan(0.1);
    expect(db(rms(stop) / 0.5)).toBeLessThan(-60);
  });

  it('upsamples a 4 kHz recording to 8 kHz keeping a 1 kHz tone', () => {
    const out = resample(new Float32Array(sine(1000, 4000, 0.5, 0.5)), 4000, 8000);
    expect(out.length).toBe(4000);
    expect(Math.abs(db(toneLevel(out, 1000) / 0.5))).toBeLessThan(0.1);
  });
});
