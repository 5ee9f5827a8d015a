/**
 * Directory entries as the extension APIs render them: GetExtensionListInfoResponse records,
 * GetExtensionInfoResponse, and DeviceResource. Only fields the schemas define; ids are int64 numbers here.
 */
import type { SimDevice, SimQueue, SimUser } from './directory-types.ts';
import type { RcLinks } from './rc-links.ts';

export type SimExtension = SimUser | SimQueue;

export function isQueue(extension: SimExtension): extension is SimQueue {
  return 'memberIds' in extension;
}

export interface ExtensionContact {
  firstName: string;
  lastName?: string;
  email?: string;
  businessPhone?: string;
}

/** GetExtensionListInfoResponse (the subset the simulator knows). */
export interface ExtensionListRecord {
  uri: string;
  id: number;
  extensionNumber: string;
  name: string;
  /** Call queues are the legacy `Department` extension type. */
  type: 'User' | 'Department';
  status: SimUser['status'] | SimQueue['status'];
  contact: ExtensionContact;
  hidden: boolean;
}

/** GetExtensionInfoResponse (modest subset). */
export interface ExtensionInfo extends ExtensionListRecord {
  account: { id: string; uri: string };
  permissions?: { admin: { enabled: boolean } };
  setupWizardState?: 'Completed';
}

export function extensionRecord(links: RcLinks, extension: SimExtension): ExtensionListRecord {
  const queue = isQueue(extension);
  return {
    uri: links.uri(links.extensionPath(extension.id)),
    id: extension.id,
    extensionNumber: extension.extensionNumber,
    name: extension.name,
    type: queue ? 'Department' : 'User',
    status: extension.status,
    contact: queue
      ? { firstName: extension.name }
      : {
          firstName: extension.firstName,
          lastName: extension.lastName,
          email: extension.email,
          businessPhone: extension.directNumber,
        },
    hidden: false,
  };
}

export function extensionInfo(links: RcLinks, extension: SimExtension, isAdmin: boolean): ExtensionInfo {
  const record = extensionRecord(links, extension);
  const account = { id: links.accountId, uri: links.uri(links.accountPath()) };
  if (isQueue(extension)) return { ...record, account };
  return { ...record, account, permissions: { admin: { enabled: isAdmin } }, setupWizardState: 'Completed' };
}

/** DeviceResource. */
export interface DeviceRecord {
  id: string;
  uri: string;
  type: SimDevice['type'];
  name: string;
  status: SimDevice['status'];
  extension: { id: number; uri: string; extensionNumber: string };
}

export function deviceRecord(links: RcLinks, device: SimDevice, owner: SimUser): DeviceRecord {
  return {
    id: device.id,
    uri: links.uri(links.devicePath(device.id)),
    type: device.type,
    name: device.name,
    status: device.status,
    extension: {
      id: owner.id,
      uri: links.uri(links.extensionPath(owner.id)),
      extensionNumber: owner.extensionNumber,
    },
  };
}
