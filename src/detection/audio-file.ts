/**
 * A WAV recording as a detector hears a live line: the file's format is checked up front (every problem is
 * an AudioFileError with a message for a person), then its audio streams through the 8 kHz mu-law phone path
 * as 20 ms frames of 160 samples, block by block, so an hour-long recording never sits in memory whole.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AudioFileError } from '../media/audio-file-error.ts';
import { PHONE_FRAME_MS, PHONE_FRAME_SAMPLES, PHONE_SAMPLE_RATE, PhonePath } from '../media/phone-path.ts';
import { readWavFormat } from '../media/wav-format.ts';
import type { ByteSource, SampleEncoding } from '../media/wav-format.ts';
import { decodeMonoSamples } from '../media/wav-samples.ts';

export { AudioFileError, type AudioFileErrorKind } from '../media/audio-file-error.ts';
export { PHONE_FRAME_MS, PHONE_FRAME_SAMPLES, PHONE_SAMPLE_RATE } from '../media/phone-path.ts';

export interface AudioFileInfo {
  path: string;
  encoding: SampleEncoding;
  /** e.g. "16-bit PCM", "G.711 mu-law". */
  description: string;
  sampleRate: number;
  channels: number;
  durationSeconds: number;
  /** 20 ms phone frames the file yields (the last one padded with silence). */
  frameCount: number;
}

export interface AudioFile {
  readonly info: AudioFileInfo;
  /** The file's audio after the phone path, frame by frame; each call reads the file anew. */
  frames(): Generator<Int16Array, void, undefined>;
}

/** Sample frames decoded per read: about 0.1 s at 44.1 kHz, small enough to stay in cache. */
const FRAMES_PER_READ = 4096;

/** Opens and checks `path`; throws AudioFileError (missing, empty, truncated, not audio, unsupported, invalid). */
export function openAudioFile(path: string): AudioFile {
  const format = withFile(path, (source) => readWavFormat(source, path));
  const sampleFrames = format.dataBytes / format.blockAlign;
  const durationSeconds = sampleFrames / format.sampleRate;
  const info: AudioFileInfo = {
    path,
    encoding: format.encoding,
    description: format.description,
    sampleRate: format.sampleRate,
    channels: format.channels,
    durationSeconds,
    frameCount: Math.ceil(Math.ceil((sampleFrames * PHONE_SAMPLE_RATE) / format.sampleRate) / PHONE_FRAME_SAMPLES),
  };
  return {
    info,
    *frames() {
      const fd = openOrExplain(path);
      try {
        const phone = new PhonePath(format.sampleRate);
        const blockBytes = FRAMES_PER_READ * format.blockAlign;
        for (let at = 0; at < format.dataBytes; at += blockBytes) {
          const want = Math.min(blockBytes, format.dataBytes - at);
          const bytes = readAt(fd, format.dataOffset + at, want);
          if (bytes.length < want) throw new AudioFileError('truncated', `${path} became shorter while it was being read`);
          yield* phone.push(decodeMonoSamples(bytes, format));
        }
        yield* phone.end();
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** Frame index -> the detector's clock (ms since the stream started). */
export function frameTimeMs(index: number): number {
  return index * PHONE_FRAME_MS;
}

function withFile<T>(path: string, use: (source: ByteSource) => T): T {
  const fd = openOrExplain(path);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new AudioFileError('unreadable', `${path} is a directory, not an audio file`);
    if (!stat.isFile()) throw new AudioFileError('unreadable', `${path} is not a regular file`);
    return use({ size: stat.size, read: (offset, length) => readAt(fd, offset, length) });
  } finally {
    closeSync(fd);
  }
}

function openOrExplain(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AudioFileError('missing', `${path} does not exist`);
    if (code === 'EACCES' || code === 'EPERM') throw new AudioFileError('unreadable', `${path} cannot be read (permission denied)`);
    if (code === 'EISDIR') throw new AudioFileError('unreadable', `${path} is a directory, not an audio file`);
    throw new AudioFileError('unreadable', `${path} cannot be opened (${code ?? String(error)})`);
  }
}

/** Up to `length` bytes from `offset` (fewer at the end of the file). */
function readAt(fd: number, offset: number, length: number): Uint8Array {
  const buffer = new Uint8Array(Math.max(0, length));
  let got = 0;
  while (got < buffer.length) {
    const n = readSync(fd, buffer, got, buffer.length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return buffer.subarray(0, got);
}
