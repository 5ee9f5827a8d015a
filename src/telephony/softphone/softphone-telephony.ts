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
import { TelephonyError } from '../telephony-port.ts';
import type { CallRef, SipInfoSource, Telephony, TransferTarget } from '../telephony-port.ts';
import { SipCallRejected, SipDevice } from './sip-device.ts';
import type { SipCall, SipCodec } from './sip-device.ts';

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
}

interface LiveCall {
  call: SipCall;
  answered: boolean;
  ended: Promise<void>;
  timers: NodeJS.Timeout[];
}

/** Between digits of one IVR step: RFC 4733 events need a gap to count as separate key presses. */
const DIGIT_GAP_MS = 250;

export class SoftphoneTelephony implements Telephony {
  private readonly devices = new Map<string, Promise<SipDevice>>();
  private readonly calls = new Map<string, LiveCall>();
  private readonly rest: Telephony & SipInfoSource;

  constructor(private readonly options: SoftphoneTelephonyOptions) {
    this.rest = options.rest;
  }

  async placeCall(request: { deviceId: string; to: string; priority?: 'dial' | 'transfer' }): Promise<CallRef> {
    const { number, steps } = /^\+/.test(request.to) ? parseDialString(request.to) : { number: request.to, steps: [] };
    const device = await this.device(request.deviceId);
    let call: SipCall;
    try {
      call = await device.call(number);
    } catch (error) {
      if (error instanceof SipCallRejected) throw new TelephonyError(error.message, 486, 'SIP-486');
      throw new TelephonyError(`SIP call failed: ${(error as Error).message}`, 503, 'SIP-FAILED');
    }
    const ref = { telephonySessionId: call.sessionId, partyId: call.partyId };
    this.track(ref.telephonySessionId, call, steps);
    return ref;
  }

  /** BYE (or CANCEL before the answer) when this process holds the call; the REST hang-up otherwise or as backup. */
  async hangup(telephonySessionId: string): Promise<void> {
    const live = this.calls.get(telephonySessionId);
    if (!live) return this.rest.hangup(telephonySessionId);
    try {
      if (live.answered) await live.call.hangup();
      else await live.call.cancel();
    } catch (error) {
      this.options.log.warn({ err: error, telephonySessionId }, 'BYE could not be sent');
    }
    const confirmed = await Promise.race([live.ended.then(() => true), sleep(this.options.byeTimeoutMs ?? 3_000).then(() => false)]);
    if (!confirmed) await this.rest.hangup(telephonySessionId);
  }

  getSession(telephonySessionId: string) {
    return this.rest.getSession(telephonySessionId);
  }

  transfer(call: CallRef, target: TransferTarget): Promise<void> {
    return this.rest.transfer(call, target);
  }

  bridge(call: CallRef, standby: CallRef): Promise<void> {
    return this.rest.bridge(call, standby);
  }

  listExtensions() {
    return this.rest.listExtensions();
  }

  listDevices(extensionId: string) {
    return this.rest.listDevices(extensionId);
  }

  listQueues() {
    return this.rest.listQueues();
  }

  presence(extensionId: string) {
    return this.rest.presence(extensionId);
  }

  createSubscription(request: Parameters<Telephony['createSubscription']>[0]) {
    return this.rest.createSubscription(request);
  }

  getSubscription(id: string) {
    return this.rest.getSubscription(id);
  }

  renewSubscription(id: string) {
    return this.rest.renewSubscription(id);
  }

  deleteSubscription(id: string): Promise<void> {
    return this.rest.deleteSubscription(id);
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

  /** One registered device per line's device, registered on first use with credentials from sip-info. */
  private device(deviceId: string): Promise<SipDevice> {
    let device = this.devices.get(deviceId);
    if (!device) {
      device = this.rest.sipInfo(deviceId).then(
        (sipInfo) => new SipDevice({ deviceId, sipInfo, codec: this.options.codec ?? 'PCMU/8000', ignoreTlsCertErrors: this.options.ignoreTlsCertErrors ?? false, log: this.options.log }),
      );
      this.devices.set(deviceId, device);
      device.catch(() => this.devices.delete(deviceId));
    }
    return device;
  }

  private track(telephonySessionId: string, call: SipCall, steps: DialStep[]): void {
    let markEnded!: () => void;
    const live: LiveCall = { call, answered: false, ended: new Promise((resolve) => (markEnded = resolve)), timers: [] };
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
    call.once('disposed', end);
    call.once('busy', end);
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
