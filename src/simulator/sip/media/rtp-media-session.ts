/**
 * One call's audio on the simulator side of the SIP leg: a UDP port on 127.0.0.1 speaking SRTP
 * (AES_CM_128_HMAC_SHA1_80) with the unchanged ringcentral-softphone@1.3.7.
 *
 * Traps from the library (docs/simulator-sip-media.md):
 * - It puts a fake port in its SDP and sends a plaintext "hello" from its real socket when the call is
 *   answered, so we send nowhere until a datagram arrives and then latch onto its source address.
 * - Its socket handler throws, and so kills its process, on any packet failing SRTP authentication: we never
 *   send RTCP or anything but SRTP made with our key.
 * - It ignores the payload type of our answer and only decodes its own offered one, so we send that.
 * - Whatever the device sends us (junk, RTCP, forged or replayed SRTP) is counted and dropped, never thrown.
 */
import type { Buffer } from 'node:buffer';
import dgram from 'node:dgram';
import type { Logger } from 'pino';
import { RtpPacket, type SrtpSession } from 'werift-rtp';
import { FRAME_BYTES } from '../../line/audio/constants.ts';
import { MU_LAW_SILENCE } from '../../../media/mu-law.ts';
import { MediaPacer } from './media-pacer.ts';
import { OutgoingRtpStream } from './outgoing-rtp-stream.ts';
import { createPayloadCodec, type PayloadCodec } from './payload-codec.ts';
import { ReplayWindow } from './replay-window.ts';
import { createSrtpSender, createSrtpSession } from './srtp-keys.ts';
import { DtmfReceiver, TELEPHONE_EVENT_PAYLOAD_TYPE, dtmfEventCode } from './telephone-event.ts';

export interface MediaCodec {
  payloadType: number;
  name: 'PCMU' | 'OPUS';
  clockRate: number;
  channels: 1 | 2;
}

export interface MediaSessionOptions {
  /** The codec the device offered (PT 0 PCMU/8000, 109 OPUS/16000, 111 OPUS/48000/2); we send its PT. */
  codec: MediaCodec;
  /** Base64 of 30 bytes (16 key + 14 salt), the key in our SDP answer: encrypts what we send. */
  localKey: string;
  /** Base64 of 30 bytes from the device's offer: decrypts what the device sends. */
  remoteKey: string;
  /** The next 20 ms of far-end audio, μ-law 8 kHz, 160 bytes (other lengths are padded or cut). */
  nextFrame: () => Uint8Array;
  /** Once per RFC 4733 digit the device sent. */
  onDtmf?: (digit: string) => void;
  /** What the device sends, decoded to 8 kHz mono linear. */
  onAudio?: (pcm8k: Int16Array) => void;
  log?: Logger;
}

export interface MediaSessionStats {
  /** SRTP packets sent (audio and DTMF). */
  sent: number;
  /** SRTP packets from the device that authenticated and were handled. */
  received: number;
  /** Datagrams dropped: junk, RTCP, failed SRTP authentication, replays, undecodable audio. */
  rejected: number;
}

interface Peer {
  address: string;
  port: number;
}

const LOOPBACK = '127.0.0.1';

/** RTP (version 2) vs RTCP (second byte 192-223, RFC 5761 §4) vs anything else, like the library's "hello". */
function classify(datagram: Buffer): 'rtp' | 'rtcp' | 'other' {
  if (datagram.length < 12 || (datagram[0] as number) >> 6 !== 2) return 'other';
  const second = datagram[1] as number;
  return second >= 192 && second <= 223 ? 'rtcp' : 'rtp';
}

function bindLoopback(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: 0, address: LOOPBACK }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

export class RtpMediaSession {
  /** Validates the options (keys, codec), then binds an ephemeral udp4 port on 127.0.0.1. */
  static async open(options: MediaSessionOptions, pacer: MediaPacer = MediaPacer.shared): Promise<RtpMediaSession> {
    const srtp = createSrtpSession(options.localKey, options.remoteKey);
    const codec = createPayloadCodec(options.codec);
    const socket = dgram.createSocket('udp4');
    try {
      await bindLoopback(socket);
    } catch (err) {
      socket.close();
      throw err;
    }
    return new RtpMediaSession(options, pacer, socket, srtp, codec);
  }

  /** Goes into the SDP answer: `m=audio <port>` with `c=IN IP4 127.0.0.1`. */
  readonly port: number;
  readonly stats: MediaSessionStats = { sent: 0, received: 0, rejected: 0 };

  private readonly outgoing: OutgoingRtpStream;
  private readonly dtmf = new DtmfReceiver();
  private readonly replay = new Map<number, ReplayWindow>();
  private readonly log: Logger | undefined;
  private peer: Peer | undefined;
  private stopPacing: (() => void) | undefined;
  private closed = false;
  private frameFailureLogged = false;

  private constructor(
    private readonly options: MediaSessionOptions,
    private readonly pacer: MediaPacer,
    private readonly socket: dgram.Socket,
    private readonly srtp: SrtpSession,
    private readonly codec: PayloadCodec,
  ) {
    this.log = options.log;
    this.port = socket.address().port;
    this.outgoing = new OutgoingRtpStream(createSrtpSender(options.localKey), options.codec.payloadType, codec.timestampStep);
    // Without an 'error' listener a socket error would be an uncaught exception.
    socket.on('error', (err) => this.log?.warn({ err, port: this.port }, 'media socket error'));
    socket.on('message', (datagram, from) => this.onDatagram(datagram, from));
  }

