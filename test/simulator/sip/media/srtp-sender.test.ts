/** Our SRTP send side writes exactly the bytes werift's SrtpSession would (the library decrypts with werift). */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtectionProfileAes128CmHmacSha1_80, RtpHeader, RtpPacket, SrtpSession } from 'werift-rtp';
import { SrtpSender } from '../../../../src/simulator/sip/media/srtp-sender.ts';

function weriftSession(key: Buffer, salt: Buffer): SrtpSession {
  return new SrtpSession({
    profile: ProtectionProfileAes128CmHmacSha1_80,
    keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt },
  });
}

describe('SrtpSender', () => {
  it('matches werift byte for byte: audio and DTMF payloads, markers, across the sequence-number wrap', () => {
    const key = randomBytes(16);
    const salt = randomBytes(14);
    const ours = new SrtpSender(key, salt);
    const theirs = weriftSession(key, salt);
    const ssrc = 0xdeadbeef;
    for (let n = 0; n < 40; n++) {
      const sequenceNumber = (65_520 + n) % 65_536;
      // Mostly 160-byte frames; every fifth a 4-byte telephone event; the odd 17-byte payload (a partial block).
      const payload = randomBytes(n % 5 === 0 ? 4 : n % 7 === 0 ? 17 : 160);
      const header = { payloadType: n % 5 === 0 ? 101 : 0, marker: n % 3 === 0, sequenceNumber, timestamp: (4_294_967_000 + n * 160) % 2 ** 32, ssrc };
      const expected = theirs.encrypt(payload, new RtpHeader(header));
      expect(ours.protect(header, payload).equals(expected), `packet ${n} (sequence ${sequenceNumber})`).toBe(true);
    }
  });

  it('is decrypted by a werift receiver, payload intact', () => {
    const key = randomBytes(16);
    const salt = randomBytes(14);
    const sender = new SrtpSender(key, salt);
    const receiver = weriftSession(key, salt);
    const payload = randomBytes(160);
    const packet = RtpPacket.deSerialize(receiver.decrypt(sender.protect({ payloadType: 0, marker: true, sequenceNumber: 7, timestamp: 1_000, ssrc: 42 }, payload)));
    expect(packet.header).toMatchObject({ payloadType: 0, marker: true, sequenceNumber: 7, timestamp: 1_000, ssrc: 42 });
    expect(Buffer.from(packet.payload).equals(payload)).toBe(true);
  });
});
