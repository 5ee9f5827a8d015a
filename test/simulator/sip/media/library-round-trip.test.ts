/**
 * Our media session against the unchanged ringcentral-softphone@1.3.7 call session (see library-device.ts):
 * its SRTP, its packet handler (which throws and fails the run on any packet failing authentication), its
 * codecs, its DTMF sender and receiver, its Streamer.
 */
import type { RtpPacket } from 'werift-rtp';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMuLaw } from '../../../../src/media/mu-law.ts';
import { MediaPacer } from '../../../../src/simulator/sip/media/media-pacer.ts';
import {
  RtpMediaSession,
  type MediaCodec,
  type MediaSessionOptions,
} from '../../../../src/simulator/sip/media/rtp-media-session.ts';
import { generateSrtpKey } from '../../../../src/simulator/sip/media/srtp-keys.ts';
import {
  concatInt16,
  int16FromBytes,
  rms,
  sinePcm,
  sineSource,
  toneShare,
  waitFor,
} from './helpers.ts';
import { LIBRARY_KEY, libraryCall, type LibraryCall, type LibraryCodecName } from './library-device.ts';

const CODECS: { library: LibraryCodecName; codec: MediaCodec }[] = [
  { library: 'PCMU/8000', codec: { payloadType: 0, name: 'PCMU', clockRate: 8000, channels: 1 } },
  { library: 'OPUS/16000', codec: { payloadType: 109, name: 'OPUS', clockRate: 16000, channels: 1 } },
  { library: 'OPUS/48000/2', codec: { payloadType: 111, name: 'OPUS', clockRate: 48000, channels: 2 } },
];

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

async function connect(
  library: LibraryCodecName,
  codec: MediaCodec,
  extra: Partial<MediaSessionOptions> = {},
): Promise<{ ours: RtpMediaSession; call: LibraryCall; source: ReturnType<typeof sineSource> }> {
  const source = sineSource();
  const ourKey = generateSrtpKey();
  const pacer = new MediaPacer();
  const ours = await RtpMediaSession.open(
    { codec, localKey: ourKey, remoteKey: LIBRARY_KEY, nextFrame: source.nextFrame, ...extra },
    pacer,
  );
  const call = libraryCall(library, ours.port, ourKey);
  cleanup.push(() => ours.close(), () => call.hangUp());
  ours.start();
  call.answer();
  return { ours, call, source };
}

