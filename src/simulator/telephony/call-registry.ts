/**
 * Every simulated telephony session of the account, and the call-control actions on them. The IRS line model
 * drives the far end of calls to outside numbers; firm targets (extensions, queues) answer after their delay.
 * Status changes follow RingCentral's captured call-out stream (research/ringcentral.md §4).
 */
import type { Logger } from 'pino';
import type { SimClock } from '../sim-clock.ts';
import type { Random } from '../random.ts';
import type { ActiveCallView, Directory } from '../directory/directory-types.ts';
import type { LineEvent, LineModel } from '../line/index.ts';
import type { SessionEventSink, SessionOrigin } from './session-event.ts';
import { RcError, invalidParameter, missingParameter, notFound, wrongState } from '../rc-error.ts';
import { isLive } from './call-party.ts';
import type { SimParty } from './call-party.ts';
import { SimSession } from './sim-session.ts';
import { externalTarget, targetByExtensionId, targetByExtensionNumber, targetByPhoneNumber } from './firm-target.ts';
import type { FirmTarget } from './firm-target.ts';
import { parseDialString } from './dial-string.ts';

/** One call to place: from a device of the account to an outside number or an extension/queue number. */
export interface PlaceCallRequest {
  deviceId: string;
  phoneNumber?: string;
  extensionNumber?: string;
  /** `CallOut` for the REST call-out; `Call` for a call the device dialled itself (a SIP INVITE). */
  origin: SessionOrigin;
}

export interface CallRegistryDeps {
  clock: SimClock;
  directory: Directory;
  line: LineModel;
  sink: SessionEventSink;
  random: Random;
  log: Logger;
}

/**
 * Wall ms for the caller's device to pick up its leg of a call-out (a softphone auto-answers). A call the device
 * itself places over SIP has no such leg: the far end is dialled at once.
 */
const DEVICE_ANSWER_MS = 300;
/** Model seconds a firm target rings before the call gives up on it. */
const FIRM_RING_TIMEOUT_SECONDS = 60;
/** Wall ms between DTMF postfix pauses (`,`), the usual dial-string convention. */
const PAUSE_MS = 2000;
const ACTIVE_STATUS: Record<string, ActiveCallView['telephonyStatus']> = {
  Setup: 'Ringing',
  Proceeding: 'Ringing',
  Answered: 'CallConnected',
  Hold: 'OnHold',
};

function asRecord(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) throw missingParameter(name);
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(name);
  return value as Record<string, unknown>;
}

function optionalString(record: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalidParameter(path, value);
  return value.trim();
}

export class CallRegistry {
  private readonly sessions = new Map<string, SimSession>();

  constructor(private readonly deps: CallRegistryDeps) {}

  all(): SimSession[] {
    return [...this.sessions.values()];
  }

  /** Any session ever placed, ended or not (control API). */
  find(telephonySessionId: string): SimSession | undefined {
    return this.sessions.get(telephonySessionId);
  }

  /** A session call control may act on: ended sessions are gone, as on RingCentral. */
  live(telephonySessionId: string): SimSession {
    const session = this.sessions.get(telephonySessionId);
    if (!session || session.ended) throw notFound('telephonySessionId', telephonySessionId);
    return session;
  }

  liveParty(telephonySessionId: string, partyId: string): { session: SimSession; party: SimParty } {
    const session = this.live(telephonySessionId);
    const party = session.party(partyId);
    if (!party) throw notFound('partyId', partyId);
    return { session, party };
  }

  /** POST /telephony/call-out: RingCentral rings the device first, then dials `to`. */
  callOut(body: unknown): SimSession {
    const request = asRecord(body, 'body');
    const from = asRecord(request.from, 'from');
    const to = asRecord(request.to, 'to');
    const deviceId = optionalString(from, 'deviceId', 'from.deviceId');
    if (!deviceId) throw missingParameter('from.deviceId');
    const phoneNumber = optionalString(to, 'phoneNumber', 'to.phoneNumber');
    const extensionNumber = optionalString(to, 'extensionNumber', 'to.extensionNumber');
    return this.place({
      deviceId,
      ...(phoneNumber ? { phoneNumber } : {}),
      ...(extensionNumber ? { extensionNumber } : {}),
      origin: 'CallOut',
    });
  }

