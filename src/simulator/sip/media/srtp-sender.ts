/**
 * The simulator's SRTP send side for AES_CM_128_HMAC_SHA1_80 (RFC 3711), written for volume: a load run sends
 * 50 packets a second for each of 1,400 lines from one event loop. werift's SrtpSession builds a header object,
 * a new AES-CTR cipher and three buffers per packet (~16 µs); here one AES-ECB cipher per call makes the
 * keystream from counter blocks and the packet is written into one buffer (~5 µs). Same bytes on the wire:
 * test/simulator/sip/media/srtp-sender.test.ts compares every packet with werift's, across a sequence wrap.
 * Decryption of what the device sends stays with werift (a packet every few seconds).
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createHmac } from 'node:crypto';
import type { Cipher } from 'node:crypto';

const RTP_HEADER_BYTES = 12;
const AUTH_TAG_BYTES = 10;
const BLOCK = 16;

/** RFC 3711 §4.3: a session key, salt or auth key from the master key and salt (key derivation rate 0). */
function deriveSessionBytes(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const blocks = Math.ceil(length / BLOCK);
  const input = Buffer.alloc(blocks * BLOCK);
  for (let b = 0; b < blocks; b++) {
    masterSalt.copy(input, b * BLOCK);
    // key_id = label || 48 zero bits, XORed into the salt's last 7 bytes; the block counter in the last two.
    input[b * BLOCK + 7] = (input[b * BLOCK + 7] as number) ^ label;
    input.writeUInt16BE(b, b * BLOCK + 14);
  }
  const ecb = createCipheriv('aes-128-ecb', masterKey, null).setAutoPadding(false);
  return Buffer.concat([ecb.update(input), ecb.final()]).subarray(0, length);
}

export class SrtpSender {
  private readonly ecb: Cipher;
  private readonly sessionSalt: Buffer;
  private readonly authKey: Buffer;
  /** The packet's IV, then its counter blocks (the IV with a block number): rewritten in place per packet. */
  private readonly iv = Buffer.alloc(BLOCK);
  private counters = Buffer.alloc(0);
  private readonly rollover = Buffer.alloc(4);
  private rolloverCounter = 0;
  private lastSequence: number | undefined;

  constructor(masterKey: Buffer, masterSalt: Buffer) {
    this.ecb = createCipheriv('aes-128-ecb', deriveSessionBytes(masterKey, masterSalt, 0, 16), null).setAutoPadding(false);
    this.sessionSalt = deriveSessionBytes(masterKey, masterSalt, 2, 14);
    this.authKey = deriveSessionBytes(masterKey, masterSalt, 1, 20);
  }

  /** One SRTP packet: the 12-byte RTP header (no CSRC, no extension), the encrypted payload, the 80-bit tag. */
  protect(header: { payloadType: number; marker: boolean; sequenceNumber: number; timestamp: number; ssrc: number }, payload: Uint8Array): Buffer {
    // The sender's rollover counter: sequence numbers only go up by one, so a wrap is a return to 0.
    if (this.lastSequence !== undefined && header.sequenceNumber < this.lastSequence) this.rolloverCounter = (this.rolloverCounter + 1) >>> 0;
    this.lastSequence = header.sequenceNumber;
    const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length + AUTH_TAG_BYTES);
    packet[0] = 0x80;
    packet[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
    packet.writeUInt16BE(header.sequenceNumber, 2);
    packet.writeUInt32BE(header.timestamp >>> 0, 4);
    packet.writeUInt32BE(header.ssrc >>> 0, 8);

    // AES-CM (RFC 3711 §4.1.1): IV = salt·2^16 XOR SSRC·2^64 XOR index·2^16, then one block per 16 bytes, the
    // block number in the IV's last two bytes (zero in the IV itself: the salt is 14 bytes).
    const iv = this.iv;
    this.sessionSalt.copy(iv, 0);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ header.ssrc) >>> 0, 4);
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ this.rolloverCounter) >>> 0, 8);
    iv.writeUInt16BE(iv.readUInt16BE(12) ^ header.sequenceNumber, 12);
    const blocks = Math.ceil(payload.length / BLOCK);
    if (this.counters.length !== blocks * BLOCK) this.counters = Buffer.alloc(blocks * BLOCK);
    const counters = this.counters;
    for (let b = 0; b < blocks; b++) {
      iv.copy(counters, b * BLOCK);
      counters.writeUInt16BE(b, b * BLOCK + 14);
    }
    const keystream = this.ecb.update(counters);
    for (let i = 0; i < payload.length; i++) packet[RTP_HEADER_BYTES + i] = (payload[i] as number) ^ (keystream[i] as number);

    // HMAC-SHA1 over header + encrypted payload + ROC, first 80 bits.
    const rollover = this.rollover;
    rollover.writeUInt32BE(this.rolloverCounter, 0);
    const tagAt = RTP_HEADER_BYTES + payload.length;
    createHmac('sha1', this.authKey).update(packet.subarray(0, tagAt)).update(rollover).digest().copy(packet, tagAt, 0, AUTH_TAG_BYTES);
    return packet;
  }
}
