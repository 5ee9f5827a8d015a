/**
 * A bare device for the tests the library cannot drive (latching, hostile datagrams): a udp4 socket plus a
 * werift SrtpSession keyed exactly as ringcentral-softphone@1.3.7 keys its own (local = device key,
 * remote = the key from our SDP), i.e. our session's keys swapped.
 */
import { Buffer } from 'node:buffer';
import dgram from 'node:dgram';
import { RtpHeader, RtpPacket } from 'werift-rtp';
import { createSrtpSession, generateSrtpKey } from '../../../../src/simulator/sip/media/srtp-keys.ts';

export interface DevicePeer {
  readonly key: string;
  readonly port: number;
  /** Decrypted packets received, in arrival order, with the port they came from. */
  readonly received: { packet: RtpPacket; fromPort: number }[];
  sendRaw(datagram: Buffer | string, port: number): void;
  /** An SRTP packet as the library builds them (sequence numbers rising from a random start). */
  srtp(payloadType: number, payload: Uint8Array, timestamp: number, marker?: boolean): Buffer;
  close(): void;
}

export async function devicePeer(ourKey: string): Promise<DevicePeer> {
  const key = generateSrtpKey();
  const srtp = createSrtpSession(key, ourKey);
  const socket = dgram.createSocket('udp4');
  const received: DevicePeer['received'] = [];
  socket.on('message', (datagram, from) => {
    // Throw like the library would: a packet we cannot authenticate fails the test run.
    received.push({ packet: RtpPacket.deSerialize(srtp.decrypt(datagram)), fromPort: from.port });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let sequenceNumber = 4242;
  const ssrc = 0x1234abcd;
  return {
    key,
    port: socket.address().port,
    received,
    sendRaw: (datagram, port) => socket.send(datagram, port, '127.0.0.1'),
    srtp: (payloadType, payload, timestamp, marker = false) =>
      srtp.encrypt(
        Buffer.from(payload),
        new RtpHeader({ payloadType, marker, sequenceNumber: sequenceNumber++ % 65536, timestamp, ssrc }),
      ),
    close: () => socket.close(),
  };
}
