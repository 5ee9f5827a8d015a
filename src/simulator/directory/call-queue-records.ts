/**
 * Call queues as the call-queues APIs render them: CallQueueInfo / CallQueueDetails, CallQueueMemberInfo and
 * CallQueueMemberPresence. RingCentral's id quirk is kept on purpose: a queue id is a string here (a number
 * in /extension), a member is an int64 number in /members but a string in /presence.
 */
import type { SimQueue, SimUser } from './directory-types.ts';
import type { RcLinks } from './rc-links.ts';

/** CallQueueInfo. */
export interface CallQueueRecord {
  uri: string;
  id: string;
  extensionNumber: string;
  name: string;
  status: SimQueue['status'];
}

/** CallQueueDetails (CallQueueInfo plus details). */
export interface CallQueueDetailsRecord extends CallQueueRecord {
  editableMemberStatus: boolean;
}

/** CallQueueMemberInfo. */
export interface CallQueueMemberRecord {
  uri: string;
  id: number;
  extensionNumber: string;
}

/** CallQueueMemberPresence. */
export interface CallQueueMemberPresenceRecord {
  member: { id: string; name: string; extensionNumber: string };
  acceptQueueCalls: boolean;
  acceptCurrentQueueCalls: boolean;
}

export function callQueueRecord(links: RcLinks, queue: SimQueue): CallQueueRecord {
  return {
    uri: links.uri(links.callQueuePath(queue.id)),
    id: String(queue.id),
    extensionNumber: queue.extensionNumber,
    name: queue.name,
    status: queue.status,
  };
}

export function callQueueDetails(links: RcLinks, queue: SimQueue): CallQueueDetailsRecord {
  // Members may opt in and out of the queue themselves (acceptQueueCalls), as RingCentral's default allows.
  return { ...callQueueRecord(links, queue), editableMemberStatus: true };
}

export function callQueueMemberRecord(links: RcLinks, member: SimUser): CallQueueMemberRecord {
  return { uri: links.uri(links.extensionPath(member.id)), id: member.id, extensionNumber: member.extensionNumber };
}

export function callQueueMemberPresence(queue: SimQueue, member: SimUser): CallQueueMemberPresenceRecord {
  const presence = queue.memberPresence[member.id] ?? { acceptQueueCalls: false, acceptCurrentQueueCalls: false };
  return {
    member: { id: String(member.id), name: member.name, extensionNumber: member.extensionNumber },
    acceptQueueCalls: presence.acceptQueueCalls,
    acceptCurrentQueueCalls: presence.acceptCurrentQueueCalls,
  };
}
