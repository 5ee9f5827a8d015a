/** The simulated RingCentral account's directory: users with devices and direct numbers, and call queues. */

export type DeviceType = 'OtherPhone' | 'SoftPhone' | 'HardPhone' | 'WebPhone';

export interface SimDevice {
  /** RingCentral device ids are digit strings. */
  id: string;
  type: DeviceType;
  status: 'Online' | 'Offline';
  name: string;
  extensionId: number;
  /** SIP credentials served by /device/{id}/sip-info (softphone lines, a later issue). */
  sip: { userName: string; password: string; authorizationId: string; domain: string };
}

export interface SimUser {
  /** Extension ids are int64 numbers in the directory APIs. */
  id: number;
  extensionNumber: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'Enabled' | 'Disabled' | 'NotActivated';
  /** E.164 direct number. */
  directNumber: string;
  devices: SimDevice[];
  dndStatus: 'TakeAllCalls' | 'DoNotAcceptDepartmentCalls' | 'TakeDepartmentCallsOnly' | 'DoNotAcceptAnyCalls';
  /** Whether the person is logged in somewhere (presenceStatus/userStatus Available vs Offline). */
  online: boolean;
  /** Seconds this person takes to pick up a call handed to them (model time). */
  answerDelaySeconds: number;
}

export interface SimQueue {
  /** Queue (Department extension) ids are numbers in /extension, strings in /call-queues (RingCentral's quirk). */
  id: number;
  extensionNumber: string;
  name: string;
  status: 'Enabled' | 'Disabled';
  memberIds: number[];
  /** Per member: accepts queue calls at all, and right now. */
  memberPresence: Record<number, { acceptQueueCalls: boolean; acceptCurrentQueueCalls: boolean }>;
  directNumber: string;
}

/** One active call as extension presence reports it. */
export interface ActiveCallView {
  id: string;
  direction: 'Inbound' | 'Outbound';
  from: string;
  to: string;
  telephonyStatus: 'Ringing' | 'CallConnected' | 'OnHold';
  telephonySessionId: string;
  partyId: string;
  startTime: string;
}

export interface Directory {
  readonly accountId: string;
  /** The main company number, E.164. */
  readonly mainNumber: string;
  /** The user the account's JWT logs in as (an admin). */
  owner(): SimUser;
  users(): readonly SimUser[];
  queues(): readonly SimQueue[];
  userById(id: number): SimUser | undefined;
  queueById(id: number): SimQueue | undefined;
  /** A user or queue by its extension number. */
  byExtensionNumber(extensionNumber: string): SimUser | SimQueue | undefined;
  device(deviceId: string): SimDevice | undefined;
  /** Control API: change a device's status, a user's DND or online state. */
  setDeviceStatus(deviceId: string, status: SimDevice['status']): void;
}
