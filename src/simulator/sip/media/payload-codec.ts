/**
 * Turns the line's 20 ms μ-law frames into RTP payloads of the codec the device offered, and back.
 * PCMU passes μ-law through untouched. Opus goes through linear PCM at 16 kHz mono or 48 kHz stereo with one
 * @evan/opus encoder and decoder per call: Opus is stateful, and sharing one across calls was the library's
 * own cross-talk bug (ringcentral-softphone-ts #7).
 */
import { Decoder, Encoder } from '@evan/opus';
import { FRAME_BYTES, FRAME_MS, SAMPLE_RATE } from '../../line/audio/constants.ts';
import { decodeMuLaw } from '../../../media/mu-law.ts';
import { Upsampler, downsampleTo8k, int16View } from './resample.ts';
import type { MediaCodec } from './rtp-media-session.ts';

export interface PayloadCodec {
  /** RTP timestamp increment per 20 ms frame (clock rate × 0.02; 960 for OPUS/48000/2). */
  readonly timestampStep: number;
  /** One 160-byte μ-law frame → one RTP payload. */
  encode(ulaw: Uint8Array): Uint8Array;
  /** One RTP payload → 8 kHz mono linear samples; throws on a payload the codec cannot decode. */
  decode(payload: Uint8Array): Int16Array;
}

// 'audio' is the library's own default; complexity 5 roughly halves the CPU of the default 10 for 70 calls
// on two cores, and the source is 8 kHz telephone audio anyway.
const OPUS_COMPLEXITY = 5;

/** Throws a RangeError for anything but PCMU/8000, OPUS/16000 (mono) or OPUS/48000/2. */
export function createPayloadCodec(codec: MediaCodec): PayloadCodec {
  const timestampStep = (codec.clockRate * FRAME_MS) / 1000;
  if (codec.name === 'PCMU' && codec.clockRate === SAMPLE_RATE && codec.channels === 1) {
    return { timestampStep, encode: (ulaw) => ulaw, decode: (payload) => decodeMuLaw(payload) };
  }
  const opusRate = codec.clockRate === 16000 || codec.clockRate === 48000 ? codec.clockRate : undefined;
  if (codec.name === 'OPUS' && opusRate && (opusRate === 16000) === (codec.channels === 1)) {
    return opusCodec(opusRate, codec.channels, timestampStep);
  }
  throw new RangeError(`unsupported codec ${codec.name}/${codec.clockRate}/${codec.channels}`);
}

function opusCodec(rate: 16000 | 48000, channels: 1 | 2, timestampStep: number): PayloadCodec {
  const factor = rate / SAMPLE_RATE;
  const encoder = new Encoder({ channels, sample_rate: rate, application: 'audio' });
  encoder.complexity = OPUS_COMPLEXITY;
  const decoder = new Decoder({ channels, sample_rate: rate });
  const upsampler = new Upsampler(factor, channels);
  const linear = new Int16Array(FRAME_BYTES);
  return {
    timestampStep,
    encode: (ulaw) => encoder.encode(upsampler.process(decodeMuLaw(ulaw, linear))),
    decode: (payload) => downsampleTo8k(int16View(decoder.decode(payload)), factor, channels),
  };
}
