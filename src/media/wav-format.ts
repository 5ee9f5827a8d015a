/**
 * Finds the format and the audio data of a RIFF/WAVE file by walking its chunks (LIST, fact, bext, cue and
 * anything unknown are skipped; odd-sized chunks carry a pad byte). Reads only the headers through `source`,
 * so a long recording is never loaded whole. Every problem becomes an AudioFileError naming `label`.
 */
import { AudioFileError } from './audio-file-error.ts';

/** Random access to the file's bytes; `read` returns fewer bytes than asked at the end of the file. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

export type SampleEncoding = 'pcm' | 'float' | 'mu-law' | 'a-law';

export interface WavFormat {
  encoding: SampleEncoding;
  sampleRate: number;
  channels: number;
  /** Bytes of one sample of one channel as stored (PCM 12-bit is stored in 2, 20-bit in 3, ...). */
  bytesPerSample: number;
  /** Bits that carry the signal, as declared (informational). */
  bitsPerSample: number;
  /** Bytes of one sample frame (every channel). */
  blockAlign: number;
  /** Where the samples start, and how many bytes of whole sample frames follow. */
  dataOffset: number;
  dataBytes: number;
  /** e.g. "16-bit PCM", "32-bit float", "G.711 mu-law" (for messages and reports). */
  description: string;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Names of encodings people do meet in WAV files, so "unsupported" says which one it was. */
const KNOWN_UNSUPPORTED: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
  0x0064: 'G.726 ADPCM',
  0x0065: 'G.722 ADPCM',
  0x00ff: 'AAC',
  0x0161: 'Windows Media Audio',
  0x1610: 'AAC',
  0xf1ac: 'FLAC',
};
/** The 14 bytes after the format code in every KSDATAFORMAT_SUBTYPE_* GUID of WAVE_FORMAT_EXTENSIBLE. */
const SUBFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
/** A data chunk size of 0xFFFFFFFF means "until the end of the file" (written by streaming recorders). */
const SIZE_UNKNOWN = 0xffffffff;
/** No legitimate fmt chunk is this large; a bigger one is garbage, not a format. */
const MAX_FMT_BYTES = 1024;

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function readWavFormat(source: ByteSource, label: string): WavFormat {
  if (source.size === 0) throw new AudioFileError('empty', `${label} is empty (0 bytes)`);
  const riff = source.read(0, 12);
  const magic = ascii(riff, 0);
  if (magic === 'RF64' || magic === 'BW64') {
    throw new AudioFileError('unsupported', `${label} is an ${magic} file (WAV over 4 GB), which is not supported; convert it to a plain WAV`);
  }
  if (riff.length < 12) {
    // A prefix of "RIFF....WAVE" is a cut-off WAV; anything else is simply not one.
    const expected = new TextEncoder().encode('RIFF');
    const isPrefix = riff.subarray(0, 4).every((b, i) => b === expected[i]);
    if (isPrefix) throw new AudioFileError('truncated', `${label} is truncated: it ends inside the WAV header (${source.size} bytes)`);
  }
  if (magic !== 'RIFF' || ascii(riff, 8) !== 'WAVE') {
    throw new AudioFileError('not-audio', `${label} is not a WAV audio file (no RIFF/WAVE header)`);
  }

  let fmt: Uint8Array | undefined;
  let data: { offset: number; bytes: number; declared: number } | undefined;
  let at = 12;
  while (at < source.size && !(fmt && data)) {
    const header = source.read(at, 8);
    if (header.length < 8) {
      // Trailing junk shorter than a chunk header after the data is harmless; before it the file was cut.
      if (data) break;
      throw new AudioFileError('truncated', `${label} is truncated: it ends inside a chunk header at byte ${at}`);
    }
    const id = ascii(header, 0);
    const size = view(header).getUint32(4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || size > MAX_FMT_BYTES) throw new AudioFileError('invalid', `${label} has a malformed format chunk (${size} bytes)`);
      fmt = source.read(body, size);
      if (fmt.length < size) throw new AudioFileError('truncated', `${label} is truncated: it ends inside the format chunk`);
    } else if (id === 'data') {
      const available = source.size - body;
      if (size === SIZE_UNKNOWN) data = { offset: body, bytes: available, declared: available };
      else data = { offset: body, bytes: Math.min(size, available), declared: size };
      if (size === SIZE_UNKNOWN) break;
    }
    at = body + size + (size & 1);
  }

  if (!fmt) {
    if (data) throw new AudioFileError('invalid', `${label} has audio data but no format chunk`);
    throw new AudioFileError('truncated', `${label} is truncated: it ends before its format chunk`);
  }
  if (!data) throw new AudioFileError('truncated', `${label} is truncated: it has no audio data chunk`);

  const format = parseFmt(fmt, label);
  if (data.bytes < data.declared) {
    throw new AudioFileError(
      'truncated',
      `${label} is truncated: its audio data should be ${data.declared} bytes but the file holds only ${data.bytes}`,
    );
  }
  // A partial sample frame at the very end carries nothing playable.
  const dataBytes = data.bytes - (data.bytes % format.blockAlign);
  if (dataBytes === 0) throw new AudioFileError('empty', `${label} holds no audio: its data chunk is empty`);
  return { ...format, dataOffset: data.offset, dataBytes };
}

