/** The small parts on their own: keys, the replay window, DTMF parsing, resampling, codec choice. */
import { describe, expect, it } from 'vitest';
import { RtpPacket } from 'werift-rtp';
import { OutgoingRtpStream } from '../../../../src/simulator/sip/media/outgoing-rtp-stream.ts';
import { createPayloadCodec } from '../../../../src/simulator/sip/media/payload-codec.ts';
import { ReplayWindow } from '../../../../src/simulator/sip/media/replay-window.ts';
import { Upsampler, downsampleTo8k, int16View } from '../../../../src/simulator/sip/media/resample.ts';
import {
  createSrtpSender,
  createSrtpSession,
  decodeSrtpKey,
  generateSrtpKey,
  parseSrtpCryptoKey,
  srtpCryptoAttribute,
} from '../../../../src/simulator/sip/media/srtp-keys.ts';
import { DtmfReceiver, dtmfEventCode, dtmfPayloads } from '../../../../src/simulator/sip/media/telephone-event.ts';

describe('SRTP keys', () => {
  it('makes 30-byte keys the library can read back from our SDP', () => {
    const key = generateSrtpKey();
    expect(key).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(decodeSrtpKey(key)).toHaveLength(30);
    const line = srtpCryptoAttribute(key);
    expect(line).toBe(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key}`);
    // The library's own regex (dist/call-session/outbound.mjs).
    expect(/AES_CM_128_HMAC_SHA1_80 inline:([\w+/]+)/.exec(line)?.[1]).toBe(key);
    expect(parseSrtpCryptoKey(`v=0\r\nm=audio 1 RTP/SAVP 0 101\r\n${line}|2^31|1:1\r\n`)).toBe(key);
    expect(parseSrtpCryptoKey('v=0\r\n')).toBeUndefined();
  });

  it('refuses keys of the wrong size or alphabet', () => {
    expect(() => decodeSrtpKey(Buffer.alloc(29).toString('base64'))).toThrow(RangeError);
    expect(() => decodeSrtpKey('not base64 at all!')).toThrow(RangeError);
  });
});

describe('OutgoingRtpStream', () => {
  it('stays decryptable for the device across the sequence-number wrap', () => {
    const ours = generateSrtpKey();
    const device = generateSrtpKey();
    const stream = new OutgoingRtpStream(createSrtpSender(ours), 0, 160);
    // Start just before the wrap (the start is random; the rollover counter must follow it).
    (stream as unknown as { sequenceNumber: number }).sequenceNumber = 65_530;
    const peer = createSrtpSession(device, ours);
    const seen = Array.from({ length: 20 }, (_, i) => {
      const packet = RtpPacket.deSerialize(peer.decrypt(stream.audio(Uint8Array.of(i))));
      return [packet.header.sequenceNumber, packet.payload[0]];
    });
    expect(seen[0]).toEqual([65_530, 0]);
    expect(seen[6]).toEqual([0, 6]);
    expect(seen[19]).toEqual([13, 19]);
  });
});

describe('ReplayWindow', () => {
  it('accepts each sequence number once, tolerates reordering, and drops what fell out of the window', () => {
    const w = new ReplayWindow();
    expect(w.accept(100)).toBe(true);
    expect(w.accept(100)).toBe(false);
    expect(w.accept(102)).toBe(true);
    expect(w.accept(101)).toBe(true);
    expect(w.accept(101)).toBe(false);
    expect(w.accept(200)).toBe(true);
    expect(w.accept(120)).toBe(false); // 80 behind the highest: outside the 64-packet window
    expect(w.accept(150)).toBe(true);
  });

  it('follows the sequence number across its wrap', () => {
    const w = new ReplayWindow();
    for (let i = 0; i < 200; i++) expect(w.accept((65_500 + i) % 65_536)).toBe(true);
    expect(w.accept(65_530)).toBe(false); // from before the wrap, long gone
    expect(w.accept((65_500 + 199) % 65_536)).toBe(false);
  });
});

describe('telephone events', () => {
  it('builds the library payloads: exactly one starts with [event, 6, 0, 0]', () => {
    const payloads = dtmfPayloads(dtmfEventCode('#')).map((p) => [...p]);
    expect(payloads).toEqual([
      [11, 0x06, 0x00, 0x00],
      [11, 0x06, 0x00, 0xa0],
      [11, 0x06, 0x01, 0x40],
      [11, 0x86, 0x03, 0x20],
      [11, 0x86, 0x03, 0x20],
      [11, 0x86, 0x03, 0x20],
    ]);
    expect(() => dtmfEventCode('x')).toThrow(RangeError);
    expect(() => dtmfEventCode('12')).toThrow(RangeError);
    expect(dtmfEventCode('d')).toBe(15);
  });

  it('reports one digit per event timestamp, even when the start packet is lost', () => {
    const r = new DtmfReceiver();
    const [start, , , end] = dtmfPayloads(3);
    expect(r.receive(1, 500, start!)).toBe('3');
    expect(r.receive(1, 500, end!)).toBeUndefined();
    expect(r.receive(1, 1300, end!)).toBe('3');
    expect(r.receive(1, 1300, end!)).toBeUndefined();
    expect(r.receive(1, 2100, Uint8Array.of(40, 6, 0, 0))).toBeUndefined();
    expect(r.receive(1, 2900, Uint8Array.of(1, 6))).toBeUndefined();
  });
});

describe('resampling', () => {
  it('interpolates 8 kHz up without a step at frame edges and averages back down', () => {
    const up = new Upsampler(2, 1);
    expect([...up.process(Int16Array.of(100, 200))]).toEqual([50, 100, 150, 200]);
    expect([...up.process(Int16Array.of(400))]).toEqual([300, 400]);
    const stereo = new Upsampler(6, 2).process(Int16Array.of(600));
    expect([...stereo]).toEqual([100, 100, 200, 200, 300, 300, 400, 400, 500, 500, 600, 600]);
    expect([...downsampleTo8k(stereo, 6, 2)]).toEqual([350]);
    expect([...downsampleTo8k(Int16Array.of(1, 3, 5, 7), 2, 1)]).toEqual([2, 6]);
  });

  it('reads s16le from unaligned bytes too', () => {
    const bytes = new Uint8Array(5);
    bytes.set([0x34, 0x12, 0xff, 0xff], 1);
    expect([...int16View(bytes.subarray(1))]).toEqual([0x1234, -1]);
  });
});

describe('payload codecs', () => {
  it('takes only the three codecs the library offers', () => {
    expect(createPayloadCodec({ payloadType: 0, name: 'PCMU', clockRate: 8000, channels: 1 }).timestampStep).toBe(160);
    expect(createPayloadCodec({ payloadType: 109, name: 'OPUS', clockRate: 16000, channels: 1 }).timestampStep).toBe(320);
    expect(createPayloadCodec({ payloadType: 111, name: 'OPUS', clockRate: 48000, channels: 2 }).timestampStep).toBe(960);
    expect(() => createPayloadCodec({ payloadType: 0, name: 'PCMU', clockRate: 16000, channels: 1 })).toThrow(RangeError);
    expect(() => createPayloadCodec({ payloadType: 109, name: 'OPUS', clockRate: 16000, channels: 2 })).toThrow(RangeError);
    expect(() => createPayloadCodec({ payloadType: 109, name: 'OPUS', clockRate: 24000, channels: 1 })).toThrow(RangeError);
  });

  it('throws on an undecodable Opus payload (the session counts it as rejected)', () => {
    const opus = createPayloadCodec({ payloadType: 109, name: 'OPUS', clockRate: 16000, channels: 1 });
    expect(() => opus.decode(Uint8Array.of(0xff, 0xff, 0xff))).toThrow();
  });
});
