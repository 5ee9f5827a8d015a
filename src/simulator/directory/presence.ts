/**
 * Extension presence (GetPresenceInfo) computed from the directory and the calls in progress.
 * RingCentral reports Department (call queue) extensions as just `presenceStatus: Offline`, without
 * telephonyStatus, userStatus or dndStatus (API reference, readUserPresenceStatus).
 */
import type { ActiveCallView, SimUser } from './directory-types.ts';
import { isQueue, type SimExtension } from './extension-records.ts';
import type { RcLinks } from './rc-links.ts';

/** Where presence learns an extension's calls in progress (the call registry's `activeCallsFor`). */
export type ActiveCallsProvider = (extensionId: number) => ActiveCallView[];

export type TelephonyStatus = 'NoCall' | ActiveCallView['telephonyStatus'];

/** ActiveCallInfo. */
export interface ActiveCallRecord {
  id: string;
  direction: ActiveCallView['direction'];
  from: string;
  to: string;
  telephonyStatus: ActiveCallView['telephonyStatus'];
  telephonySessionId: string;
  partyId: string;
  startTime: string;
}

/** GetPresenceInfo (the fields the simulator models). */
export interface PresenceRecord {
  uri: string;
  extension: { id: number; uri: string; extensionNumber: string };
  presenceStatus: 'Offline' | 'Busy' | 'Available';
  userStatus?: 'Offline' | 'Available';
  dndStatus?: SimUser['dndStatus'];
  telephonyStatus?: TelephonyStatus;
  activeCalls?: ActiveCallRecord[];
}

/** The status a person shows with several calls: a connected call outranks ringing, ringing outranks hold. */
export function aggregateTelephonyStatus(calls: readonly ActiveCallView[]): TelephonyStatus {
  for (const status of ['CallConnected', 'Ringing', 'OnHold'] as const) {
    if (calls.some((call) => call.telephonyStatus === status)) return status;
  }
  return 'NoCall';
}

export function presenceRecord(
  links: RcLinks,
  extension: SimExtension,
  calls: readonly ActiveCallView[],
  detailed: boolean,
): PresenceRecord {
  const extensionUri = links.uri(links.extensionPath(extension.id));
  const base = {
    uri: `${extensionUri}/presence`,
    extension: { id: extension.id, uri: extensionUri, extensionNumber: extension.extensionNumber },
  };
  if (isQueue(extension)) return { ...base, presenceStatus: 'Offline' };

  const telephonyStatus = aggregateTelephonyStatus(calls);
  const presence: PresenceRecord = {
    ...base,
    // Being on a call makes a person Busy whatever they set; otherwise logged-in means Available.
    presenceStatus: telephonyStatus !== 'NoCall' ? 'Busy' : extension.online ? 'Available' : 'Offline',
    userStatus: extension.online ? 'Available' : 'Offline',
    dndStatus: extension.dndStatus,
    telephonyStatus,
  };
  if (detailed) presence.activeCalls = calls.map(activeCallRecord);
  return presence;
}

function activeCallRecord(call: ActiveCallView): ActiveCallRecord {
  // Copied field by field so nothing outside ActiveCallInfo leaks from the registry's view.
  return {
    id: call.id,
    direction: call.direction,
    from: call.from,
    to: call.to,
    telephonyStatus: call.telephonyStatus,
    telephonySessionId: call.telephonySessionId,
    partyId: call.partyId,
    startTime: call.startTime,
  };
}
