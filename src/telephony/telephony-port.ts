/**
 * The Telephony port: everything the engine asks of the phone system. The RingCentral adapter implements it
 * with the official SDK (against RingCentral or our simulator); engine tests may use a fake in test/.
 */

/** RingCentral's request groups, and our priority among requests that compete for the same budget. */
export type ThrottleGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth';
/** `upkeep`: keeping the webhook subscription alive and repairing it; without it every hunt is deaf to call events. */
export type RequestPriority = 'transfer' | 'hangup' | 'upkeep' | 'dial' | 'sync';

export interface CallRef {
  telephonySessionId: string;
  /** Our party (the firm's extension side) in that session. */
  partyId: string;
}

/** RingCentral's party status code: Setup, Proceeding, Answered, Hold, Disconnected, Gone, Parked, VoiceMail, … */
export type PartyCode = string;

export interface PartyState {
  id: string;
  code: PartyCode;
  reason?: string;
  /** Set for parties of the firm's own extensions. */
  extensionId?: string;
  direction: 'Inbound' | 'Outbound';
}

/** What the phone system says about a session right now; `exists: false` once it is gone. */
export interface SessionState {
  telephonySessionId: string;
  exists: boolean;
  parties: PartyState[];
}

export type TransferTarget =
  | { kind: 'extension'; extensionNumber: string }
  | { kind: 'queue'; extensionNumber: string }
  | { kind: 'number'; phoneNumber: string };

export interface DirectoryExtension {
  id: string;
  extensionNumber: string;
  name: string;
  /** User, Department (a call queue), … */
  type: string;
  status: string;
  email?: string;
}

export interface DirectoryDevice {
  id: string;
  extensionId: string;
  type: string;
  /** Online or Offline. */
  status: string;
  name: string;
}

export interface DirectoryQueue {
  id: string;
  extensionNumber: string;
  name: string;
  status?: string;
}

export interface Presence {
  extensionId: string;
  telephonyStatus: string;
  dndStatus?: string;
  presenceStatus?: string;
  activeCalls: { telephonySessionId: string; partyId: string; direction: string }[];
}

export interface WebhookSubscription {
  id: string;
  /** Active or Blacklisted. */
  status: string;
  expirationTime: string;
  address: string;
  eventFilters: string[];
}

/** A refusal from the phone system, with RingCentral's error code and, for 429, how long to wait. */
export class TelephonyError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TelephonyError';
  }

  get rateLimited(): boolean {
    return this.status === 429;
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

/**
 * A placement dropped because its `proceed` check said no (the line was cancelled while the dial waited for the
 * rate budget or its device): nothing was sent to the phone system.
 */
export class PlacementWithdrawn extends Error {
  constructor() {
    super('placement withdrawn: the line is no longer to be dialled');
    this.name = 'PlacementWithdrawn';
  }
}

export interface SessionLookupOptions {
  wait?: boolean;
}

export interface PlaceCallRequest {
  deviceId: string;
  to: string;
  priority?: 'dial' | 'transfer';
  /**
   * Asked after every wait (rate budget, device registration) and right before the call goes out: false withdraws
   * the placement (PlacementWithdrawn), so a dial that waited past its line's cancellation never calls out.
   */
  proceed?: () => Promise<boolean>;
}

/** What a SIP device needs to register (`GET …/device/{deviceId}/sip-info`); `password` is a secret. */
export interface DeviceSipInfo {
  domain: string;
  /** host:port of the TLS outbound proxy. */
  outboundProxy: string;
  userName: string;
  password: string;
  authorizationId: string;
}

/** The REST side of softphone lines: credentials of an "Existing Phone" device. */
export interface SipInfoSource {
  sipInfo(deviceId: string): Promise<DeviceSipInfo>;
}

export interface Telephony {
  /**
   * Places a call from one of the firm's devices; `to` is E.164 (optionally with a DTMF postfix) or one of the
   * firm's extension numbers. The standby leg of a hand-off asks for transfer priority.
   */
  placeCall(request: PlaceCallRequest): Promise<CallRef>;
  /**
   * `wait: false` (the hunt loop's look-ups): never wait for the rate budget — when the group is blocked (a 429's
   * Retry-After) or spent, fail at once with a 429 TelephonyError, and do not retry a 429 reply.
   */
  getSession(telephonySessionId: string, options?: SessionLookupOptions): Promise<SessionState>;
  /** Blind transfer of our party to the firm's target. */
  transfer(call: CallRef, target: TransferTarget): Promise<void>;
  /** Joins the far ends of two calls (the standby bridge). */
  bridge(call: CallRef, standby: CallRef): Promise<void>;
  /** Ends the whole call; a call that is already gone counts as hung up. */
  hangup(telephonySessionId: string): Promise<void>;
  listExtensions(): Promise<DirectoryExtension[]>;
  listDevices(extensionId: string): Promise<DirectoryDevice[]>;
  listQueues(): Promise<DirectoryQueue[]>;
  presence(extensionId: string): Promise<Presence>;
  createSubscription(request: { address: string; verificationToken: string; eventFilters: string[]; expiresIn?: number }): Promise<WebhookSubscription>;
  getSubscription(id: string): Promise<WebhookSubscription | undefined>;
  renewSubscription(id: string): Promise<WebhookSubscription>;
  deleteSubscription(id: string): Promise<void>;
}