function parseFmt(fmt: Uint8Array, label: string): Omit<WavFormat, 'dataOffset' | 'dataBytes'> {
  const v = view(fmt);
  let code = v.getUint16(0, true);
  const channels = v.getUint16(2, true);
  const sampleRate = v.getUint32(4, true);
  const blockAlign = v.getUint16(12, true);
  const bitsPerSample = v.getUint16(14, true);
  if (code === WAVE_FORMAT_EXTENSIBLE) {
    if (fmt.length < 40) throw new AudioFileError('invalid', `${label} declares WAVE_FORMAT_EXTENSIBLE but its format chunk is only ${fmt.length} bytes`);
    // cbSize(2) validBits(2) channelMask(4), then the sub-format GUID at byte 24.
    const tailMatches = SUBFORMAT_GUID_TAIL.every((b, i) => fmt[26 + i] === b);
    if (!tailMatches) throw new AudioFileError('unsupported', `${label} uses a WAVE_FORMAT_EXTENSIBLE sub-format that is not PCM, float or G.711`);
    code = v.getUint16(24, true);
  }
  if (channels === 0) throw new AudioFileError('invalid', `${label} declares zero audio channels`);
  if (sampleRate === 0) throw new AudioFileError('invalid', `${label} declares a sample rate of 0 Hz`);
  if (blockAlign === 0 || blockAlign % channels !== 0) {
    throw new AudioFileError('invalid', `${label} declares a block size of ${blockAlign} bytes, which does not fit ${channels} channel(s)`);
  }
  const bytesPerSample = blockAlign / channels;
  const base = { sampleRate, channels, blockAlign, bytesPerSample, bitsPerSample };
  const unsupportedWidth = (what: string) =>
    new AudioFileError('unsupported', `${label} uses ${bitsPerSample}-bit ${what} in ${bytesPerSample}-byte samples, which is not supported`);

  switch (code) {
    case WAVE_FORMAT_PCM:
      // Container bytes decide the decoding: samples are left-justified, so 12-bit in 2 bytes reads as 16-bit.
      if (bytesPerSample < 1 || bytesPerSample > 4 || bitsPerSample > bytesPerSample * 8) throw unsupportedWidth('PCM');
      return { ...base, encoding: 'pcm', description: `${bitsPerSample}-bit PCM` };
    case WAVE_FORMAT_IEEE_FLOAT:
      if (bytesPerSample !== 4 && bytesPerSample !== 8) throw unsupportedWidth('float');
      return { ...base, encoding: 'float', description: `${bytesPerSample * 8}-bit float` };
    case WAVE_FORMAT_MULAW:
      if (bytesPerSample !== 1) throw unsupportedWidth('mu-law');
      return { ...base, encoding: 'mu-law', description: 'G.711 mu-law' };
    case WAVE_FORMAT_ALAW:
      if (bytesPerSample !== 1) throw unsupportedWidth('A-law');
      return { ...base, encoding: 'a-law', description: 'G.711 A-law' };
    default: {
      const name = KNOWN_UNSUPPORTED[code];
      const hex = `0x${code.toString(16).padStart(4, '0')}`;
      throw new AudioFileError(
        'unsupported',
        `${label} is encoded as ${name ? `${name} (WAV format ${hex})` : `WAV format ${hex}`}, which is not supported; use PCM, float, mu-law or A-law`,
      );
    }
  }
}