  /** Starts paced audio (call answered). Frames flow once the device's first datagram has told us where to. */
  start(): void {
    if (this.closed || this.stopPacing) return;
    this.stopPacing = this.pacer.add(() => this.sendFrame());
  }

  /** Sends one digit (0-9 * # A-D, else RangeError) as the library's six RFC 4733 packets, right away. */
  sendDtmf(digit: string): void {
    const event = dtmfEventCode(digit);
    if (this.closed) return;
    if (!this.peer) {
      this.log?.warn({ digit, port: this.port }, 'DTMF dropped: the device has not sent its first datagram yet');
      return;
    }
    for (const packet of this.outgoing.dtmf(event)) this.transmit(packet);
  }

  /** The SSRC of what we send (fault hooks forge packets on it). */
  get ssrc(): number {
    return this.outgoing.ssrc;
  }

  /**
   * A fault hook's datagram, sent as is to the latched device (no SRTP): false before the device's first datagram.
   * Only `/_sim/sip/calls/{id}/junk-rtp` uses it — the library throws on anything but our SRTP (see the top).
   */
  sendRaw(datagram: Buffer): boolean {
    const peer = this.peer;
    if (this.closed || !peer) return false;
    // Not counted in `stats.sent`, which counts our SRTP.
    this.socket.send(datagram, peer.port, peer.address, (err) => {
      if (err) this.log?.debug({ err, port: this.port }, 'raw datagram send failed');
    });
    return true;
  }

  /** Idempotent: stops pacing and closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopPacing?.();
    this.socket.close();
  }

  private sendFrame(): void {
    if (this.closed || !this.peer) return;
    try {
      let frame = this.options.nextFrame();
      if (frame.length !== FRAME_BYTES) {
        // Keep one frame per packet whatever the source hands us: RTP timestamps assume 20 ms each.
        const fixed = new Uint8Array(FRAME_BYTES).fill(MU_LAW_SILENCE);
        fixed.set(frame.subarray(0, FRAME_BYTES));
        frame = fixed;
      }
      this.transmit(this.outgoing.audio(this.codec.encode(frame)));
    } catch (err) {
      if (!this.frameFailureLogged) this.log?.error({ err, port: this.port }, 'media frame failed');
      this.frameFailureLogged = true;
    }
  }

  private transmit(packet: Buffer): void {
    const peer = this.peer;
    if (this.closed || !peer) return;
    this.socket.send(packet, peer.port, peer.address, (err) => {
      if (err) this.log?.debug({ err, port: this.port }, 'media send failed');
    });
    this.stats.sent++;
  }

  private onDatagram(datagram: Buffer, from: dgram.RemoteInfo): void {
    if (this.closed) return;
    const kind = classify(datagram);
    if (kind === 'other' && !this.peer) {
      // The library's plaintext "hello": the only way to learn its real port (its SDP port is fake).
      this.latch(from);
      return;
    }
    if (kind !== 'rtp') return this.reject(kind === 'rtcp' ? 'RTCP' : 'not RTP', from);

    let packet: RtpPacket;
    try {
      packet = RtpPacket.deSerialize(this.srtp.decrypt(datagram));
    } catch {
      return this.reject('SRTP authentication failed', from);
    }
    const { ssrc, sequenceNumber, timestamp, payloadType } = packet.header;
    let window = this.replay.get(ssrc);
    if (!window) this.replay.set(ssrc, (window = new ReplayWindow()));
    if (!window.accept(sequenceNumber)) return this.reject('SRTP replay', from);

    if (payloadType === TELEPHONE_EVENT_PAYLOAD_TYPE) {
      const digit = this.dtmf.receive(ssrc, timestamp, packet.payload);
      if (digit !== undefined) this.notify('onDtmf', () => this.options.onDtmf?.(digit));
    } else if (payloadType === this.options.codec.payloadType && this.options.onAudio) {
      let pcm: Int16Array;
      try {
        pcm = this.codec.decode(packet.payload);
      } catch {
        return this.reject('undecodable audio', from);
      }
      const onAudio = this.options.onAudio;
      this.notify('onAudio', () => onAudio(pcm));
    }
    this.stats.received++;
    // Authenticated, so it is the device: follow it if its address changed (or its "hello" was lost).
    if (this.peer?.address !== from.address || this.peer.port !== from.port) this.latch(from);
  }

  private latch(from: dgram.RemoteInfo): void {
    this.peer = { address: from.address, port: from.port };
    this.log?.debug({ port: this.port, peer: this.peer }, 'media latched onto the device');
  }

  private reject(reason: string, from: dgram.RemoteInfo): void {
    this.stats.rejected++;
    this.log?.debug({ reason, port: this.port, from: `${from.address}:${from.port}` }, 'media datagram rejected');
  }

  private notify(callback: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      // A throwing callback inside the socket handler would be an uncaught exception.
      this.log?.error({ err, callback }, 'media session callback failed');
    }
  }
}
