/**
 * One call a device placed over SIP, from the simulator's side of the dialog (a user agent server). It follows
 * the call's caller party in the CallRegistry and speaks for it on the device's TLS connection:
 *
 * - placed: 183 Session Progress with the SDP answer and `p-rc-api-ids` (the REST/webhook party and session ids);
 * - caller party Answered: 200 OK, retransmitted (500 ms doubling to 4 s) until the ACK, and media starts;
 * - ended before the answer: 486 (TargetBusy), 480 (NoAnswer) or 487; ended after it: BYE from the server;
 * - from the device: BYE → 200 and a hang-up; CANCEL → 200 + 487 and a hang-up; re-INVITE (hold) → 200 with
 *   SDP and a hold/unhold; REFER → 202, NOTIFY "100 Trying", NOTIFY "200 OK", BYE, and a blind transfer.
 *
 * Traps of `ringcentral-softphone@1.3.7` respected here: the 183 comes first and carries the SDP (the client reads
 * media and ids only from it), the 2xx is retransmitted, requests from the server carry very high CSeq numbers
 * and go over the client's own connection, and the server never sends re-INVITE or UPDATE (the client would take
 * either for a new incoming call).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallRegistry } from '../telephony/call-registry.ts';
import type { SimSession } from '../telephony/sim-session.ts';
import type { SimParty } from '../telephony/call-party.ts';
import { isLive } from '../telephony/call-party.ts';
import { RcError } from '../rc-error.ts';
import type { RtpMediaSession, MediaCodec } from './media/rtp-media-session.ts';
import type { OutgoingHeaders, SipRequest, SipResponse } from './sip-message.ts';
import { cseqNumber, uriOf, uriUser } from './sip-message.ts';
import type { SipConnection } from './sip-connection.ts';
import { reply, ALLOW, SERVER_NAME } from './sip-reply.ts';
import { answerDirection, answerSdp, parseOffer } from './sdp.ts';
import type { MediaDirection } from './sdp.ts';
import type { FarEndAudio } from './far-end-audio.ts';
import { junkDatagram } from './media/junk-datagram.ts';
import type { JunkKind } from './media/junk-datagram.ts';
import { dialTarget } from './dial-target.ts';

/** RFC 3261 timers for 2xx retransmission: T1, T2, and 64·T1 to give up and hang up. */
const T1_MS = 500;
const T2_MS = 4000;
const ACK_TIMEOUT_MS = 64 * T1_MS;

export type SipCallState = 'early' | 'answered' | 'ended';

export interface SipCallDeps {
  connection: SipConnection;
  /** The authenticated INVITE that placed the call. */
  invite: SipRequest;
  session: SimSession;
  calls: CallRegistry;
  deviceId: string;
  media: RtpMediaSession;
  audio: FarEndAudio;
  codec: MediaCodec;
  /** Our SRTP key (base64, 30 bytes), the one in our SDP. */
  localKey: string;
  /** Our `Via` for requests we send (host:port of the listener). */
  via: () => string;
  /** The next CSeq number for a request from the server: very high, never met by the client's own counter. */
  nextCSeq: () => number;
  log: Logger;
  onEnded: (call: SipCall) => void;
}

export interface SipCallView {
  callId: string;
  deviceId: string;
  telephonySessionId: string;
  partyId: string;
  state: SipCallState;
  remote: string;
  codec: string;
  media: { port: number; sent: number; received: number; rejected: number };
  audio: { firstFrameAt: string | null; frames: number; skippedFrames: number };
  /** A 2xx is being retransmitted until the device ACKs it. */
  awaitingAck: boolean;
  endReason?: string;
}

export class SipCall {
  readonly callId: string;
  private state: SipCallState = 'early';
  private readonly toTag = randomBytes(6).toString('hex');
  private readonly caller: SimParty;
  private readonly sdpSessionId = Date.now();
  private sdpVersion = 0;
  /** Retransmission timers of 2xx responses waiting for their ACK, by CSeq number. */
  private readonly pendingAcks = new Map<number, () => void>();
  private unwatch: () => void = () => undefined;
  /** Set while the server itself changes the session (BYE, CANCEL, REFER, lost connection): no echo to the device. */
  private quiet = false;
  private endReason: string | undefined;

