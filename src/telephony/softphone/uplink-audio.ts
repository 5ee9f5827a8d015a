/**
 * What we say on a softphone line: 20 ms frames of 8 kHz μ-law become RTP on the call's own SRTP session, with
 * the SSRC, sequence numbers and timestamps the library keeps for the call (its DTMF uses the same counters, so
 * the stream stays one stream), in the codec the line negotiated: PCMU as is, OPUS/16000 through the call's own
 * Opus encoder after an 8 → 16 kHz resample (the encoder is stateful: one per call, as the library made it).
 * The caller paces; this class only encodes and sends. Nothing here is ever sent unless an operator speaks
 * (talk-through): the machine itself never says anything on a line but DTMF.
 */
import { Buffer } from 'node:buffer';
import { RtpHeader, RtpPacket } from 'werift-rtp';
import { decodeMuLaw } from '../../media/mu-law.ts';
import { Resampler } from '../../media/resampler.ts';
import type { SipCall } from './library-guards.ts';

const FRAME_SAMPLES = 160;
const PCMU_PAYLOAD_TYPE = 0;
const UINT32 = 2 ** 32;

export class UplinkAudio {
  private readonly codec: { id: number; timestampInterval: number };
  private readonly resampler: Resampler | undefined;
  private readonly linear = new Int16Array(FRAME_SAMPLES);
  private readonly float = new Float32Array(FRAME_SAMPLES);
  /** 16 kHz samples resampled but not sent yet. */
  private wide = new Float32Array(0);
  /** Frames sent on this line, all talk spurts together. */
  sent = 0;

  constructor(private readonly call: SipCall) {
    const { id, timestampInterval, name } = call.softphone.codec;
    this.codec = { id, timestampInterval };
    if (id === PCMU_PAYLOAD_TYPE) return;
    if (name !== 'OPUS/16000') throw new RangeError(`talk-through supports PCMU/8000 and OPUS/16000, not ${name}`);
    this.resampler = new Resampler(8000, 16000);
  }

  /** False once the call is over. */
  get open(): boolean {
    return !this.call.disposed;
  }

  /**
   * Sends one 20 ms frame (160 bytes of μ-law; shorter is padded with silence). `first`: the first packet of a
   * talk spurt (RTP marker bit); `skippedFrames`: frames of silence not sent since the last one, so the timestamp
   * says how long the gap was (RFC 3551 §4.1).
   */
  send(ulaw: Uint8Array, options: { first?: boolean; skippedFrames?: number } = {}): boolean {
    if (this.call.disposed) return false;
    const call = this.call;
    call.timestamp = (call.timestamp + (options.skippedFrames ?? 0) * this.codec.timestampInterval) % UINT32;
    const header = new RtpHeader({
      version: 2,
      padding: false,
      paddingSize: 0,
      extension: false,
      marker: options.first ?? false,
      payloadOffset: 12,
      payloadType: this.codec.id,
      sequenceNumber: call.sequenceNumber,
      timestamp: call.timestamp,
      ssrc: call.ssrc,
      csrcLength: 0,
      csrc: [],
      extensionProfile: 48862, // unused (no extension); the value the library itself puts here
      extensions: [],
    });
    call.sendPacket(new RtpPacket(header, this.payload(ulaw)));
    call.sequenceNumber = (call.sequenceNumber + 1) % 65536;
    call.timestamp = (call.timestamp + this.codec.timestampInterval) % UINT32;
    this.sent += 1;
    return true;
  }

  private payload(ulaw: Uint8Array): Buffer {
    const frame = new Uint8Array(FRAME_SAMPLES).fill(0xff);
    frame.set(ulaw.subarray(0, FRAME_SAMPLES));
    if (!this.resampler) return Buffer.from(frame);
    decodeMuLaw(frame, this.linear);
    for (let i = 0; i < FRAME_SAMPLES; i++) this.float[i] = (this.linear[i] as number) / 32768;
    // The filter's delay makes the first outputs short: keep what comes out in order, 320 samples a frame.
    const wide = this.resampler.push(this.float);
    const queued = new Float32Array(this.wide.length + wide.length);
    queued.set(this.wide);
    queued.set(wide, this.wide.length);
    const take = Math.min(queued.length, FRAME_SAMPLES * 2);
    this.wide = queued.slice(take);
    const pcm = Buffer.alloc(FRAME_SAMPLES * 2 * 2);
    for (let i = 0; i < take; i++) pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round((queued[i] as number) * 32768))), i * 2);
    return this.call.encoder.encode(pcm);
  }
}
