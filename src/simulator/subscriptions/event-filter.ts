/**
 * Event filters as RingCentral accepts them in `eventFilters`: parsed, validated and normalised (`~` replaced by
 * real ids, the `/restapi/v1.0` prefix added when a legacy short form like `/account/~/extension/~/presence` is
 * given), and matched against telephony-session events.
 *
 * Only the telephony-session filters deliver. Presence and the subscription renewal reminder are accepted so a
 * product that subscribes to them is not refused, but nothing is sent for them (docs/simulator-webhooks.md).
 */
import { RcError } from '../rc-error.ts';
import type { SessionEvent } from '../telephony/session-event.ts';

export type EventFilterKind =
  | 'account-telephony-sessions'
  | 'extension-telephony-sessions'
  | 'extension-presence'
  | 'subscription-reminder';

export interface TelephonyFilterOptions {
  direction?: 'Inbound' | 'Outbound';
  missedCall?: boolean;
  phoneNumber?: string;
  statusCode?: string;
  /** "Allows to filter and return telephony sessions with recordings only": the simulator records nothing. */
  withRecordings?: boolean;
}

export interface EventFilter {
  kind: EventFilterKind;
  /** The filter as RingCentral echoes it: full path, real ids, the caller's query string kept as given. */
  normalized: string;
  /** Set for the extension-level kinds. */
  extensionId?: string;
  /** Query options that narrow which telephony events match. */
  options: TelephonyFilterOptions;
  /** Whether the simulator sends notifications for this filter. */
  delivers: boolean;
}

export interface FilterContext {
  accountId: string;
  /** The subscriber, substituted for `/extension/~`. */
  extensionId: string;
}

const STATUS_CODES = new Set([
  'Setup', 'Proceeding', 'Answered', 'Disconnected', 'Gone', 'Parked', 'Hold', 'VoiceMail', 'FaxReceive', 'Tds',
  'VoiceMailScreening',
]);
const BOOLEAN = new Set(['true', 'false']);
// Query options per kind and how to check a value (docs event-filters; presence options from the presence guide).
const TELEPHONY_QUERY: Record<string, (v: string) => boolean> = {
  direction: (v) => v === 'Inbound' || v === 'Outbound',
  missedCall: (v) => BOOLEAN.has(v),
  phoneNumber: (v) => /^\+[1-9]\d{1,14}$/.test(v),
  statusCode: (v) => STATUS_CODES.has(v),
  sipData: (v) => BOOLEAN.has(v),
  withRecordings: (v) => BOOLEAN.has(v),
};
const PRESENCE_QUERY: Record<string, (v: string) => boolean> = {
  detailedTelephonyState: (v) => BOOLEAN.has(v),
  sipData: (v) => BOOLEAN.has(v),
  totalActiveCalls: (v) => BOOLEAN.has(v),
  aggregated: (v) => BOOLEAN.has(v),
};
const REMINDER_QUERY: Record<string, (v: string) => boolean> = {
  threshold: (v) => /^\d+$/.test(v),
  interval: (v) => /^\d+$/.test(v),
};

const ID = '(~|\\d+)';
const PREFIX = '^(?:/restapi/v1\\.0)?';
const ACCOUNT_TELEPHONY = new RegExp(`${PREFIX}/account/${ID}/telephony/sessions/?$`);
const EXTENSION_TELEPHONY = new RegExp(`${PREFIX}/account/${ID}/extension/${ID}/telephony/sessions/?$`);
const EXTENSION_PRESENCE = new RegExp(`${PREFIX}/account/${ID}/extension/${ID}/presence/?$`);
const REMINDER = new RegExp(`${PREFIX}/subscription/~/?$`);

/** SUB-508: a filter path RingCentral does not know (errors.md). */
export function invalidEventFilters(filters: readonly string[]): RcError {
  return new RcError(400, 'SUB-508', `Invalid event filters: [${filters.join(', ')}]`, {
    parameterName: 'eventFilters',
  });
}

/** CMN-101 on eventFilters: a known path with a query option it does not take (seen on RC, ringcentral-js#40). */
function invalidFilterValue(filter: string): RcError {
  return new RcError(400, 'CMN-101', 'Parameter [eventFilters] value is invalid', {
    parameterName: 'eventFilters',
    parameterValue: filter,
  });
}

