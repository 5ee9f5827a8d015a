/**
 * The firm's side of a hand-off: who picks up when a call is transferred or placed to one of the account's
 * extensions, a queue or an outside number, and how long they take (model time).
 */
import type { Directory, SimQueue, SimUser } from '../directory/directory-types.ts';
import type { Endpoint } from './call-party.ts';
import { notFound } from '../rc-error.ts';

export interface FirmTarget {
  kind: 'user' | 'queue' | 'external';
  /** The extension that receives the call (the queue itself for a queue). */
  extensionId?: number;
  endpoint: Endpoint;
  /** Model seconds until someone answers, or undefined when nobody will. */
  answerAfterSeconds?: number;
}

const EXTERNAL_ANSWER_SECONDS = 6;

function userAvailable(user: SimUser): boolean {
  return user.status === 'Enabled' && user.online && user.dndStatus !== 'DoNotAcceptAnyCalls';
}

function fromUser(user: SimUser): FirmTarget {
  return {
    kind: 'user',
    extensionId: user.id,
    endpoint: { extensionId: String(user.id), extensionNumber: user.extensionNumber, name: user.name, phoneNumber: user.directNumber },
    ...(userAvailable(user) ? { answerAfterSeconds: user.answerDelaySeconds } : {}),
  };
}

function fromQueue(queue: SimQueue, directory: Directory): FirmTarget {
  // A queue is answered by its quickest member who takes queue calls right now.
  const delays = queue.memberIds
    .filter((id) => queue.memberPresence[id]?.acceptCurrentQueueCalls)
    .map((id) => directory.userById(id))
    .filter((user): user is SimUser => user !== undefined && userAvailable(user))
    .map((user) => user.answerDelaySeconds);
  return {
    kind: 'queue',
    extensionId: queue.id,
    endpoint: { extensionId: String(queue.id), extensionNumber: queue.extensionNumber, name: queue.name, phoneNumber: queue.directNumber },
    ...(delays.length > 0 && queue.status === 'Enabled' ? { answerAfterSeconds: Math.min(...delays) } : {}),
  };
}

function isQueue(entry: SimUser | SimQueue): entry is SimQueue {
  return 'memberIds' in entry;
}

/** Resolves an extension number inside the account. */
export function targetByExtensionNumber(directory: Directory, extensionNumber: string): FirmTarget {
  const entry = directory.byExtensionNumber(extensionNumber);
  if (!entry) throw notFound('extensionNumber', extensionNumber);
  return isQueue(entry) ? fromQueue(entry, directory) : fromUser(entry);
}

export function targetByExtensionId(directory: Directory, extensionId: string): FirmTarget {
  const id = Number(extensionId);
  const user = Number.isSafeInteger(id) ? directory.userById(id) : undefined;
  if (user) return fromUser(user);
  const queue = Number.isSafeInteger(id) ? directory.queueById(id) : undefined;
  if (queue) return fromQueue(queue, directory);
  throw notFound('extensionId', extensionId);
}

/** A phone number: one of the account's own numbers, or an outside line that answers after a few seconds. */
export function targetByPhoneNumber(directory: Directory, phoneNumber: string): FirmTarget | undefined {
  const user = directory.users().find((u) => u.directNumber === phoneNumber);
  if (user) return fromUser(user);
  const queue = directory.queues().find((q) => q.directNumber === phoneNumber);
  if (queue) return fromQueue(queue, directory);
  return undefined;
}

export function externalTarget(phoneNumber: string): FirmTarget {
  return { kind: 'external', endpoint: { phoneNumber }, answerAfterSeconds: EXTERNAL_ANSWER_SECONDS };
}
