/** Builds small WAV files for tests: any encoding the product reads, extra chunks, broken sizes. */
import { encodeMuLaw } from '../../src/media/mu-law.ts';
import { aLawToLinear } from '../../src/media/a-law.ts';

export type TestEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'mu-law' | 'a-law';

const LAYOUT: Record<TestEncoding, { code: number; bytes: number }> = {
  pcm8: { code: 1, bytes: 1 },
  pcm16: { code: 1, bytes: 2 },
  pcm24: { code: 1, bytes: 3 },
  pcm32: { code: 1, bytes: 4 },
  float32: { code: 3, bytes: 4 },
  float64: { code: 3, bytes: 8 },
  'mu-law': { code: 7, bytes: 1 },
  'a-law': { code: 6, bytes: 1 },
};

export interface WavSpec {
  sampleRate: number;
  /** One array per channel, samples on the [-1, 1) scale. */
  channels: Float64Array[];
  encoding: TestEncoding;
  /** WAVE_FORMAT_EXTENSIBLE with the matching sub-format GUID. */
  extensible?: boolean;
  /** Chunks between fmt and data (e.g. LIST); odd sizes get their pad byte. */
  chunksBeforeData?: { id: string; body: Uint8Array }[];
  /** Chunks before fmt. */
  chunksBeforeFmt?: { id: string; body: Uint8Array }[];
  /** Overrides of the fmt fields, to build broken files. */
  formatCode?: number;
  channelCount?: number;
  declaredSampleRate?: number;
  /** The data chunk's declared size (default: its real size). */
  declaredDataBytes?: number;
}

function chunk(id: string, body: Uint8Array, declared = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set(new TextEncoder().encode(id), 0);
  new DataView(out.buffer).setUint32(4, declared, true);
  out.set(body, 8);
  return out;
}

let aLawTable: number[] | undefined;
function linearToALaw(sample: number): number {
  // Nearest code by search: tests encode a few thousand samples at most.
  aLawTable ??= Array.from({ length: 256 }, (_, i) => aLawToLinear(i));
  let best = 0;
  for (let i = 1; i < 256; i++) if (Math.abs(aLawTable[i]! - sample) < Math.abs(aLawTable[best]! - sample)) best = i;
  return best;
}

export function encodeInterleaved(channels: Float64Array[], encoding: TestEncoding): Uint8Array {
  const { bytes } = LAYOUT[encoding];
  const frames = channels[0]?.length ?? 0;
  const out = new Uint8Array(frames * channels.length * bytes);
  const v = new DataView(out.buffer);
  const clip = (x: number, max: number) => Math.max(-max - 1, Math.min(max, Math.round(x * (max + 1))));
  let at = 0;
  for (let f = 0; f < frames; f++) {
    for (const channel of channels) {
      const x = channel[f]!;
      switch (encoding) {
        case 'pcm8': v.setUint8(at, clip(x, 127) + 128); break;
        case 'pcm16': v.setInt16(at, clip(x, 32767), true); break;
        case 'pcm24': {
          const s = clip(x, 8388607);
          v.setUint8(at, s & 0xff); v.setUint8(at + 1, (s >> 8) & 0xff); v.setUint8(at + 2, (s >> 16) & 0xff);
          break;
        }
        case 'pcm32': v.setInt32(at, clip(x, 2147483647), true); break;
        case 'float32': v.setFloat32(at, x, true); break;
        case 'float64': v.setFloat64(at, x, true); break;
        case 'mu-law': v.setUint8(at, encodeMuLaw([x * 32768])[0]!); break;
        case 'a-law': v.setUint8(at, linearToALaw(x * 32768)); break;
      }
      at += bytes;
    }
  }
  return out;
}

export function buildWav(spec: WavSpec): Uint8Array {
  const { code, bytes } = LAYOUT[spec.encoding];
  const channels = spec.channelCount ?? spec.channels.length;
  const sampleRate = spec.declaredSampleRate ?? spec.sampleRate;
  const blockAlign = channels * bytes;
  const fmt = new Uint8Array(spec.extensible ? 40 : 16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, spec.formatCode ?? (spec.extensible ? 0xfffe : code), true);
  f.setUint16(2, channels, true);
  f.setUint32(4, sampleRate, true);
  f.setUint32(8, sampleRate * blockAlign, true);
  f.setUint16(12, blockAlign, true);
  f.setUint16(14, bytes * 8, true);
  if (spec.extensible) {
    f.setUint16(16, 22, true); // cbSize
    f.setUint16(18, bytes * 8, true); // valid bits
    f.setUint32(20, channels === 2 ? 3 : 4, true); // channel mask
    f.setUint16(24, code, true);
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const data = encodeInterleaved(spec.channels, spec.encoding);
  const parts = [
    ...(spec.chunksBeforeFmt ?? []).map((c) => chunk(c.id, c.body)),
    chunk('fmt ', fmt),
    ...(spec.chunksBeforeData ?? []).map((c) => chunk(c.id, c.body)),
    chunk('data', data, spec.declaredDataBytes),
  ];
  const body = parts.reduce((n, p) => n + p.length, 4);
  const out = new Uint8Array(8 + body);
  out.set(new TextEncoder().encode('RIFF'), 0);
  new DataView(out.buffer).setUint32(4, body, true);
  out.set(new TextEncoder().encode('WAVE'), 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A sine of `seconds` at `hz`, peak `amplitude` (of full scale). */
export function sine(hz: number, sampleRate: number, seconds: number, amplitude = 0.5): Float64Array {
  const out = new Float64Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  return out;
}

/** A LIST/INFO chunk naming the software, as audio editors write before the data. */
export function listInfoChunk(text = 'hold-hunter test'): { id: string; body: Uint8Array } {
  const value = new TextEncoder().encode(`${text}\0`);
  const body = new Uint8Array(4 + 8 + value.length);
  body.set(new TextEncoder().encode('INFOISFT'), 0);
  new DataView(body.buffer).setUint32(8, value.length, true);
  body.set(value, 12);
  return { id: 'LIST', body };
}
