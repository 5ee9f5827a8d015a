/**
 * The SDP offer a device sends and the answer the simulator gives (RFC 4566, SDES RFC 4568). The client offers one
 * audio codec plus telephone-event/101 and one `AES_CM_128_HMAC_SHA1_80` key; it reads the answer's `c=` address,
 * `m=audio` port and `inline:` key, and ignores the answer's payload type, so the answer must repeat the offered one.
 */
import type { MediaCodec } from './media/rtp-media-session.ts';
import { SRTP_KEY_BYTES, parseSrtpCryptoKey, srtpCryptoAttribute } from './media/srtp-keys.ts';

export const DTMF_PAYLOAD_TYPE = 101;

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpOffer {
  codec: MediaCodec;
  /** The device's SRTP master key and salt, base64 (30 bytes). */
  key: string;
  direction: MediaDirection;
}

export type OfferResult = { ok: true; offer: SdpOffer } | { ok: false; reason: string };

/** The first offered audio payload type we can play (PCMU/8000, opus/16000, opus/48000/2), with the crypto key. */
export function parseOffer(body: string): OfferResult {
  const lines = body.split(/\r?\n/).map((line) => line.trim());
  const media = lines.find((line) => line.startsWith('m=audio '));
  if (!media) return { ok: false, reason: 'no m=audio line' };
  const [, , profile, ...formats] = media.slice(2).split(/\s+/);
  if (profile !== 'RTP/SAVP') return { ok: false, reason: `profile ${profile ?? '?'} (only RTP/SAVP)` };
  const rtpmap = new Map<number, string>();
  for (const line of lines) {
    const match = /^a=rtpmap:(\d+)\s+(\S+)/.exec(line);
    if (match) rtpmap.set(Number(match[1]), match[2] ?? '');
  }
  let codec: MediaCodec | undefined;
  for (const format of formats) {
    const pt = Number(format);
    if (!Number.isInteger(pt) || pt === DTMF_PAYLOAD_TYPE) continue;
    codec = codecFor(pt, rtpmap.get(pt));
    if (codec) break;
  }
  if (!codec) return { ok: false, reason: `no supported codec among ${formats.join(' ')}` };
  const crypto = parseSrtpCryptoKey(body);
  if (!crypto || Buffer.from(crypto, 'base64').length !== SRTP_KEY_BYTES) {
    return { ok: false, reason: `no AES_CM_128_HMAC_SHA1_80 key of ${SRTP_KEY_BYTES} bytes` };
  }
  const direction = (['sendonly', 'recvonly', 'inactive', 'sendrecv'] as const).find((d) => lines.includes(`a=${d}`)) ?? 'sendrecv';
  return { ok: true, offer: { codec, key: crypto, direction } };
}

function codecFor(pt: number, map: string | undefined): MediaCodec | undefined {
  const name = (map ?? (pt === 0 ? 'PCMU/8000' : '')).toUpperCase();
  if (name === 'PCMU/8000') return { payloadType: pt, name: 'PCMU', clockRate: 8000, channels: 1 };
  if (name === 'OPUS/16000' || name === 'OPUS/16000/1') return { payloadType: pt, name: 'OPUS', clockRate: 16000, channels: 1 };
  if (name === 'OPUS/48000/2') return { payloadType: pt, name: 'OPUS', clockRate: 48000, channels: 2 };
  return undefined;
}

/** What we answer in a re-INVITE: a device that only sends (hold) gets `recvonly`, and so on. */
export function answerDirection(offered: MediaDirection): MediaDirection {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

export interface SdpAnswer {
  port: number;
  codec: MediaCodec;
  /** Our SRTP master key and salt, base64 (30 bytes). */
  key: string;
  direction: MediaDirection;
  /** o= session id and version; the version rises with each new answer in a dialog. */
  sessionId: number;
  version: number;
}

export function answerSdp(answer: SdpAnswer): string {
  const { codec } = answer;
  const encoding = `${codec.name === 'PCMU' ? 'PCMU' : 'opus'}/${codec.clockRate}${codec.channels === 2 ? '/2' : ''}`;
  return [
    'v=0',
    `o=- ${answer.sessionId} ${answer.version} IN IP4 127.0.0.1`,
    's=hold-hunter-simulator',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${answer.port} RTP/SAVP ${codec.payloadType} ${DTMF_PAYLOAD_TYPE}`,
    `a=rtpmap:${codec.payloadType} ${encoding}`,
    `a=rtpmap:${DTMF_PAYLOAD_TYPE} telephone-event/8000`,
    `a=fmtp:${DTMF_PAYLOAD_TYPE} 0-15`,
    `a=${answer.direction}`,
    srtpCryptoAttribute(answer.key),
  ].join('\r\n');
}