  /**
   * Places a call from one of the account's devices: the one path behind both a REST call-out and an INVITE
   * from a registered SIP device, so both produce the same parties, events and line behaviour.
   */
  place(request: PlaceCallRequest): SimSession {
    const { deviceId } = request;
    const device = this.deps.directory.device(deviceId);
    if (!device) throw notFound('from.deviceId', deviceId);
    // Only a registered (online) softphone/hardphone can start a call-out (API reference, from.deviceId).
    if (device.status !== 'Online' || device.type === 'WebPhone') {
      throw new RcError(400, 'CMN-101', `Parameter [from.deviceId] value is invalid: device [${deviceId}] is not online`, {
        parameterName: 'from.deviceId',
        parameterValue: deviceId,
      });
    }
    const caller = this.deps.directory.userById(device.extensionId);
    if (!caller) throw notFound('from.deviceId', deviceId);

    const toNumber = request.phoneNumber;
    const toExtension = request.extensionNumber;
    if (!toNumber && !toExtension) throw missingParameter('to.phoneNumber');

    const hex = this.deps.random.hex(32);
    const session = new SimSession(
      `s-${hex}`,
      this.deps.random.digits(12),
      '10.13.22.243.TAM',
      new Date(this.deps.clock.now()).toISOString(),
      deviceId,
      caller.id,
      this.deps.sink,
      () => this.deps.clock.now(),
      request.origin,
    );
    this.sessions.set(session.id, session);

    let firm: FirmTarget | undefined;
    let dial: ReturnType<typeof parseDialString> | undefined;
    if (toExtension) {
      firm = targetByExtensionNumber(this.deps.directory, toExtension);
    } else if (toNumber) {
      dial = parseDialString(toNumber);
      if (!dial) throw invalidParameter('to.phoneNumber', toNumber);
      firm = targetByPhoneNumber(this.deps.directory, dial.number);
    }
    const calleeEndpoint = firm?.endpoint ?? { phoneNumber: dial?.number ?? '' };
    const callerEndpoint = { phoneNumber: caller.directNumber, name: caller.name, extensionId: String(caller.id), deviceId };

    const callerParty: SimParty = {
      id: session.nextPartyId(),
      role: 'caller',
      direction: 'Outbound',
      accountId: this.deps.directory.accountId,
      extensionId: caller.id,
      from: callerEndpoint,
      to: firm ? { ...calleeEndpoint } : { phoneNumber: dial?.number ?? '' },
      status: { code: 'Setup' },
      muted: false,
      standAlone: false,
    };
    session.parties.push(callerParty);
    const farParty: SimParty = {
      id: session.nextPartyId(),
      role: firm ? 'firm' : 'far-end',
      direction: 'Inbound',
      accountId: this.deps.directory.accountId,
      ...(firm?.extensionId === undefined ? {} : { extensionId: firm.extensionId }),
      from: { phoneNumber: caller.directNumber, name: caller.name, extensionId: String(caller.id) },
      to: { ...calleeEndpoint },
      status: { code: 'Setup' },
      muted: false,
      standAlone: false,
    };
    session.parties.push(farParty);
    session.record('dialed', 'caller', { to: toExtension ?? toNumber, deviceId, extensionId: caller.id });
    session.announce(callerParty);

    session.track(
      this.deps.clock.setTimer(() => {
        if (session.ended) return;
        if (firm) {
          session.firm = firm;
          this.ringFirm(session, farParty, firm, callerParty);
        } else if (dial) {
          this.dialLine(session, farParty, callerParty, dial);
        }
      }, request.origin === 'CallOut' ? DEVICE_ANSWER_MS : 0),
    );
    return session;
  }

