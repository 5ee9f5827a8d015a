/**
 * One telephony session: its parties, the rising `sequence` of its notifications, and the session-level true
 * timeline the control API shows. Every status change goes through `setStatus`, so each one produces exactly one
 * notification carrying exactly one party, as RingCentral's stream does.
 */
import type { LineCall } from '../line/index.ts';
import type { SessionEventSink, SessionOrigin } from './session-event.ts';
import { isLive, notificationParty } from './call-party.ts';
import type { PartyStatusCode, SimParty } from './call-party.ts';
import type { FirmTarget } from './firm-target.ts';

export interface SessionTimelineEntry {
  at: number;
  event: string;
  by?: 'caller' | 'irs' | 'firm' | 'simulator';
  detail?: Record<string, unknown>;
}

export class SimSession {
  readonly parties: SimParty[] = [];
  readonly timeline: SessionTimelineEntry[] = [];
  sequence = 0;
  /** The IRS side, when the call went to an outside number. */
  line?: LineCall;
  /** The firm side, when the call was placed to (or handed to) one of the account's targets. */
  firm?: FirmTarget;
  /** A session whose far end was joined to this one's by a bridge. */
  bridgedWith?: SimSession;
  endedAt?: number;
  private readonly cancels: (() => void)[] = [];
  private readonly watchers = new Set<(party: SimParty) => void>();

  constructor(
    readonly id: string,
    readonly sessionId: string,
    readonly serverId: string,
    readonly creationTime: string,
    readonly callerDeviceId: string,
    readonly callerExtensionId: number,
    private readonly sink: SessionEventSink,
    private readonly now: () => number,
    readonly origin: SessionOrigin = 'CallOut',
  ) {}

  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  party(id: string): SimParty | undefined {
    return this.parties.find((p) => p.id === id);
  }

  role(role: SimParty['role']): SimParty | undefined {
    return this.parties.find((p) => p.role === role);
  }

  nextPartyId(): string {
    return `p-${this.id.slice(2)}-${this.parties.length + 1}`;
  }

  record(event: string, by?: SessionTimelineEntry['by'], detail?: Record<string, unknown>): void {
    this.timeline.push({ at: this.now(), event, ...(by ? { by } : {}), ...(detail ? { detail } : {}) });
  }

  /** Remembers a timer to cancel when the session ends. */
  track(cancel: () => void): void {
    this.cancels.push(cancel);
  }

  setStatus(party: SimParty, code: PartyStatusCode, reason?: string): void {
    if (!isLive(party)) return;
    party.status = { code, ...(reason ? { reason } : {}) };
    party.standAlone = code === 'Hold';
    this.announce(party);
    if (!this.parties.some(isLive)) this.finish();
  }

  /** Sends the party's current state as the session's next notification. */
  announce(party: SimParty): void {
    this.sequence += 1;
    this.sink.publish({
      telephonySessionId: this.id,
      sessionId: this.sessionId,
      serverId: this.serverId,
      origin: { type: this.origin },
      eventTime: new Date(this.now()).toISOString(),
      sequence: this.sequence,
      party: notificationParty(party),
    });
    for (const watcher of [...this.watchers]) watcher(party);
  }

  /**
   * Calls `watcher` after every announced party change, in order (the SIP side follows its caller party this way).
   * Returns the unwatch function. A watcher must not throw and must not change the session from inside the call.
   */
  watch(watcher: (party: SimParty) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Disconnects every live party, the side that hung up first (the order of RingCentral's captured stream). */
  disconnectAll(hungUpFirst: SimParty['role'], reason?: string): void {
    const order = [...this.parties].sort((a, b) => Number(b.role === hungUpFirst) - Number(a.role === hungUpFirst));
    for (const party of order) this.setStatus(party, 'Disconnected', reason);
  }

  /**
   * Ends the session without telling anyone (simulator reset or shutdown): every timer it started is cancelled,
   * so nothing it scheduled fires into the next run.
   */
  abandon(): void {
    this.finish();
  }

  private finish(): void {
    if (this.endedAt !== undefined) return;
    this.endedAt = this.now();
    for (const cancel of this.cancels.splice(0)) cancel();
  }
}
