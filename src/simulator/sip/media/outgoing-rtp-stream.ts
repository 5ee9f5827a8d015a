/**
 * The simulator's send side of one call as an SRTP stream: random SSRC, sequence number and timestamp
 * (RFC 3550 §5.1), the sequence number rising by one per packet whatever its kind, the timestamp by one frame
 * per audio packet, the marker on the first audio packet and on the first packet of each DTMF event.
 */
import type { Buffer } from 'node:buffer';
import { randomInt } from 'node:crypto';
import type { SrtpSender } from './srtp-sender.ts';
import { TELEPHONE_EVENT_PAYLOAD_TYPE, dtmfPayloads } from './telephone-event.ts';

const SEQ_MOD = 2 ** 16;
const TS_MOD = 2 ** 32;

export class OutgoingRtpStream {
  readonly ssrc = randomInt(1, TS_MOD);
  private sequenceNumber = randomInt(0, SEQ_MOD);
  private timestamp = randomInt(0, TS_MOD);
  private firstAudio = true;

  constructor(
    private readonly srtp: SrtpSender,
    private readonly payloadType: number,
    private readonly timestampStep: number,
  ) {}

  /** One encrypted audio packet carrying the next frame. */
  audio(payload: Uint8Array): Buffer {
    const packet = this.packet(this.payloadType, this.firstAudio, this.timestamp, payload);
    this.firstAudio = false;
    this.timestamp = (this.timestamp + this.timestampStep) % TS_MOD;
    return packet;
  }

  /** The six encrypted packets of one DTMF digit (see telephone-event.ts). */
  dtmf(event: number): Buffer[] {
    const start = this.timestamp;
    const packets = dtmfPayloads(event).map((payload, i) =>
      this.packet(TELEPHONE_EVENT_PAYLOAD_TYPE, i === 0, start, payload),
    );
    // Move the media clock on, as the library does (+800), so two digits sent within one frame still get
    // distinct event timestamps: a receiver tells events apart by timestamp.
    this.timestamp = (this.timestamp + this.timestampStep) % TS_MOD;
    return packets;
  }

  private packet(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): Buffer {
    const packet = this.srtp.protect({ payloadType, marker, sequenceNumber: this.sequenceNumber, timestamp, ssrc: this.ssrc }, payload);
    this.sequenceNumber = (this.sequenceNumber + 1) % SEQ_MOD;
    return packet;
  }
}
