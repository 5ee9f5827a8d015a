/**
 * Routes every SIP message from the devices: REGISTER to the registrar, a new INVITE to a new call (100, 407
 * challenge, then 100 and the call placed through the CallRegistry exactly as a REST call-out from that device),
 * and in-dialog requests (ACK, BYE, CANCEL, re-INVITE, REFER) to their call by Call-ID.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SimContext } from '../sim-context.ts';
import type { MediaSessionOptions, RtpMediaSession } from './media/rtp-media-session.ts';
import { generateSrtpKey } from './media/srtp-keys.ts';
import type { SipMessage, SipRequest } from './sip-message.ts';
import { tagOf, uriUser } from './sip-message.ts';
import type { SipConnection } from './sip-connection.ts';
import { reply, ALLOW } from './sip-reply.ts';
import { challenge } from './digest-auth.ts';
import type { NonceBook } from './digest-auth.ts';
import { authenticate } from './device-auth.ts';
import type { Registrar } from './registrar.ts';
import type { SipFaults } from './sip-faults.ts';
import { parseOffer } from './sdp.ts';
import { dialTarget } from './dial-target.ts';
import { FarEndAudio } from './far-end-audio.ts';
import { SipCall, sipStatusOf } from './sip-call.ts';
import type { SipCallView } from './sip-call.ts';
import type { SimSession } from '../telephony/sim-session.ts';

/** Requests from the server count from here: far above the client's counter, which starts below 10⁴. */
const SERVER_CSEQ_START = 1_000_000_000;
/** Ended calls stay listed (for `/_sim/sip`) up to this many. */
const ENDED_KEPT = 200;

export interface UserAgentServerDeps {
  context: () => SimContext;
  registrar: Registrar;
  nonces: NonceBook;
  faults: SipFaults;
  openMedia: (options: MediaSessionOptions) => Promise<RtpMediaSession>;
  /** `SIP/2.0/TLS host:port` of the listener, for the Via of our requests. */
  via: () => string;
  log: Logger;
}

export class UserAgentServer {
  /** Live calls by Call-ID. */
  private readonly calls = new Map<string, SipCall>();
  /** INVITEs being set up (media port opening), by Call-ID: a CANCEL may arrive meanwhile. */
  private readonly pending = new Map<string, { cancelled: boolean }>();
  private readonly endedCalls: SipCallView[] = [];
  private cseq = SERVER_CSEQ_START;

  constructor(private readonly deps: UserAgentServerDeps) {}

  handle(message: SipMessage, connection: SipConnection): void {
    const callId = message.headers.get('call-id') ?? '';
    if (message.kind === 'response') {
      this.calls.get(callId)?.onResponse(message);
      return;
    }
    const call = this.calls.get(callId);
    switch (message.method) {
      case 'REGISTER':
        void connection.send(this.deps.registrar.register(message, connection));
        return;
      case 'INVITE':
        if (call && tagOf(message.headers.get('to'))) call.onReInvite(message);
        else if (call || this.pending.has(callId)) void connection.send(reply(message, 482 /* loop: same Call-ID again */));
        else
          this.invite(message, connection).catch((error: unknown) => {
            // An async failure here would otherwise be an unhandled rejection, which ends the process.
            this.deps.log.error({ err: error, callId }, 'SIP INVITE handling failed');
            void connection.send(reply(message, 500));
          });
        return;
      case 'ACK':
        call?.onAck(message);
        return;
      case 'BYE':
        if (call) call.onBye(message);
        else void connection.send(reply(message, 481));
        return;
      case 'CANCEL':
        this.cancel(message, connection, call);
        return;
      case 'REFER':
        if (call) call.onRefer(message);
        else void connection.send(reply(message, 481));
        return;
      case 'OPTIONS':
        void connection.send(reply(message, 200, { headers: [['Allow', ALLOW]] }));
        return;
      default:
        void connection.send(reply(message, 405, { headers: [['Allow', ALLOW]] }));
    }
  }

  /** Every call over a connection that just closed ends as a network failure would. */
  connectionClosed(connection: SipConnection): void {
    for (const call of [...this.calls.values()]) if (call.connection === connection) call.connectionLost();
  }

  /** The connections the device has calls on. */
  connectionsOf(deviceId: string): SipConnection[] {
    return [...this.calls.values()].filter((call) => call.deviceId === deviceId).map((call) => call.connection);
  }

  /** Ends every call (reset, shutdown), telling the devices with BYE (or 503 before the answer). */
  terminateAll(reason: string): void {
    for (const call of [...this.calls.values()]) call.terminate(reason);
  }

