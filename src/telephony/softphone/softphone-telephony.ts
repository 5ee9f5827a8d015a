/**
 * Line mode `softphone`: each line's call is placed over SIP from its own reserved device, so the product hears
 * the line (audio → the CallAudio port), keys the IVR itself as RFC 4733 DTMF, and hangs up with BYE — none of
 * which costs REST quota (call-out is Heavy, 10 a minute per user). RingCentral gives a SIP call the same
 * telephony session and party ids as a REST call (`p-rc-api-ids`), so webhooks, the session look-ups and the
 * hand-off (REST transfer or bridge, which the measurements favour over REFER: it is confirmed by the session's
 * events, and works from any instance) stay exactly as in call-out mode.
 */
import type { Logger } from 'pino';
import type { CallAudio } from '../../media/call-audio.ts';
import { decodeMuLaw } from '../../media/mu-law.ts';
import { parseDialString } from '../dial-string.ts';
import type { DialStep } from '../dial-string.ts';
import { PlacementWithdrawn, TelephonyError } from '../telephony-port.ts';
import type { CallRef, PlaceCallRequest, SipInfoSource, Telephony, TransferTarget } from '../telephony-port.ts';
import { DelegatingTelephony } from '../delegating-telephony.ts';
import { CONNECTION_LOST, SipCallRejected, SipCertificateError, SipDevice } from './sip-device.ts';
import type { SipCall, SipCodec } from './sip-device.ts';
import { UplinkAudio } from './uplink-audio.ts';

export interface SoftphoneTelephonyOptions {
  /** The REST side: session look-ups, hand-offs, directory, subscriptions, and each device's SIP credentials. */
  rest: Telephony & SipInfoSource;
  audio: CallAudio;
  /** PCMU costs no decoding CPU on 70 lines (OPUS: a libopus decoder per call). */
  codec?: SipCodec;
  ignoreTlsCertErrors?: boolean;
  log: Logger;
  /** How long a BYE may go unconfirmed before the REST hang-up makes sure. */
  byeTimeoutMs?: number;
  /**
   * How the winner is handed off. `rest` (default): the REST blind transfer, from any instance, confirmed by
   * RingCentral's reply and the session's events. `refer`: SIP REFER on the call when this process holds its
   * dialog (the library resolves only on NOTIFY "200 OK"), the REST transfer otherwise (bench:sip compares them).
   */
  handoff?: 'rest' | 'refer';
  /** `refer`: how long to wait for the NOTIFY "200 OK" (the library waits forever) before the session decides. */
  referTimeoutMs?: number;
}

/** Asks whichever thread holds a line's SIP call to end it (line-hangup-relay.ts); false when none took it. */
export interface HangupRequests {
  request(telephonySessionId: string): Promise<boolean>;
}

interface LiveCall {
  call: SipCall;
  answered: boolean;
  /** Transfer or bridge requested: the session is the firm's now, never ours to end. */
  handedOff: boolean;
  ended: Promise<void>;
  timers: NodeJS.Timeout[];
  /** What an operator says on the line (talk-through), made on first use. */
  uplink?: UplinkAudio;
}

/** Between digits of one IVR step: RFC 4733 events need a gap to count as separate key presses. */
const DIGIT_GAP_MS = 250;

export class SoftphoneTelephony extends DelegatingTelephony<Telephony & SipInfoSource> {
  private readonly devices = new Map<string, Promise<SipDevice>>();
  private readonly calls = new Map<string, LiveCall>();
  private hangupRequests: HangupRequests | undefined;

  constructor(private readonly options: SoftphoneTelephonyOptions) {
    super(options.rest);
  }

  override async placeCall(request: PlaceCallRequest): Promise<CallRef> {
    const { number, steps } = /^\+/.test(request.to) ? parseDialString(request.to) : { number: request.to, steps: [] };
    const device = await this.device(request.deviceId);
    // Registering a new device may have waited for its sip-info (Light budget): the line may be cancelled by now.
    if (request.proceed && !(await request.proceed())) throw new PlacementWithdrawn();
    let call: SipCall;
    try {
      call = await device.call(number);
    } catch (error) {
      if (error instanceof SipCallRejected) throw new TelephonyError(error.message, 486, 'SIP-486');
      // Not retryable: every dial would meet the same certificate.
      if (error instanceof SipCertificateError) throw new TelephonyError(error.message, 495, 'SIP-TLS-CERT');
      throw new TelephonyError(`SIP call failed: ${(error as Error).message}`, 503, 'SIP-FAILED');
    }
    const ref = { telephonySessionId: call.sessionId, partyId: call.partyId };
    this.track(ref.telephonySessionId, call, steps);
    return ref;
  }

