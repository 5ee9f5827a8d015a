/**
 * SRTP replay protection (RFC 3711 §3.3.2) for one SSRC: werift-rtp 0.8.9 checks the auth tag but keeps no
 * replay list, so a captured packet played back would authenticate again (and, say, re-deliver audio).
 * The sequence number is extended with a rollover guess (RFC 3711 appendix A) and checked against a
 * 64-packet sliding window. Feed it only packets that passed authentication.
 */
const WINDOW = 64;
const SEQ_MOD = 65536;
const HALF = SEQ_MOD / 2;

export class ReplayWindow {
  private highest = -1;
  // seen[i % WINDOW] holds the last accepted index in that slot; within the window each index has its own slot.
  private readonly seen = new Float64Array(WINDOW).fill(-1);

  /** True, and remembered, for a packet not seen before; false for a replay or one older than the window. */
  accept(sequenceNumber: number): boolean {
    const index = this.extend(sequenceNumber);
    if (this.highest - index >= WINDOW) return false;
    const slot = index % WINDOW;
    if (this.seen[slot] === index) return false;
    this.seen[slot] = index;
    this.highest = Math.max(this.highest, index);
    return true;
  }

  private extend(seq: number): number {
    // Start one rollover up so that a packet from just before the first one still has a positive index.
    if (this.highest < 0) return SEQ_MOD + seq;
    const roc = Math.floor(this.highest / SEQ_MOD);
    const last = this.highest % SEQ_MOD;
    let guess = roc;
    if (last < HALF && seq - last > HALF) guess = roc - 1;
    else if (last >= HALF && last - HALF > seq) guess = roc + 1;
    return guess * SEQ_MOD + seq;
  }
}