export function parseEventFilter(raw: string, ctx: FilterContext): EventFilter {
  const trimmed = raw.trim();
  const q = trimmed.indexOf('?');
  const path = q === -1 ? trimmed : trimmed.slice(0, q);
  const query = q === -1 ? '' : trimmed.slice(q + 1);
  const suffix = query ? `?${query}` : '';

  let match = EXTENSION_TELEPHONY.exec(path);
  if (match) {
    const accountId = account(match[1], ctx, raw);
    const extensionId = extension(match[2], ctx);
    return {
      kind: 'extension-telephony-sessions',
      normalized: `/restapi/v1.0/account/${accountId}/extension/${extensionId}/telephony/sessions${suffix}`,
      extensionId,
      options: telephonyOptions(parseQuery(query, TELEPHONY_QUERY, raw)),
      delivers: true,
    };
  }
  match = ACCOUNT_TELEPHONY.exec(path);
  if (match) {
    const accountId = account(match[1], ctx, raw);
    return {
      kind: 'account-telephony-sessions',
      normalized: `/restapi/v1.0/account/${accountId}/telephony/sessions${suffix}`,
      options: telephonyOptions(parseQuery(query, TELEPHONY_QUERY, raw)),
      delivers: true,
    };
  }
  match = EXTENSION_PRESENCE.exec(path);
  if (match) {
    const accountId = account(match[1], ctx, raw);
    const extensionId = extension(match[2], ctx);
    parseQuery(query, PRESENCE_QUERY, raw);
    return {
      kind: 'extension-presence',
      normalized: `/restapi/v1.0/account/${accountId}/extension/${extensionId}/presence${suffix}`,
      extensionId,
      options: {},
      delivers: false,
    };
  }
  if (REMINDER.test(path)) {
    parseQuery(query, REMINDER_QUERY, raw);
    return { kind: 'subscription-reminder', normalized: `/restapi/v1.0/subscription/~${suffix}`, options: {}, delivers: false };
  }
  throw invalidEventFilters([raw]);
}

/** Parses every filter; unknown paths are reported together, as SUB-508 lists them. */
export function parseEventFilters(raw: readonly string[], ctx: FilterContext): EventFilter[] {
  const unknown: string[] = [];
  const parsed: EventFilter[] = [];
  for (const filter of raw) {
    try {
      parsed.push(parseEventFilter(filter, ctx));
    } catch (err) {
      if (err instanceof RcError && err.errorCode === 'SUB-508') unknown.push(filter);
      else throw err;
    }
  }
  if (unknown.length > 0) throw invalidEventFilters(unknown);
  return parsed;
}

/** Whether a telephony event reaches a subscriber through this filter. */
export function matchesEvent(filter: EventFilter, event: SessionEvent, accountId: string): boolean {
  const party = event.party;
  if (filter.kind === 'account-telephony-sessions') {
    if (party.accountId !== accountId) return false;
  } else if (filter.kind === 'extension-telephony-sessions') {
    if (party.extensionId === undefined || party.extensionId !== filter.extensionId) return false;
  } else {
    return false;
  }
  const o = filter.options;
  if (o.withRecordings === true) return false;
  if (o.direction !== undefined && party.direction !== o.direction) return false;
  if (o.missedCall !== undefined && party.missedCall !== o.missedCall) return false;
  if (o.statusCode !== undefined && party.status.code !== o.statusCode) return false;
  if (o.phoneNumber !== undefined && party.from.phoneNumber !== o.phoneNumber && party.to.phoneNumber !== o.phoneNumber) {
    return false;
  }
  return true;
}

function account(segment: string | undefined, ctx: FilterContext, raw: string): string {
  if (segment === '~' || segment === ctx.accountId) return ctx.accountId;
  // Another account's events are refused outright (errors.md SUB-406).
  throw new RcError(403, 'SUB-406', 'Not allowed subscribe for events to extensions of other account', {
    parameterName: 'eventFilters',
    parameterValue: raw,
  });
}

function extension(segment: string | undefined, ctx: FilterContext): string {
  return segment === undefined || segment === '~' ? ctx.extensionId : segment;
}

function parseQuery(query: string, allowed: Record<string, (v: string) => boolean>, raw: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!query) return out;
  for (const [name, value] of new URLSearchParams(query)) {
    const check = allowed[name];
    // One value per option ("statusCode (one per filter)"), and only the options the filter documents.
    if (!check || !check(value) || out.has(name)) throw invalidFilterValue(raw);
    out.set(name, value);
  }
  return out;
}

function telephonyOptions(query: Map<string, string>): TelephonyFilterOptions {
  const options: TelephonyFilterOptions = {};
  const direction = query.get('direction');
  if (direction === 'Inbound' || direction === 'Outbound') options.direction = direction;
  const missed = query.get('missedCall');
  if (missed !== undefined) options.missedCall = missed === 'true';
  const phone = query.get('phoneNumber');
  if (phone !== undefined) options.phoneNumber = phone;
  const status = query.get('statusCode');
  if (status !== undefined) options.statusCode = status;
  const recordings = query.get('withRecordings');
  if (recordings !== undefined) options.withRecordings = recordings === 'true';
  // sipData is accepted but adds nothing: the simulator has no SIP data to report.
  return options;
}