  /** Lines another thread or instance holds are asked to hang up there first (a BYE costs no REST quota). */
  useHangupRequests(requests: HangupRequests | undefined): void {
    this.hangupRequests = requests;
  }

  /** True while this process holds the line's SIP call. */
  holds(telephonySessionId: string): boolean {
    return this.calls.has(telephonySessionId);
  }

  /**
   * BYE (or CANCEL before the answer) when this process holds the call; else its holder is asked to; the REST
   * hang-up when nobody holds it, or as backup.
   */
  override async hangup(telephonySessionId: string): Promise<void> {
    const live = this.calls.get(telephonySessionId);
    if (!live) {
      if (await this.hangupRequests?.request(telephonySessionId)) return;
      return this.inner.hangup(telephonySessionId);
    }
    try {
      if (live.answered) await live.call.hangup();
      else await live.call.cancel();
    } catch (error) {
      this.options.log.warn({ err: error, telephonySessionId }, 'BYE could not be sent');
    }
    const confirmed = await Promise.race([live.ended.then(() => true), sleep(this.options.byeTimeoutMs ?? 3_000).then(() => false)]);
    if (!confirmed) await this.inner.hangup(telephonySessionId);
  }


  override transfer(call: CallRef, target: TransferTarget): Promise<void> {
    this.markHandedOff(call.telephonySessionId);
    const live = this.calls.get(call.telephonySessionId);
    if (this.options.handoff !== 'refer' || !live?.answered) return this.inner.transfer(call, target);
    return this.refer(live, call, target);
  }

  override bridge(call: CallRef, standby: CallRef): Promise<void> {
    this.markHandedOff(call.telephonySessionId);
    return this.inner.bridge(call, standby);
  }









  /**
   * Registers devices ahead of their first call (each new device costs a Light sip-info request, 40 a minute at
   * dial priority: a cold 70-line job would otherwise wait on them). One at a time, failures only logged.
   */
  async prepare(deviceIds: readonly string[], signal?: AbortSignal): Promise<number> {
    let ready = 0;
    for (const deviceId of deviceIds) {
      if (signal?.aborted) break;
      try {
        await (await this.device(deviceId)).register();
        ready += 1;
      } catch (error) {
        this.options.log.warn({ err: error, deviceId }, 'device not registered ahead of its first call');
      }
    }
    return ready;
  }

  /**
   * The line's uplink for an operator's voice (talk-through): only for an answered call this process holds and
   * has not handed off (the firm's person speaks for us then).
   */
  uplink(telephonySessionId: string): UplinkAudio | undefined {
    const live = this.calls.get(telephonySessionId);
    if (!live?.answered || live.handedOff || live.call.disposed) return undefined;
    live.uplink ??= new UplinkAudio(live.call);
    return live.uplink;
  }

  /** Calls this process holds over SIP right now. */
  get liveCalls(): number {
    return this.calls.size;
  }

  close(): void {
    for (const live of this.calls.values()) for (const timer of live.timers) clearTimeout(timer);
    this.calls.clear();
    for (const device of this.devices.values()) void device.then((d) => d.close(), () => undefined);
    this.devices.clear();
  }

  private markHandedOff(telephonySessionId: string): void {
    const live = this.calls.get(telephonySessionId);
    if (live) live.handedOff = true;
  }

  /**
   * The call's TLS connection is gone, so is its dialog: we can neither hear it nor BYE it. RingCentral may keep the
   * far end up meanwhile (the IRS holding a line nobody hears), so end the session over REST: the line then fails
   * cleanly and is redialled. A 404 (the network already ended it) counts as done.
   */
  private connectionLost(telephonySessionId: string, live: LiveCall): void {
    this.options.log.warn({ telephonySessionId, answered: live.answered, handedOff: live.handedOff }, 'SIP call lost with its connection');
    if (live.handedOff) return;
    this.inner.hangup(telephonySessionId).catch((error: unknown) => this.options.log.warn({ err: error, telephonySessionId }, 'hang-up of a lost SIP call failed'));
  }