  private dialLine(session: SimSession, farParty: SimParty, callerParty: SimParty, dial: { number: string; postfix: string }): void {
    const line = this.deps.line.dial(session.id, dial.number);
    session.line = line;
    session.track(line.on((event) => this.onLineEvent(session, event, farParty, callerParty, dial.postfix)));
    session.track(() => line.callerHangup());
    line.start();
  }

  private onLineEvent(session: SimSession, event: LineEvent, farParty: SimParty, callerParty: SimParty, postfix: string): void {
    switch (event.type) {
      case 'proceeding':
        session.setStatus(farParty, 'Proceeding');
        session.setStatus(callerParty, 'Proceeding');
        return;
      case 'answered':
        session.setStatus(farParty, 'Answered');
        session.setStatus(callerParty, 'Answered');
        this.playPostfix(session, postfix);
        return;
      case 'busy':
        session.record('busy', 'irs');
        session.disconnectAll('far-end', 'TargetBusy');
        return;
      case 'no-answer':
        session.record('no-answer', 'irs');
        session.disconnectAll('far-end', 'NoAnswer');
        return;
      case 'hangup':
        session.record('hangup', 'irs', { reason: event.reason });
        this.endBridged(session);
        session.disconnectAll('far-end');
        return;
      default:
        return;
    }
  }

  /** Digits after the number in the dial string (`+18668604259,,1,,,,2`), each comma a 2 s pause. */
  private playPostfix(session: SimSession, postfix: string): void {
    let delay = 0;
    let digits = '';
    const flush = (at: number, keys: string): void => {
      if (!keys) return;
      session.track(this.deps.clock.setTimer(() => session.line?.sendDtmf(keys), at));
    };
    for (const char of postfix) {
      if (char === ',') {
        flush(delay, digits);
        digits = '';
        delay += PAUSE_MS;
      } else {
        digits += char;
      }
    }
    flush(delay, digits);
  }

  private ringFirm(session: SimSession, party: SimParty, target: FirmTarget, callerParty?: SimParty): void {
    session.setStatus(party, 'Proceeding');
    if (callerParty) session.setStatus(callerParty, 'Proceeding');
    const { clock } = this.deps;
    if (target.answerAfterSeconds === undefined) {
      session.track(
        clock.setTimer(() => {
          session.record('firm-no-answer', 'firm', { target: target.endpoint });
          session.setStatus(party, 'Disconnected', 'NoAnswer');
          if (callerParty) session.disconnectAll('firm', 'NoAnswer');
          else this.firmGaveUp(session);
        }, clock.toWall(FIRM_RING_TIMEOUT_SECONDS * 1000)),
      );
      return;
    }
    session.track(
      clock.setTimer(() => {
        session.setStatus(party, 'Answered');
        if (callerParty) session.setStatus(callerParty, 'Answered');
        session.record('firm-answered', 'firm', { target: target.endpoint });
        session.line?.firmAnswered();
      }, clock.toWall(target.answerAfterSeconds * 1000)),
    );
  }

  /** The transfer target never answered: the IRS party is left alone on the line until it hangs up. */
  private firmGaveUp(session: SimSession): void {
    session.record('transfer-unanswered', 'firm');
  }

  /**
   * DELETE /telephony/sessions/{id}: we hang up, the whole call drops. A SIP BYE, CANCEL or a lost connection of
   * the caller's device ends the call the same way (`detail` says which).
   */
  hangUp(telephonySessionId: string, detail?: Record<string, unknown>): void {
    const session = this.live(telephonySessionId);
    session.record('hangup', 'caller', detail);
    session.line?.callerHangup();
    this.endBridged(session);
    session.disconnectAll('caller');
  }

  /** DELETE …/parties/{partyId}: used to end a call; our party leaving ends a two-party call. */
  dropParty(telephonySessionId: string, partyId: string): void {
    const { session, party } = this.liveParty(telephonySessionId, partyId);
    if (!isLive(party)) throw wrongState();
    if (party.role === 'caller' || session.parties.filter(isLive).length <= 2) {
      this.hangUp(session.id);
      return;
    }
    session.record('party-dropped', 'caller', { partyId });
    session.setStatus(party, 'Disconnected');
  }

