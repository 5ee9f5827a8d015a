import { randomBytes } from 'node:crypto';
import { Encoder } from '@evan/opus';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaPacer } from '../../../../src/simulator/sip/media/media-pacer.ts';
import { RtpMediaSession, type MediaSessionOptions } from '../../../../src/simulator/sip/media/rtp-media-session.ts';
import { generateSrtpKey } from '../../../../src/simulator/sip/media/srtp-keys.ts';
import { dtmfPayloads } from '../../../../src/simulator/sip/media/telephone-event.ts';
import { devicePeer, type DevicePeer } from './device-peer.ts';
import { sineSource, sleep, waitFor } from './helpers.ts';

const PCMU = { payloadType: 0, name: 'PCMU', clockRate: 8000, channels: 1 } as const;

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

async function setUp(extra: Partial<MediaSessionOptions> = {}) {
  const ourKey = generateSrtpKey();
  const device = await devicePeer(ourKey);
  const source = sineSource();
  const ours = await RtpMediaSession.open(
    { codec: PCMU, localKey: ourKey, remoteKey: device.key, nextFrame: source.nextFrame, ...extra },
    new MediaPacer(),
  );
  cleanup.push(() => device.close(), () => ours.close());
  return { ours, device, source };
}

/** The six packets of one digit as the library's sendDTMF builds them. */
function libraryDigit(device: DevicePeer, event: number, timestamp: number) {
  return dtmfPayloads(event).map((payload, i) => device.srtp(101, payload, timestamp, i === 0));
}

describe('latching', () => {
  it('sends nothing before the first datagram, then paced frames to its source address', async () => {
    const { ours, device, source } = await setUp();
    ours.start();
    ours.sendDtmf('5');
    await sleep(120);
    expect(ours.stats.sent).toBe(0);
    expect(source.frames).toHaveLength(0);
    expect(device.received).toHaveLength(0);

    device.sendRaw('hello', ours.port);
    await waitFor(() => device.received.length >= 10, 3000, '10 frames at the device');

    expect(device.received.every((r) => r.fromPort === ours.port)).toBe(true);
    device.received.forEach(({ packet }, i) => {
      expect(packet.header.payloadType).toBe(0);
      expect(Buffer.from(packet.payload).equals(Buffer.from(source.frames[i]!))).toBe(true);
    });
    expect(ours.stats.rejected).toBe(0);
  });

  it('does not pace before start(), but answers DTMF once latched', async () => {
    const { ours, device } = await setUp();
    device.sendRaw('hello', ours.port);
    await waitFor(() => {
      ours.sendDtmf('#');
      return device.received.length > 0;
    }, 3000, 'DTMF at the device');
    await sleep(60);
    expect(device.received.every(({ packet }) => packet.header.payloadType === 101)).toBe(true);
    expect(device.received.length % 6).toBe(0);
  });

  it('rejects a bad key or codec when opening', async () => {
    const ok = generateSrtpKey();
    const nextFrame = () => new Uint8Array(160);
    await expect(RtpMediaSession.open({ codec: PCMU, localKey: 'c2hvcnQ=', remoteKey: ok, nextFrame })).rejects.toThrow(
      /localKey/,
    );
    await expect(
      RtpMediaSession.open({
        codec: { payloadType: 111, name: 'OPUS', clockRate: 48000, channels: 1 },
        localKey: ok,
        remoteKey: ok,
        nextFrame,
      }),
    ).rejects.toThrow(/unsupported codec/);
  });
});

describe('hostile datagrams', () => {
  it('counts junk, RTCP, forged, replayed and wrongly keyed packets as rejected and keeps working', async () => {
    const digits: string[] = [];
    const { ours, device } = await setUp({ onDtmf: (d) => digits.push(d) });
    ours.start();
    device.sendRaw('hello', ours.port);
    await waitFor(() => device.received.length > 0, 3000, 'latching');

    const [genuine] = libraryDigit(device, 7, 1000);
    const forgedSource = libraryDigit(device, 8, 2000)[0]!;
    const forged = Buffer.from(forgedSource);
    forged[forged.length - 1]! ^= 0xff;
    const stranger = await devicePeer(generateSrtpKey());
    cleanup.push(() => stranger.close());
    const hostile: (Buffer | string)[] = [
      'garbage that is not RTP',
      randomBytes(3),
      Buffer.concat([Buffer.from([0x80, 0xc8, 0x00, 0x06]), randomBytes(24)]), // RTCP sender report
      Buffer.concat([Buffer.from([0x80, 0x00]), randomBytes(10)]), // an RTP header with no room for a tag
      Buffer.concat([Buffer.from([0x80, 0x00]), randomBytes(200)]), // RTP-shaped noise
      stranger.srtp(0, new Uint8Array(160), 0), // right shape, wrong key
      forged, // a genuine packet with its auth tag altered
    ];
    device.sendRaw(genuine!, ours.port);
    for (const datagram of hostile) device.sendRaw(datagram, ours.port);
    device.sendRaw(genuine!, ours.port); // replayed
    device.sendRaw(forgedSource, ours.port); // the untampered original still authenticates
    await waitFor(() => ours.stats.rejected + ours.stats.received >= hostile.length + 3, 3000, 'all datagrams');

    expect(ours.stats.rejected).toBe(hostile.length + 1);
    expect(ours.stats.received).toBe(2);
    expect(digits).toEqual(['7', '8']);

    // Still alive both ways.
    for (const packet of libraryDigit(device, 11, 3000)) device.sendRaw(packet, ours.port);
    await waitFor(() => digits.length === 3, 3000, 'a third digit');
    expect(digits).toEqual(['7', '8', '#']);
    const before = device.received.length;
    await waitFor(() => device.received.length > before + 3, 3000, 'more audio');
  });

  it('rejects authenticated Opus it cannot decode and keeps decoding the rest', async () => {
    const heard: Int16Array[] = [];
    const opus = { payloadType: 109, name: 'OPUS', clockRate: 16000, channels: 1 } as const;
    const { ours, device } = await setUp({ codec: opus, onAudio: (pcm) => heard.push(pcm) });
    const encoder = new Encoder({ channels: 1, sample_rate: 16000 });
    device.sendRaw(device.srtp(109, Uint8Array.of(0xff, 0xff, 0xff), 0), ours.port);
    device.sendRaw(device.srtp(109, encoder.encode(new Int16Array(320)), 320), ours.port);
    await waitFor(() => ours.stats.received + ours.stats.rejected === 2, 3000, 'two packets');
    expect(ours.stats.rejected).toBe(1);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toHaveLength(160);
  });

  it('survives callbacks that throw', async () => {
    let calls = 0;
    const { ours, device } = await setUp({
      onDtmf: () => {
        calls++;
        throw new Error('listener bug');
      },
      onAudio: () => {
        throw new Error('listener bug');
      },
      nextFrame: () => {
        throw new Error('source bug');
      },
    });
    ours.start();
    device.sendRaw('hello', ours.port);
    for (const packet of libraryDigit(device, 1, 10)) device.sendRaw(packet, ours.port);
    device.sendRaw(device.srtp(0, new Uint8Array(160).fill(0x55), 20), ours.port);
    await waitFor(() => ours.stats.received === 7, 3000, 'seven packets');
    await sleep(60);
    expect(calls).toBe(1);
    expect(ours.stats.sent).toBe(0);
  });
});