  /** One registered device per line's device, registered on first use with credentials from sip-info. */
  private device(deviceId: string): Promise<SipDevice> {
    let device = this.devices.get(deviceId);
    if (!device) {
      device = this.inner.sipInfo(deviceId).then(
        (sipInfo) => new SipDevice({ deviceId, sipInfo, codec: this.options.codec ?? 'PCMU/8000', ignoreTlsCertErrors: this.options.ignoreTlsCertErrors ?? false, log: this.options.log }),
      );
      this.devices.set(deviceId, device);
      device.catch(() => this.devices.delete(deviceId));
    }
    return device;
  }

  private track(telephonySessionId: string, call: SipCall, steps: DialStep[]): void {
    let markEnded!: () => void;
    const live: LiveCall = { call, answered: false, handedOff: false, ended: new Promise((resolve) => (markEnded = resolve)), timers: [] };
    this.calls.set(telephonySessionId, live);
    const sampleRate = (this.options.codec ?? 'PCMU/8000') === 'PCMU/8000' ? 8000 : 16000;
    call.once('answered', () => {
      live.answered = true;
      this.keyIvr(live, steps);
    });
    call.on('audioPacket', (packet: { payload: Buffer }) => {
      // The library decodes OPUS but hands PCMU over as raw µ-law bytes: decode them here, never read them as PCM.
      const pcm = sampleRate === 8000 ? decodeMuLaw(packet.payload) : new Int16Array(packet.payload.buffer.slice(packet.payload.byteOffset, packet.payload.byteOffset + packet.payload.byteLength));
      this.options.audio.publish(telephonySessionId, { pcm, sampleRate, at: Date.now() });
    });
    const end = (): void => {
      for (const timer of live.timers) clearTimeout(timer);
      if (this.calls.get(telephonySessionId) === live) this.calls.delete(telephonySessionId);
      markEnded();
    };
    call.once(CONNECTION_LOST, () => this.connectionLost(telephonySessionId, live));
    call.once('disposed', end);
    call.once('busy', end);
  }

  /**
   * REFER, bounded and tied to its call: a refused REFER gets no NOTIFY, the library never rejects, and it takes
   * any NOTIFY on the device for its own. So the session says whether the hand-off took; only if not does the REST transfer go out (RingCentral refuses it once
   * our party has left, so the agent is never handed off twice).
   */
  private async refer(live: LiveCall, call: CallRef, target: TransferTarget): Promise<void> {
    const to = target.kind === 'number' ? target.phoneNumber : target.extensionNumber;
    let timer: NodeJS.Timeout | undefined;
    const notified = await Promise.race([
      live.call.transfer(to).then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.options.referTimeoutMs ?? 5_000))),
    ]).finally(() => clearTimeout(timer));
    // The library resolves on any NOTIFY "200 OK" its device receives, whichever call it is about: only the
    // session of this call says whether this hand-off took (a NOTIFY may run a moment ahead of it).
    if (await this.sessionShowsHandOff(call)) return;
    if (notified && (await sleep(200).then(() => this.sessionShowsHandOff(call)))) return;
    this.options.log.warn({ telephonySessionId: call.telephonySessionId }, 'REFER not confirmed; REST transfer instead');
    try {
      await this.inner.transfer(call, target);
    } catch (error) {
      if (!(await this.sessionShowsHandOff(call))) throw error;
    }
  }

  /** Our party left by the transfer, or someone of the firm is on the session (a gone session was not handed off). */
  private async sessionShowsHandOff(call: CallRef): Promise<boolean> {
    const session = await this.inner.getSession(call.telephonySessionId);
    const ours = session.parties.find((p) => p.id === call.partyId);
    return (
      ours?.code === 'Gone' ||
      (ours?.code === 'Disconnected' && ours.reason === 'BlindTransfer') ||
      session.parties.some((p) => p.id !== call.partyId && p.extensionId !== undefined && p.code !== 'Disconnected')
    );
  }

  /** The IVR's keys at the dial string's times, counted from the answer. */
  private keyIvr(live: LiveCall, steps: DialStep[]): void {
    let at = 0;
    for (const step of steps) {
      at += step.afterMs;
      live.timers.push(
        setTimeout(() => {
          live.call.sendDTMFs(step.digits, DIGIT_GAP_MS).catch((error: unknown) => this.options.log.warn({ err: error }, 'IVR keys not sent'));
        }, at),
      );
      at += step.digits.length * DIGIT_GAP_MS;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