  hold(telephonySessionId: string, partyId: string): SimParty {
    const { session, party } = this.liveParty(telephonySessionId, partyId);
    if (party.status.code !== 'Answered' && party.status.code !== 'Hold') throw wrongState();
    if (party.status.code === 'Answered') {
      session.setStatus(party, 'Hold');
      session.record('hold', 'caller', { partyId });
    }
    return party;
  }

  unhold(telephonySessionId: string, partyId: string): SimParty {
    const { session, party } = this.liveParty(telephonySessionId, partyId);
    if (party.status.code !== 'Answered' && party.status.code !== 'Hold') throw wrongState();
    if (party.status.code === 'Hold') {
      session.setStatus(party, 'Answered');
      session.record('unhold', 'caller', { partyId });
    }
    return party;
  }

  /** PATCH …/parties/{partyId} with `{party: {muted?, standAlone?}}` (PartyUpdateRequest). */
  mute(telephonySessionId: string, partyId: string, body: unknown): SimParty {
    const { session, party } = this.liveParty(telephonySessionId, partyId);
    const request = asRecord(asRecord(body, 'body').party, 'party');
    for (const key of ['muted', 'standAlone'] as const) {
      const value = request[key];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') throw invalidParameter(`party.${key}`, value);
      party[key] = value;
    }
    session.announce(party);
    return party;
  }

  /**
   * POST …/transfer: blind transfer. Our party leaves (BlindTransfer); the IRS party is connected to the target,
   * which shows up as a new party that rings and then answers (or not).
   */
  transfer(telephonySessionId: string, partyId: string, body: unknown): SimParty {
    const { session, party } = this.liveParty(telephonySessionId, partyId);
    const request = asRecord(body, 'body');
    const keys = ['phoneNumber', 'extensionNumber', 'extensionId', 'voicemail', 'parkOrbit'].filter((k) => request[k] !== undefined);
    if (keys.length === 0) throw missingParameter('phoneNumber');
    if (keys.length > 1) throw invalidParameter(keys[1] as string, request[keys[1] as string]);
    const key = keys[0] as string;
    const value = optionalString(request, key, key) ?? '';
    if (party.status.code !== 'Answered' && party.status.code !== 'Hold') throw wrongState();
    if (key === 'voicemail' || key === 'parkOrbit') {
      throw new RcError(403, 'TAS-106', 'Operation is not allowed');
    }
    let target: FirmTarget;
    if (key === 'extensionNumber') target = targetByExtensionNumber(this.deps.directory, value);
    else if (key === 'extensionId') target = targetByExtensionId(this.deps.directory, value);
    else {
      const dial = parseDialString(value);
      if (!dial) throw invalidParameter('phoneNumber', value);
      target = targetByPhoneNumber(this.deps.directory, dial.number) ?? externalTarget(dial.number);
    }

    const remaining = session.parties.find((p) => p !== party && isLive(p));
    session.record('transfer-received', 'caller', { target: target.endpoint, partyId });
    session.setStatus(party, 'Disconnected', 'BlindTransfer');
    const firmParty: SimParty = {
      id: session.nextPartyId(),
      role: 'firm',
      direction: 'Inbound',
      accountId: this.deps.directory.accountId,
      ...(target.extensionId === undefined ? {} : { extensionId: target.extensionId }),
      from: { ...(remaining?.to ?? {}) },
      to: { ...target.endpoint },
      status: { code: 'Setup' },
      muted: false,
      standAlone: false,
    };
    session.parties.push(firmParty);
    session.firm = target;
    session.line?.transfer(target.endpoint.extensionNumber ?? target.endpoint.phoneNumber ?? '');
    this.ringFirm(session, firmParty, target);
    return party;
  }