  constructor(private readonly deps: SipCallDeps) {
    this.callId = deps.invite.headers.get('call-id') ?? '';
    const caller = deps.session.role('caller');
    if (!caller) throw new Error('a placed session has a caller party');
    this.caller = caller;
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  get deviceId(): string {
    return this.deps.deviceId;
  }

  get connection(): SipConnection {
    return this.deps.connection;
  }

  get telephonySessionId(): string {
    return this.deps.session.id;
  }

  /** Fault hook: `count` datagrams of `kind` from our media port to the device; how many went out (0 before its hello). */
  sendJunkMedia(kind: JunkKind, count: number): number {
    const { media, codec } = this.deps;
    let sent = 0;
    for (let i = 0; i < count; i++) if (media.sendRaw(junkDatagram(kind, { ssrc: media.ssrc, payloadType: codec.payloadType }))) sent++;
    return sent;
  }

  /** Sends the 183 and starts following the session. */
  start(): void {
    const { session } = this.deps;
    this.unwatch = session.watch((party) => {
      if (party !== this.caller) return;
      try {
        this.onCallerChange();
      } catch (error) {
        // The watcher runs inside registry and line events: a throw there would reach the line's async rethrow.
        this.deps.log.error({ err: error, callId: this.callId }, 'SIP call could not follow its session');
      }
    });
    const headers: OutgoingHeaders = [['Contact', this.contact()], ['Content-Type', 'application/sdp'], this.apiIds()];
    void this.deps.connection.send(reply(this.deps.invite, 183, { toTag: this.toTag, headers, body: this.sdp('sendrecv') }));
    this.onCallerChange(); // in case the session moved on while the 183 was being built
  }

  // --- the registry speaks: the caller party changed -------------------------------------------------

  private onCallerChange(): void {
    if (this.state === 'ended' || this.quiet) return;
    const status = this.caller.status;
    if (status.code === 'Answered' && this.state === 'early') {
      this.answer();
      return;
    }
    if (isLive(this.caller)) return;
    if (this.state === 'early') {
      const code = status.reason === 'TargetBusy' ? 486 : status.reason === 'NoAnswer' ? 480 : 487;
      void this.deps.connection.send(reply(this.deps.invite, code, { toTag: this.toTag }));
      this.end(status.reason ?? 'ended before answer');
    } else {
      this.sendBye();
      this.end(status.reason ?? status.code);
    }
  }

  private answer(): void {
    this.state = 'answered';
    this.sendFinal(this.deps.invite, this.sdp('sendrecv'), [this.apiIds()]);
    this.deps.media.start();
  }

  /** A 2xx to an INVITE, retransmitted until its ACK (RFC 3261 §13.3.1.4); no ACK in 32 s ends the call. */
  private sendFinal(request: SipRequest, body: string, headers: OutgoingHeaders = []): void {
    const response = reply(request, 200, {
      toTag: this.toTag,
      headers: [['Contact', this.contact()], ['Allow', ALLOW], ['Content-Type', 'application/sdp'], ...headers],
      body,
    });
    const cseq = cseqNumber(request.headers.get('cseq'));
    this.pendingAcks.get(cseq)?.();
    let interval = T1_MS;
    let waited = 0;
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      clearTimeout(timer);
      this.pendingAcks.delete(cseq);
    };
    const resend = (): void => {
      if (this.state === 'ended') return stop();
      if (waited >= ACK_TIMEOUT_MS) {
        stop();
        this.deps.log.warn({ callId: this.callId }, 'no ACK for the 200 OK: hanging up');
        this.hangUpFromServer('no ACK');
        return;
      }
      void this.deps.connection.send(response);
      timer = setTimeout(resend, interval);
      timer.unref();
      waited += interval;
      interval = Math.min(interval * 2, T2_MS);
    };
    this.pendingAcks.set(cseq, stop);
    resend();
  }

  // --- the device speaks -------------------------------------------------------------------------------

  onAck(request: SipRequest): void {
    this.pendingAcks.get(cseqNumber(request.headers.get('cseq')))?.();
  }

