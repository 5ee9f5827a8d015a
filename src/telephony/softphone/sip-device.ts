/**
 * One firm device ("Existing Phone") registered over SIP with the unchanged `ringcentral-softphone` library, and
 * hardened against its known traps (research/sip-softphone.md; library-guards.ts): error listeners and guarded
 * handlers on its TLS socket and RTP sockets, timeouts (it waits forever), a connection failure that fails the
 * registration or INVITE waiting on it at once (the library would poll 10 s for a socket already gone), calls that
 * end with their connection, and a reconnect with back-off on the next use.
 */
import Softphone from 'ringcentral-softphone';
import type { Logger } from 'pino';
import type { DeviceSipInfo } from '../telephony-port.ts';
import { disposeCall, endOnIgnoredFinal, guardHandlers, guardSocket, trackAnswerListeners } from './library-guards.ts';
import type { SipCall } from './library-guards.ts';

export type { SipCall } from './library-guards.ts';
export type SipCodec = 'PCMU/8000' | 'OPUS/16000';

/** Emitted on a call (before `disposed`) when it ended because its device's TLS connection was lost. */
export const CONNECTION_LOST = 'connectionLost';

export interface SipDeviceOptions {
  deviceId: string;
  sipInfo: DeviceSipInfo;
  codec: SipCodec;
  /** Only for a simulator with a self-signed certificate (demo, tests); RingCentral's certificate verifies. */
  ignoreTlsCertErrors: boolean;
  log: Logger;
  timeoutMs?: number;
}

/** One TLS connection of the device and the calls placed over it (they cannot outlive it). */
interface Link {
  phone: Softphone;
  calls: Set<SipCall>;
  /** What waits on the connection (a registration, an INVITE) fails when it is lost: see `untilLost`. */
  lost: ConnectionLoss;
  registered: boolean;
}

/**
 * The loss of one connection, for whatever waits on it. Not `Promise.race([x, lost])` with one long-lived `lost`
 * promise: every race leaves a reaction on it that holds x and its result until the connection goes — each INVITE's
 * call session with its SIP messages and SRTP keys, for hours (the leak that bench:load's heap snapshots showed).
 */
class ConnectionLoss {
  private error: Error | undefined;
  private readonly waiting = new Set<(error: Error) => void>();