  /**
   * POST …/bridge: warm transfer. The far ends of the two sessions are joined; our parties in both leave
   * (`Gone`, with the peer named). Used by the standby bridge: the firm's leg is already answered.
   */
  bridge(telephonySessionId: string, partyId: string, body: unknown): SimParty {
    const { session, party } = this.liveParty(telephonySessionId, partyId);
    const request = asRecord(body, 'body');
    const otherSessionId = optionalString(request, 'telephonySessionId', 'telephonySessionId');
    const otherPartyId = optionalString(request, 'partyId', 'partyId');
    if (!otherSessionId) throw missingParameter('telephonySessionId');
    if (!otherPartyId) throw missingParameter('partyId');
    const other = this.liveParty(otherSessionId, otherPartyId);
    if (other.session === session) throw invalidParameter('telephonySessionId', otherSessionId);
    for (const p of [party, other.party]) {
      if (p.status.code !== 'Answered' && p.status.code !== 'Hold') throw wrongState();
    }
    const otherFar = other.session.parties.find((p) => p !== other.party && isLive(p));
    const thisFar = session.parties.find((p) => p !== party && isLive(p));
    if (!otherFar || !thisFar) throw wrongState();

    session.bridgedWith = other.session;
    other.session.bridgedWith = session;
    session.record('transfer-received', 'caller', { bridge: other.session.id, target: otherFar.to });
    other.session.record('bridged', 'caller', { with: session.id });
    party.status = { code: 'Gone', reason: 'AttendedTransfer', peerId: peer(other.session, otherFar) };
    other.party.status = { code: 'Gone', reason: 'AttendedTransfer', peerId: peer(session, thisFar) };
    session.announce(party);
    other.session.announce(other.party);
    const firmReady = otherFar.status.code === 'Answered';
    const irs = session.line ?? other.session.line;
    irs?.transfer(otherFar.to.extensionNumber ?? otherFar.to.phoneNumber ?? '');
    if (firmReady) irs?.firmAnswered();
    return party;
  }

  /** When one side of a bridged pair hangs up, the other side's far end is dropped too. */
  private endBridged(session: SimSession): void {
    const other = session.bridgedWith;
    if (!other || other.ended) return;
    session.bridgedWith = undefined;
    other.bridgedWith = undefined;
    other.record('hangup', 'simulator', { reason: 'bridged peer left', peer: session.id });
    other.line?.callerHangup();
    other.disconnectAll('far-end');
  }

  /**
   * The network answers busy before the far end is reached (a SIP fault hook): both parties end `TargetBusy`,
   * exactly as a busy IRS line does. Ignored once the far end has answered.
   */
  forceBusy(telephonySessionId: string): void {
    const session = this.live(telephonySessionId);
    if (session.parties.some((p) => p.status.code === 'Answered' || p.status.code === 'Hold')) return;
    session.record('busy', 'simulator', { forced: true });
    session.line?.callerHangup();
    session.disconnectAll('far-end', 'TargetBusy');
  }

  /** Calls an extension has now, for presence. */
  activeCallsFor(extensionId: number): ActiveCallView[] {
    const views: ActiveCallView[] = [];
    for (const session of this.sessions.values()) {
      if (session.ended) continue;
      for (const party of session.parties) {
        const status = ACTIVE_STATUS[party.status.code];
        if (party.extensionId !== extensionId || !status) continue;
        views.push({
          id: `${session.sessionId}-${party.id.slice(party.id.lastIndexOf('-') + 1)}`,
          direction: party.direction,
          from: party.from.phoneNumber ?? party.from.extensionNumber ?? '',
          to: party.to.phoneNumber ?? party.to.extensionNumber ?? '',
          telephonyStatus: status,
          telephonySessionId: session.id,
          partyId: party.id,
          startTime: session.creationTime,
        });
      }
    }
    return views;
  }

  /** Stops every timer and line (simulator shutdown or reset); no notifications are sent. */
  close(): void {
    for (const session of this.sessions.values()) {
      session.line?.callerHangup();
      session.abandon();
    }
  }
}

function peer(session: SimSession, party: SimParty): { sessionId: string; telephonySessionId: string; partyId: string } {
  return { sessionId: session.sessionId, telephonySessionId: session.id, partyId: party.id };
}
