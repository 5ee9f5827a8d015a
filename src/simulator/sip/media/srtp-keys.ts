/**
 * SDES keying for AES_CM_128_HMAC_SHA1_80 (RFC 4568), the only profile ringcentral-softphone@1.3.7 offers.
 * A key is 30 bytes: 16 bytes of master key, then 14 bytes of master salt, base64 in the SDP `inline:` field.
 * The library builds its werift SrtpSession as {local: its own key, remote: the key from our SDP};
 * we build the mirror image, so what one side encrypts the other decrypts.
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { ProtectionProfileAes128CmHmacSha1_80, SrtpSession } from 'werift-rtp';
import { SrtpSender } from './srtp-sender.ts';

export const SRTP_KEY_BYTES = 30;
const MASTER_KEY_BYTES = 16;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A fresh random key. 30 bytes encode to 40 base64 characters without `=` padding, which matters: the library
 * reads our key with /inline:([\w+/]+)/, so a padded key would lose its tail.
 */
export function generateSrtpKey(): string {
  return randomBytes(SRTP_KEY_BYTES).toString('base64');
}

/** The SDP attribute line (without CRLF) that hands `key` to the device. */
export function srtpCryptoAttribute(key: string, tag = 1): string {
  return `a=crypto:${tag} AES_CM_128_HMAC_SHA1_80 inline:${key}`;
}

/**
 * The device's key from its SDP offer, or undefined when it offers no AES_CM_128_HMAC_SHA1_80 line.
 * RFC 4568 allows `|lifetime|MKI:length` after the key; the library sends none, and we drop them if present.
 */
export function parseSrtpCryptoKey(sdp: string): string | undefined {
  return /a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]+)/.exec(sdp)?.[1];
}

/** Decodes and checks a base64 key; throws on anything but exactly 30 bytes. */
export function decodeSrtpKey(key: string, what = 'SRTP key'): Buffer {
  const bytes = BASE64.test(key) ? Buffer.from(key, 'base64') : Buffer.alloc(0);
  if (bytes.length !== SRTP_KEY_BYTES) {
    throw new RangeError(`${what} must be base64 of ${SRTP_KEY_BYTES} bytes (16 key + 14 salt)`);
  }
  return bytes;
}

/** What we send, encrypted with `localKey` (ours, in our SDP): see srtp-sender.ts for why not werift. */
export function createSrtpSender(localKey: string): SrtpSender {
  const local = decodeSrtpKey(localKey, 'localKey');
  return new SrtpSender(local.subarray(0, MASTER_KEY_BYTES), local.subarray(MASTER_KEY_BYTES));
}

/** The simulator's side of the call as werift sees it: decrypts with `remoteKey` (what the device sends). */
export function createSrtpSession(localKey: string, remoteKey: string): SrtpSession {
  const local = decodeSrtpKey(localKey, 'localKey');
  const remote = decodeSrtpKey(remoteKey, 'remoteKey');
  return new SrtpSession({
    profile: ProtectionProfileAes128CmHmacSha1_80,
    keys: {
      localMasterKey: local.subarray(0, MASTER_KEY_BYTES),
      localMasterSalt: local.subarray(MASTER_KEY_BYTES),
      remoteMasterKey: remote.subarray(0, MASTER_KEY_BYTES),
      remoteMasterSalt: remote.subarray(MASTER_KEY_BYTES),
    },
  });
}