  /** `promise`, or its rejection with the loss if the connection goes first. */
  untilLost<T>(promise: Promise<T>): Promise<T> {
    if (this.error) return Promise.reject(this.error);
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      promise.then(
        (value) => {
          this.waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(reject);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** The first loss counts; later ones change nothing. */
  fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    for (const reject of this.waiting) reject(error);
    this.waiting.clear();
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_BACKOFF_MS = 30_000;

export class SipDevice {
  private link?: Link;
  private registering?: Promise<Link>;
  private failures = 0;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: SipDeviceOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** INVITE; resolves once the call is in progress (183 with the session's ids), rejects on busy or silence. */
  async call(number: string): Promise<SipCall> {
    const link = await this.ready();
    const placing = link.phone.call(number);
    let call: SipCall;
    try {
      call = await withTimeout(link.lost.untilLost(placing), this.timeoutMs, `INVITE to ${number} got no answer`);
    } catch (error) {
      // A 183 after we gave up would be a live call nobody hears or hangs up: cancel it if it comes.
      placing.then(
        (late) => {
          this.watch(link, late);
          late.cancel().catch(() => undefined);
        },
        () => undefined,
      );
      // The library reads the 183's SDP from whatever came first: a 486 has none, so it fails with a TypeError.
      if (error instanceof TypeError) throw new SipCallRejected(`line busy or call refused (${error.message})`);
      throw error;
    }
    this.watch(link, call);
    return call;
  }

  /** Registers now, ahead of the first call (what a call's own registration would do). */
  async register(): Promise<void> {
    await this.ready();
  }

  close(): void {
    this.closed = true;
    const link = this.link;
    this.link = undefined;
    this.registering = undefined;
    if (link) teardown(link, false);
  }

  /** The registered connection (registers first, or again after the connection dropped). */
  private ready(): Promise<Link> {
    if (this.closed) return Promise.reject(new Error(`device ${this.options.deviceId} is closed`));
    if (!this.registering) {
      const attempt: Promise<Link> = this.connect().catch((error: unknown) => {
        // A drop may already have let a newer attempt start: never clear that one.
        if (this.registering === attempt) this.registering = undefined;
        this.failures += 1;
        throw error;
      });
      this.registering = attempt;
    }
    return this.registering;
  }

  private async connect(): Promise<Link> {
    if (this.failures > 0) await sleep(Math.min(MAX_BACKOFF_MS, 500 * 2 ** (this.failures - 1)));
    if (this.closed) throw new Error(`device ${this.options.deviceId} is closed`);
    const { sipInfo, codec, ignoreTlsCertErrors, log, deviceId } = this.options;
    const phone = new Softphone({
      domain: sipInfo.domain,
      outboundProxy: sipInfo.outboundProxy,
      username: sipInfo.userName,
      password: sipInfo.password,
      authorizationId: sipInfo.authorizationId,
      codec,
      ignoreTlsCertErrors,
    });
    guardHandlers(phone.client, 'data', log);
    trackAnswerListeners(phone);
    const lost = new ConnectionLoss();
    const link: Link = { phone, calls: new Set(), lost, registered: false };
    const dropped = (reason: string) => (error?: unknown) => {
      lost.fail(connectionError(reason, error));
      if (this.link !== link) return;
      // 'close' passes a hadError flag, 'error' the error.
      log.warn({ deviceId, ...(error instanceof Error ? { err: error } : {}), reason, calls: link.calls.size }, 'SIP connection lost; the device re-registers on its next call');
      this.link = undefined;
      this.registering = undefined;
      if (link.registered) this.failures += 1;
      teardown(link, true);
    };
    phone.client.on('error', dropped('tls error'));
    phone.client.on('close', dropped('connection closed'));
    phone.on('registrationError', (error: unknown) => log.warn({ deviceId, err: error }, 'SIP re-registration failed'));
    this.link = link;
    try {
      await withTimeout(lost.untilLost(phone.register()), this.timeoutMs, 'SIP registration got no answer');
    } catch (error) {
      if (this.link === link) this.link = undefined;
      teardown(link, true);
      throw error;
    }
    link.registered = true;
    this.failures = 0;
    log.info({ deviceId }, 'SIP device registered');
    return link;
  }

  private watch(link: Link, call: SipCall): void {
    const { log } = this.options;
    link.calls.add(call);
    call.once('disposed', () => link.calls.delete(call));
    // After the library's own 'answered' listener, which opens the RTP socket.
    call.once('answered', () => guardSocket(call, log));
    endOnIgnoredFinal(link.phone, call, log);
  }
}

export class SipCallRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipCallRejected';
  }
}

/** The server's certificate did not verify: a configuration error, no retry will fix it. */
export class SipCertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipCertificateError';
  }
}

/** Ends a connection: its calls end with it (their dialogs lived on it), then the softphone is revoked. */
function teardown(link: Link, lost: boolean): void {
  // Whatever still waits on the connection (a registration, an INVITE) fails now, not at its timeout.
  link.lost.fail(new Error('SIP connection closed'));
  for (const call of [...link.calls]) {
    if (lost) call.emit(CONNECTION_LOST);
    disposeCall(call);
  }
  link.phone.revoke();
  // revoke() removed every listener: a late socket error must still find one.
  link.phone.client.on('error', () => undefined);
}

const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

function connectionError(reason: string, error: unknown): Error {
  const code = (error as { code?: unknown } | undefined)?.code;
  const detail = error instanceof Error ? `: ${error.message}` : '';
  if (typeof code === 'string' && CERTIFICATE_ERROR.test(code)) return new SipCertificateError(`SIP server certificate rejected (${code})${detail}`);
  return new Error(`SIP ${reason}${detail}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