  onBye(request: SipRequest): void {
    // This 200 is what makes the client dispose of its session.
    void this.deps.connection.send(reply(request, 200, { toTag: this.toTag }));
    if (this.state === 'ended') return;
    if (this.state === 'early') void this.deps.connection.send(reply(this.deps.invite, 487, { toTag: this.toTag }));
    this.quietly(() => this.hangUpSession({ sip: 'BYE' }));
    this.end('BYE from the device');
  }

  onCancel(request: SipRequest): void {
    void this.deps.connection.send(reply(request, 200, { toTag: this.toTag }));
    if (this.state !== 'early') return; // too late: the 200 OK is out, the device must send BYE
    void this.deps.connection.send(reply(this.deps.invite, 487, { toTag: this.toTag }));
    this.quietly(() => this.hangUpSession({ sip: 'CANCEL' }));
    this.end('CANCEL from the device');
  }

  /** A re-INVITE in the dialog: hold (`a=sendonly`/`inactive`) or unhold (`a=sendrecv`); never a new call. */
  onReInvite(request: SipRequest): void {
    if (this.state !== 'answered') {
      void this.deps.connection.send(reply(request, 491, { toTag: this.toTag }));
      return;
    }
    const offer = request.body.trim() === '' ? undefined : parseOffer(request.body);
    if (offer && !offer.ok) {
      void this.deps.connection.send(reply(request, 488, { toTag: this.toTag }));
      return;
    }
    const direction = offer?.ok ? offer.offer.direction : 'sendrecv';
    this.sendFinal(request, this.sdp(answerDirection(direction)));
    const { calls, session } = this.deps;
    try {
      if (direction === 'sendonly' || direction === 'inactive') calls.hold(session.id, this.caller.id);
      else calls.unhold(session.id, this.caller.id);
    } catch (error) {
      this.deps.log.debug({ err: error, callId: this.callId }, 'hold/unhold over SIP not applied');
    }
  }

  /** REFER: a blind transfer of the far end, reported with NOTIFYs; then the server ends the device's leg. */
  onRefer(request: SipRequest): void {
    if (this.state !== 'answered') {
      void this.deps.connection.send(reply(request, 403, { toTag: this.toTag }));
      return;
    }
    const target = dialTarget(uriUser(uriOf(request.headers.get('refer-to'))) ?? '');
    if (!target) {
      void this.deps.connection.send(reply(request, 400, { toTag: this.toTag }));
      return;
    }
    try {
      this.quietly(() => this.deps.calls.transfer(this.deps.session.id, this.caller.id, target));
    } catch (error) {
      void this.deps.connection.send(reply(request, sipStatusOf(error), { toTag: this.toTag }));
      return;
    }
    void this.deps.connection.send(reply(request, 202, { toTag: this.toTag }));
    this.sendNotify('SIP/2.0 100 Trying', 'active;expires=60');
    this.sendNotify('SIP/2.0 200 OK', 'terminated;reason=noresource');
    this.sendBye();
    this.end('transferred by REFER');
  }

  onResponse(response: SipResponse): void {
    // The device answers our BYE (never, in 1.3.7) and NOTIFYs (200): nothing waits for these over TLS.
    this.deps.log.trace({ callId: this.callId, status: response.status, cseq: response.headers.get('cseq') }, 'SIP response from the device');
  }

  // --- the server ends the call --------------------------------------------------------------------------

  /** The device's connection is gone: the call ends as a network failure would (no SIP can be sent). */
  connectionLost(): void {
    if (this.state === 'ended') return;
    this.quietly(() => this.hangUpSession({ sip: 'connection lost' }));
    this.end('connection lost');
  }

  /** Simulator reset or shutdown: the session is already gone; tell the device and stop. */
  terminate(reason: string): void {
    if (this.state === 'ended') return;
    if (this.state === 'early') void this.deps.connection.send(reply(this.deps.invite, 503, { toTag: this.toTag }));
    else this.sendBye();
    this.end(reason);
  }

  private hangUpFromServer(reason: string): void {
    if (this.state === 'ended') return;
    this.sendBye();
    this.quietly(() => this.hangUpSession({ sip: reason }));
    this.end(reason);
  }

