/**
 * The real ringcentral-softphone@1.3.7 call session, media part only: its OutboundCallSession built from a
 * 183 carrying our SDP and answered with a 200, exactly as Softphone.call() does, minus TLS and SIP. Its
 * SRTP setup (werift SrtpSession from its process-wide key and ours), "hello", packet handling, DTMF and
 * Streamer all run unchanged. The stand-in softphone only supplies what a call session touches: the codec,
 * the 'message' events it listens to, and send() for the ACK.
 */
import EventEmitter from 'node:events';
import type Softphone from 'ringcentral-softphone';
import OutboundCallSession from 'ringcentral-softphone/call-session/outbound';
import Codec from 'ringcentral-softphone/codec';
import InboundMessage from 'ringcentral-softphone/sip-message/inbound/index';
import { localKey } from 'ringcentral-softphone/utils';
import { srtpCryptoAttribute } from '../../../../src/simulator/sip/media/srtp-keys.ts';

export type LibraryCodecName = 'PCMU/8000' | 'OPUS/16000' | 'OPUS/48000/2';

/** The key every call of the library process offers (`a=crypto:… inline:<localKey>`): our remoteKey. */
export const LIBRARY_KEY = localKey;

class SiplessSoftphone extends EventEmitter {
  readonly codec: Codec;
  readonly sent: string[] = [];

  constructor(codec: LibraryCodecName) {
    super();
    this.codec = new Codec(codec);
  }

  send(message: { toString(): string }): Promise<undefined> {
    this.sent.push(message.toString());
    return Promise.resolve(undefined);
  }
}

let calls = 0;

export interface LibraryCall {
  session: OutboundCallSession;
  softphone: SiplessSoftphone;
  /** The 200 OK: the library ACKs, binds its socket and sends "hello". */
  answer(): void;
  /** A BYE from us: the library disposes the session and closes its socket. */
  hangUp(): void;
}

/** A library call whose 183 points its media at 127.0.0.1:`port` with our key. */
export function libraryCall(codec: LibraryCodecName, port: number, ourKey: string): LibraryCall {
  const softphone = new SiplessSoftphone(codec);
  const pt = softphone.codec.id;
  const callId = `media-test-${++calls}`;
  const headers = [
    'Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-media-test',
    'From: <sip:101@sip.example.test>;tag=from-tag',
    'To: <sip:18008291040@sip.example.test>;tag=to-tag',
    `Call-ID: ${callId}`,
    'CSeq: 8 INVITE',
    'p-rc-api-ids: party-id=p-1;session-id=s-1',
  ];
  const sdp = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/SAVP ${pt} 101`,
    `a=rtpmap:${pt} ${codec}`,
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    srtpCryptoAttribute(ourKey),
    'a=sendrecv',
    '',
  ].join('\r\n');
  const message = (subject: string, lines: string[], body = '') =>
    InboundMessage.fromString(`${subject}\r\n${lines.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);

  const session = new OutboundCallSession(
    softphone as unknown as Softphone,
    message('SIP/2.0 183 Session Progress', [...headers, 'Content-Type: application/sdp'], sdp),
  );
  return {
    session,
    softphone,
    answer: () => softphone.emit('message', message('SIP/2.0 200 OK', headers)),
    hangUp: () =>
      softphone.emit('message', message('BYE sip:101@127.0.0.1 SIP/2.0', [`Call-ID: ${callId}`, 'CSeq: 900001 BYE'])),
  };
}