describe.each(CODECS)('with the library on $library', ({ library, codec }) => {
  it('delivers our paced frames in order with the offered payload type', async () => {
    const { call, source } = await connect(library, codec);
    const headers: RtpPacket['header'][] = [];
    const payloads: Buffer[] = [];
    call.session.on('rtpPacket', (p: RtpPacket) => headers.push(p.header));
    call.session.on('audioPacket', (p: RtpPacket) => payloads.push(p.payload));
    await waitFor(() => payloads.length >= 25, 5000, '25 audio packets');

    const step = codec.clockRate / 50;
    expect(headers[0]!.marker).toBe(true);
    headers.forEach((h, i) => {
      expect(h.payloadType).toBe(codec.payloadType);
      expect(h.ssrc).toBe(headers[0]!.ssrc);
      if (i === 0) return;
      const prev = headers[i - 1]!;
      expect(h.marker).toBe(false);
      expect(h.sequenceNumber).toBe((prev.sequenceNumber + 1) % 65536);
      expect(h.timestamp).toBe((prev.timestamp + step) % 2 ** 32);
    });

    if (codec.name === 'PCMU') {
      // The library hands PCMU payloads over undecoded: they must be our μ-law frames byte for byte.
      payloads.forEach((p, i) => expect(Buffer.from(p).equals(Buffer.from(source.frames[i]!))).toBe(true));
    } else {
      const bytesPerFrame = (codec.clockRate / 50) * codec.channels * 2;
      payloads.forEach((p) => expect(p.length).toBe(bytesPerFrame));
      // Skip the encoder's warm-up, then expect our 440 Hz tone at the library's rate.
      const pcm = concatInt16(payloads.slice(5).map(int16FromBytes));
      expect(rms(pcm)).toBeGreaterThan(2000);
      expect(toneShare(pcm, codec.clockRate, 440, codec.channels)).toBeGreaterThan(0.8);
    }
  });

  it('decodes what the library streams to 8 kHz for onAudio', async () => {
    const heard: Int16Array[] = [];
    const { ours, call } = await connect(library, codec, { onAudio: (pcm) => heard.push(pcm) });
    // 400 ms: the library's PCMU "encoder" passes μ-law through, its Opus encoder takes s16le at its rate.
    const tone = sineSource(300);
    const ulaw = Buffer.concat(Array.from({ length: 20 }, () => tone.nextFrame()));
    const streamed = codec.name === 'PCMU' ? ulaw : sinePcm(300, codec.clockRate, codec.channels, 0.4);
    const finished = new Promise((resolve) => call.session.streamAudio(streamed).once('finished', resolve));
    await finished;
    await waitFor(() => heard.length >= 20, 2000, '20 frames heard');

    expect(heard.every((pcm) => pcm.length === 160)).toBe(true);
    expect(ours.stats.received).toBe(20);
    expect(ours.stats.rejected).toBe(0);
    if (codec.name === 'PCMU') {
      expect(Array.from(concatInt16(heard))).toEqual(Array.from(decodeMuLaw(ulaw)));
    } else {
      const pcm = concatInt16(heard.slice(3));
      expect(rms(pcm)).toBeGreaterThan(2000);
      expect(toneShare(pcm, 8000, 300)).toBeGreaterThan(0.8);
    }
  });
});

describe('DTMF with the library', () => {
  const pcmu = CODECS[0]!;

  it('fires exactly one library dtmf event per digit we send', async () => {
    const { ours, call } = await connect(pcmu.library, pcmu.codec);
    const digits: string[] = [];
    const dtmfPayloads: Buffer[] = [];
    call.session.on('dtmf', (d: string) => digits.push(d));
    call.session.on('dtmfPacket', (p: RtpPacket) => dtmfPayloads.push(p.payload));
    // Wait for the library's "hello" to reach us: before it we have nowhere to send.
    await waitFor(() => ours.stats.sent > 0, 3000, 'latching');

    for (const d of '159*#0') ours.sendDtmf(d);
    await waitFor(() => dtmfPayloads.length >= 36, 3000, '36 DTMF packets');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(digits).toEqual(['1', '5', '9', '*', '#', '0']);
    expect(dtmfPayloads).toHaveLength(36);
    expect([...dtmfPayloads[0]!]).toEqual([1, 0x06, 0x00, 0x00]);
    expect([...dtmfPayloads[5]!]).toEqual([1, 0x86, 0x03, 0x20]);
  });

  it('reports each digit the library sends once through onDtmf', async () => {
    const heard: string[] = [];
    const { ours, call } = await connect(pcmu.library, pcmu.codec, { onDtmf: (d) => heard.push(d) });
    // sendDTMFs would wait 500 ms between digits; the packets are the same.
    for (const d of ['1', '2', '2', '#', '*', '0'] as const) call.session.sendDTMF(d);
    await waitFor(() => ours.stats.received >= 36, 3000, '36 DTMF packets');

    expect(heard).toEqual(['1', '2', '2', '#', '*', '0']);
    expect(ours.stats.rejected).toBe(0);
  });

  it('keeps sending without errors after the library has closed its socket', async () => {
    const { ours, call } = await connect(pcmu.library, pcmu.codec);
    await waitFor(() => ours.stats.sent > 5, 3000, 'audio');
    call.hangUp();
    const sent = ours.stats.sent;
    // Sending to a closed port on loopback must not blow up our socket.
    await waitFor(() => ours.stats.sent > sent + 10, 3000, 'more audio');
    ours.close();
    ours.close();
  });
});
