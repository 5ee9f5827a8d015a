/**
 * The SIP registrar: REGISTER is challenged (401), then checked against the device's sip-info credentials (200,
 * or 403 for a wrong password). A registration binds the device's userName to the TLS connection it came over,
 * and marks the device Online, as a registered phone is on RingCentral. `ringcentral-softphone` re-registers
 * every 30 s over the same connection and never unregisters; a closed connection drops its bindings.
 */
import type { Logger } from 'pino';
import type { Directory } from '../directory/directory-types.ts';
import type { OutgoingResponse, SipRequest } from './sip-message.ts';
import { challenge } from './digest-auth.ts';
import type { NonceBook } from './digest-auth.ts';
import { authenticate } from './device-auth.ts';
import type { SipConnection } from './sip-connection.ts';
import { reply, ALLOW } from './sip-reply.ts';
import { randomBytes } from 'node:crypto';

/** What a registration lasts when the client asks for nothing (RingCentral grants the 3600 s it asks for). */
const DEFAULT_EXPIRES_S = 3600;

export interface Registration {
  deviceId: string;
  userName: string;
  connection: SipConnection;
  contact: string;
  registeredAt: number;
  expiresAt: number;
}

export interface RegistrationView {
  deviceId: string;
  userName: string;
  remote: string;
  contact: string;
  registeredAt: string;
  expiresAt: string;
}

export class Registrar {
  /** By userName: the connection the server reaches that device over. */
  private readonly byUser = new Map<string, Registration>();

  constructor(
    private readonly directory: () => Directory,
    private readonly nonces: NonceBook,
    private readonly log: Logger,
  ) {}

  register(request: SipRequest, connection: SipConnection): OutgoingResponse {
    const toTag = randomBytes(6).toString('hex');
    const directory = this.directory();
    const outcome = authenticate(request, 'authorization', directory, this.nonces);
    if (outcome.kind === 'challenge') {
      return reply(request, 401, { toTag, headers: [['WWW-Authenticate', challenge(outcome.realm, this.nonces.issue())]] });
    }
    if (outcome.kind === 'forbidden') {
      this.log.info({ remote: connection.remote, reason: outcome.reason }, 'SIP REGISTER refused');
      return reply(request, 403, { toTag });
    }
    const { device } = outcome;
    const contact = request.headers.get('contact') ?? '';
    const expires = requestedExpires(request);
    if (expires === 0) {
      const existing = this.byUser.get(device.sip.userName);
      if (existing?.connection === connection) this.byUser.delete(device.sip.userName);
      return reply(request, 200, { toTag, headers: [['Contact', contact]] });
    }
    const now = Date.now();
    const previous = this.byUser.get(device.sip.userName);
    this.byUser.set(device.sip.userName, {
      deviceId: device.id,
      userName: device.sip.userName,
      connection,
      contact,
      registeredAt: previous?.connection === connection ? previous.registeredAt : now,
      expiresAt: now + expires * 1000,
    });
    if (device.status !== 'Online') directory.setDeviceStatus(device.id, 'Online');
    if (previous?.connection !== connection) this.log.info({ deviceId: device.id, remote: connection.remote }, 'SIP device registered');
    return reply(request, 200, {
      toTag,
      headers: [
        ['Contact', contact.includes('expires=') ? contact : `${contact};expires=${expires}`],
        ['Expires', expires],
        ['Allow', ALLOW],
      ],
    });
  }

  /** The open connections the device registered over. */
  connectionsOf(deviceId: string): SipConnection[] {
    return [...this.byUser.values()].filter((r) => r.deviceId === deviceId && r.connection.isOpen).map((r) => r.connection);
  }

  /** A connection closed: every registration over it is gone. */
  dropConnection(connection: SipConnection): void {
    for (const [user, registration] of this.byUser) if (registration.connection === connection) this.byUser.delete(user);
  }

  /** After a simulator reset: registrations whose device still exists mark it Online in the new directory. */
  reapply(): void {
    const directory = this.directory();
    for (const registration of this.byUser.values()) {
      const device = directory.device(registration.deviceId);
      if (device && device.sip.userName === registration.userName) directory.setDeviceStatus(device.id, 'Online');
    }
  }

  list(): RegistrationView[] {
    return [...this.byUser.values()].map((r) => ({
      deviceId: r.deviceId,
      userName: r.userName,
      remote: r.connection.remote,
      contact: r.contact,
      registeredAt: new Date(r.registeredAt).toISOString(),
      expiresAt: new Date(r.expiresAt).toISOString(),
    }));
  }
}

/** Expires from the header, or the Contact's `expires` parameter, or the default. */
function requestedExpires(request: SipRequest): number {
  const header = request.headers.get('expires');
  const param = /;\s*expires=(\d+)/i.exec(request.headers.get('contact') ?? '')?.[1];
  const value = Number(header ?? param ?? DEFAULT_EXPIRES_S);
  return Number.isFinite(value) && value >= 0 ? Math.min(value, DEFAULT_EXPIRES_S) : DEFAULT_EXPIRES_S;
}
