/**
 * One firm device ("Existing Phone") registered over SIP with the unchanged `ringcentral-softphone` library, and
 * hardened against its known traps (research/sip-softphone.md): its TLS socket and RTP sockets get error
 * listeners and guarded handlers (a TLS failure, a malformed SIP message or a forged SRTP packet would otherwise
 * throw out of an event handler and kill the process), registration and calls get timeouts (it waits forever),
 * and a dropped connection reconnects with back-off on the next use.
 */
import type { EventEmitter } from 'node:events';
import Softphone from 'ringcentral-softphone';
import type { Logger } from 'pino';
import type { DeviceSipInfo } from '../telephony-port.ts';

export type SipCodec = 'PCMU/8000' | 'OPUS/16000';
export type SipCall = Awaited<ReturnType<Softphone['call']>>;

export interface SipDeviceOptions {
  deviceId: string;
  sipInfo: DeviceSipInfo;
  codec: SipCodec;
  /** Only for a simulator with a self-signed certificate (demo, tests); RingCentral's certificate verifies. */
  ignoreTlsCertErrors: boolean;
  log: Logger;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_BACKOFF_MS = 30_000;

export class SipDevice {
  private phone?: Softphone;
  private registering?: Promise<Softphone>;
  private failures = 0;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: SipDeviceOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The registered softphone (registers first, or again after the connection dropped). */
  ready(): Promise<Softphone> {
    if (this.closed) return Promise.reject(new Error(`device ${this.options.deviceId} is closed`));
    this.registering ??= this.connect().catch((error: unknown) => {
      this.registering = undefined;
      this.failures += 1;
      throw error;
    });
    return this.registering;
  }

  /** INVITE; resolves once the call is in progress (183 with the session's ids), rejects on busy or silence. */
  async call(number: string): Promise<SipCall> {
    const phone = await this.ready();
    const call = await withTimeout(phone.call(number), this.timeoutMs, `INVITE to ${number} got no answer`).catch((error: unknown) => {
      // The library reads the 183's SDP from whatever came first: a 486 has none, so it fails with a TypeError.
      if (error instanceof TypeError) throw new SipCallRejected(`line busy or call refused (${error.message})`);
      throw error;
    });
    call.once('answered', () => guardSocket(call, this.options.log));
    return call;
  }

  close(): void {
    this.closed = true;
    this.phone?.revoke();
    this.phone = undefined;
    this.registering = undefined;
  }

  private async connect(): Promise<Softphone> {
    if (this.failures > 0) await sleep(Math.min(MAX_BACKOFF_MS, 500 * 2 ** (this.failures - 1)));
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
    const dropped = (reason: string) => (error?: unknown) => {
      if (this.phone !== phone) return;
      log.warn({ deviceId, err: error, reason }, 'SIP connection lost; the device re-registers on its next call');
      this.phone = undefined;
      this.registering = undefined;
      this.failures += 1;
      phone.revoke();
    };
    phone.client.on('error', dropped('tls error'));
    phone.client.on('close', dropped('closed'));
    phone.on('registrationError', (error: unknown) => log.warn({ deviceId, err: error }, 'SIP re-registration failed'));
    this.phone = phone;
    try {
      await withTimeout(phone.register(), this.timeoutMs, 'SIP registration got no answer');
    } catch (error) {
      this.phone = undefined;
      phone.revoke();
      throw error;
    }
    this.failures = 0;
    log.info({ deviceId }, 'SIP device registered');
    return phone;
  }
}

export class SipCallRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipCallRejected';
  }
}

/** The call's RTP socket exists once answered: a packet failing SRTP authentication must not throw out of it. */
function guardSocket(call: SipCall, log: Logger): void {
  const socket = (call as { socket?: EventEmitter }).socket;
  if (!socket) return;
  socket.on('error', (error: unknown) => log.warn({ err: error }, 'RTP socket error'));
  guardHandlers(socket, 'message', log);
}

/** Re-registers an emitter's listeners for `event` inside try/catch. */
function guardHandlers(emitter: EventEmitter, event: string, log: Logger): void {
  for (const listener of emitter.listeners(event) as ((...args: unknown[]) => void)[]) {
    emitter.off(event, listener);
    emitter.on(event, (...args: unknown[]) => {
      try {
        listener(...args);
      } catch (error) {
        log.warn({ err: error, event }, 'dropped a packet the SIP library could not handle');
      }
    });
  }
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