  private hangUpSession(detail: Record<string, unknown>): void {
    if (this.deps.session.ended) return;
    this.deps.calls.hangUp(this.deps.session.id, detail);
  }

  private quietly(action: () => void): void {
    this.quiet = true;
    try {
      action();
    } finally {
      this.quiet = false;
    }
  }

  private end(reason: string): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.endReason = reason;
    for (const stop of [...this.pendingAcks.values()]) stop();
    this.unwatch();
    this.deps.media.close();
    this.deps.log.debug({ callId: this.callId, reason }, 'SIP call ended');
    this.deps.onEnded(this);
  }

  // --- requests from the server --------------------------------------------------------------------------

  private sendBye(): void {
    void this.deps.connection.send({ method: 'BYE', uri: this.deviceUri(), headers: this.requestHeaders('BYE') });
  }

  private sendNotify(sipfrag: string, subscriptionState: string): void {
    void this.deps.connection.send({
      method: 'NOTIFY',
      uri: this.deviceUri(),
      headers: [
        ...this.requestHeaders('NOTIFY'),
        ['Event', 'refer'],
        ['Subscription-State', subscriptionState],
        ['Content-Type', 'message/sipfrag;version=2.0'],
      ],
      body: sipfrag,
    });
  }

  /** Our side of the dialog is the INVITE's To (with our tag), the device's is its From. */
  private requestHeaders(method: string): OutgoingHeaders {
    const { invite } = this.deps;
    return [
      ['Via', `${this.deps.via()};branch=z9hG4bK-${randomBytes(8).toString('hex')}`],
      ['Max-Forwards', 70],
      ['From', `${invite.headers.get('to') ?? ''};tag=${this.toTag}`],
      ['To', invite.headers.get('from') ?? ''],
      ['Call-ID', this.callId],
      ['CSeq', `${this.deps.nextCSeq()} ${method}`],
      ['User-Agent', SERVER_NAME],
    ];
  }

  private deviceUri(): string {
    const { invite } = this.deps;
    return uriOf(invite.headers.get('contact')) ?? uriOf(invite.headers.get('from')) ?? invite.uri;
  }

  private contact(): string {
    return `<${uriOf(this.deps.invite.headers.get('to')) ?? this.deps.invite.uri};transport=tls>`;
  }

  /** `p-rc-api-ids`, spelt in lower case: the client reads it case-sensitively for `sessionId`/`partyId`. */
  private apiIds(): readonly [string, string] {
    return ['p-rc-api-ids', `party-id=${this.caller.id};session-id=${this.deps.session.id}`];
  }

  private sdp(direction: MediaDirection): string {
    this.sdpVersion += 1;
    return answerSdp({
      port: this.deps.media.port,
      codec: this.deps.codec,
      key: this.deps.localKey,
      direction,
      sessionId: this.sdpSessionId,
      version: this.sdpVersion,
    });
  }

  view(): SipCallView {
    const { media, audio, session } = this.deps;
    const codec = this.deps.codec;
    return {
      callId: this.callId,
      deviceId: this.deps.deviceId,
      telephonySessionId: session.id,
      partyId: this.caller.id,
      state: this.state,
      remote: this.deps.connection.remote,
      codec: `${codec.name}/${codec.clockRate}${codec.channels === 2 ? '/2' : ''}`,
      media: { port: media.port, ...media.stats },
      audio: {
        firstFrameAt: audio.firstFrameAt === undefined ? null : new Date(audio.firstFrameAt).toISOString(),
        frames: audio.frames,
        skippedFrames: audio.skippedFrames,
      },
      awaitingAck: this.pendingAcks.size > 0,
      ...(this.endReason ? { endReason: this.endReason } : {}),
    };
  }
}

/** What a registry refusal becomes in SIP. */
export function sipStatusOf(error: unknown): number {
  if (!(error instanceof RcError)) return 500;
  if (error.status === 404) return 404;
  if (error.status === 403) return 403;
  if (error.status === 409) return 491;
  if (error.status === 400) return 484;
  return 500;
}
