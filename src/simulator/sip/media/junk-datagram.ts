/**
 * Datagrams a hostile or broken network puts on a call's media port, for the `junk-rtp` fault hook: they let a
 * product test prove its device survives what the unchanged ringcentral-softphone@1.3.7 would throw on inside its
 * socket handler (it decrypts every datagram as SRTP with no `try`).
 */
import { Buffer } from 'node:buffer';
import { randomBytes, randomInt } from 'node:crypto';
import { RtpHeader } from 'werift-rtp';

export const JUNK_KINDS = ['random', 'forged-srtp', 'rtcp'] as const;
export type JunkKind = (typeof JUNK_KINDS)[number];

/** 80-bit tag of AES_CM_128_HMAC_SHA1_80. */
const AUTH_TAG_BYTES = 10;

/**
 * - `random`: 1-200 random bytes (usually not even an RTP header);
 * - `forged-srtp`: a well-formed RTP header on the call's own SSRC and payload type, random "ciphertext" and a
 *   random auth tag: it fails SRTP authentication;
 * - `rtcp`: a plain RTCP receiver report on the RTP port (RFC 5761 muxing the library does not do).
 */
export function junkDatagram(kind: JunkKind, stream: { ssrc: number; payloadType: number }): Buffer {
  switch (kind) {
    case 'random':
      return randomBytes(randomInt(1, 201));
    case 'forged-srtp': {
      const header = new RtpHeader({ payloadType: stream.payloadType, sequenceNumber: randomInt(0, 2 ** 16), timestamp: randomInt(0, 2 ** 32), ssrc: stream.ssrc });
      return Buffer.concat([header.serialize(header.serializeSize), randomBytes(160), randomBytes(AUTH_TAG_BYTES)]);
    }
    case 'rtcp': {
      const report = Buffer.alloc(8);
      report.writeUInt8(0x80, 0); // V=2, no report blocks
      report.writeUInt8(201, 1); // RR
      report.writeUInt16BE(1, 2); // length in 32-bit words minus one
      report.writeUInt32BE(stream.ssrc, 4);
      return report;
    }
  }
}
