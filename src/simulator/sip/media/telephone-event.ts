/**
 * RFC 4733 DTMF as ringcentral-softphone@1.3.7 speaks it (dist/dtmf.mjs): payload type 101 hard-coded, one
 * digit = six packets sharing one RTP timestamp: three start packets (volume 6, durations 0, 160, 320), then
 * three copies of the end packet (E bit, volume 6, duration 800). Its receiver fires `dtmf` only for a payload
 * of exactly [event, 0x06, 0x00, 0x00], so the first packet we send must be exactly that and no other may be.
 */

export const TELEPHONE_EVENT_PAYLOAD_TYPE = 101;

const EVENTS = '0123456789*#ABCD';
const VOLUME = 0x06;
const END = 0x80;
const START_DURATIONS = [0, 160, 320] as const;
const END_DURATION = 800;
const END_COPIES = 3;

/** The RFC 4733 event code of a DTMF digit; throws a RangeError for anything but one of 0-9 * # A-D. */
export function dtmfEventCode(digit: string): number {
  const code = digit.length === 1 ? EVENTS.indexOf(digit.toUpperCase()) : -1;
  if (code < 0) throw new RangeError(`a DTMF digit is one of 0-9, *, #, A-D; got "${digit}"`);
  return code;
}

/** The six payloads of one digit, in sending order. */
export function dtmfPayloads(event: number): Uint8Array[] {
  const packet = (flags: number, duration: number) =>
    Uint8Array.of(event, flags | VOLUME, duration >> 8, duration & 0xff);
  return [
    ...START_DURATIONS.map((duration) => packet(0, duration)),
    ...Array.from({ length: END_COPIES }, () => packet(END, END_DURATION)),
  ];
}

/**
 * Turns received telephone-event packets into digits, one per event: every packet of an event (start,
 * updates, the retransmitted end packets) carries the event's start timestamp, so a new timestamp is a new
 * digit. Whichever packet of an event arrives first reports it, so a lost start packet loses nothing.
 */
export class DtmfReceiver {
  private last: { ssrc: number; timestamp: number } | undefined;

  /** The digit this packet starts, or undefined for the rest of an event and for unknown events. */
  receive(ssrc: number, timestamp: number, payload: Uint8Array): string | undefined {
    if (payload.length < 4) return undefined;
    const digit = EVENTS[payload[0] as number];
    if (digit === undefined) return undefined;
    if (this.last?.ssrc === ssrc && this.last.timestamp === timestamp) return undefined;
    this.last = { ssrc, timestamp };
    return digit;
  }
}