  /** The live call of a telephony session, if it is a SIP call. */
  bySession(telephonySessionId: string): SipCall | undefined {
    return [...this.calls.values()].find((call) => call.telephonySessionId === telephonySessionId);
  }

  list(): SipCallView[] {
    return [...this.endedCalls, ...[...this.calls.values()].map((call) => call.view())];
  }

  private cancel(request: SipRequest, connection: SipConnection, call: SipCall | undefined): void {
    if (call) return call.onCancel(request);
    const pending = this.pending.get(request.headers.get('call-id') ?? '');
    if (!pending) return void connection.send(reply(request, 481));
    pending.cancelled = true;
    void connection.send(reply(request, 200));
  }

  /** A new INVITE: challenge it, check it, open the media port, place the call, answer 183. */
  private async invite(request: SipRequest, connection: SipConnection): Promise<void> {
    const send = (status: number, extra: Parameters<typeof reply>[2] = {}): void => void connection.send(reply(request, status, extra));
    const toTag = randomBytes(6).toString('hex');
    send(100);
    const ctx = this.deps.context();
    const auth = authenticate(request, 'proxy-authorization', ctx.directory, this.deps.nonces);
    if (auth.kind === 'challenge') {
      send(407, { toTag, headers: [['Proxy-Authenticate', challenge(auth.realm, this.deps.nonces.issue())]] });
      return;
    }
    if (auth.kind === 'forbidden') {
      this.deps.log.info({ remote: connection.remote, reason: auth.reason }, 'SIP INVITE refused');
      send(403, { toTag });
      return;
    }
    const offer = parseOffer(request.body);
    if (!offer.ok) {
      this.deps.log.info({ reason: offer.reason }, 'SIP INVITE offer not acceptable');
      send(488, { toTag });
      return;
    }
    const target = dialTarget(uriUser(request.uri) ?? '');
    if (!target) {
      send(484, { toTag });
      return;
    }

    const callId = request.headers.get('call-id') ?? '';
    const pending = { cancelled: false };
    this.pending.set(callId, pending);
    const holder: { session?: SimSession } = {};
    const audio = new FarEndAudio(ctx.clock, () => holder.session?.line);
    const localKey = generateSrtpKey();
    let media: RtpMediaSession;
    try {
      media = await this.deps.openMedia({
        codec: offer.offer.codec,
        localKey,
        remoteKey: offer.offer.key,
        nextFrame: () => audio.nextFrame(),
        onDtmf: (digit) => this.dtmf(holder.session, digit),
        // The caller's voice: the IRS voice check listens for an answer (a person talking through the device).
        onAudio: (pcm) => holder.session?.line?.hearCaller(pcm),
        log: this.deps.log.child({ callId }),
      });
    } catch (error) {
      this.pending.delete(callId);
      this.deps.log.error({ err: error, callId }, 'SIP call: media port could not be opened');
      send(500, { toTag });
      return;
    }
    this.pending.delete(callId);
    if (pending.cancelled || !connection.isOpen || this.deps.context() !== ctx) {
      media.close();
      send(487, { toTag });
      return;
    }

    let session: SimSession;
    try {
      session = ctx.calls.place({ deviceId: auth.device.id, ...target, origin: 'Call' });
    } catch (error) {
      media.close();
      this.deps.log.info({ err: error, callId }, 'SIP call refused by the call registry');
      send(sipStatusOf(error), { toTag });
      return;
    }
    holder.session = session;
    const call = new SipCall({
      connection,
      invite: request,
      session,
      calls: ctx.calls,
      deviceId: auth.device.id,
      media,
      audio,
      codec: offer.offer.codec,
      localKey,
      via: this.deps.via,
      nextCSeq: () => ++this.cseq,
      log: this.deps.log.child({ callId, telephonySessionId: session.id }),
      onEnded: (ended) => this.ended(ended),
    });
    this.calls.set(callId, call);
    call.start();
    if (this.deps.faults.takeBusy()) ctx.calls.forceBusy(session.id);
  }

  private dtmf(session: SimSession | undefined, digit: string): void {
    if (!session || session.ended || !/^[0-9*#]$/.test(digit)) return;
    session.line?.sendDtmf(digit);
  }

  private ended(call: SipCall): void {
    if (this.calls.get(call.callId) === call) this.calls.delete(call.callId);
    this.endedCalls.push(call.view());
    if (this.endedCalls.length > ENDED_KEPT) this.endedCalls.shift();
  }
}

