/**
 * The seeded account directory: a tax firm's staff (User extensions 101..) with their phones, and its call
 * queues (Department extensions 801..). Everything is drawn from Random streams derived from the seed, so a
 * seed always yields the same ids, names, numbers and availability.
 */
import { Random } from '../random.ts';
import { notFound } from '../rc-error.ts';
import type { Directory, SimDevice, SimQueue, SimUser } from './directory-types.ts';
import { EMAIL_DOMAIN, FIRST_NAMES, HARD_PHONE_NAMES, LAST_NAMES, QUEUE_NAMES } from './seed-names.ts';

export interface DirectoryOptions {
  /** User extensions, numbered from 101 (default 100, at most 500). */
  userCount?: number;
  /** Call queues, numbered from 801 (default 47, at most 199). */
  queueCount?: number;
}

export const SIM_ACCOUNT_ID = '400111222333';
/** Numbers are all in the 555-01xx block, which North American numbering keeps fictional. */
export const SIM_MAIN_NUMBER = '+12125550100';
const USER_AREA_CODES = ['646', '917', '332', '929', '347'];
const QUEUE_AREA_CODES = ['718', '680'];
const SIP_DOMAIN = 'sip.ringcentral.com';

export function createDirectory(seed: number | string, opts: DirectoryOptions = {}): Directory {
  const userCount = opts.userCount ?? 100;
  const queueCount = opts.queueCount ?? 47;
  if (!Number.isInteger(userCount) || userCount < 1 || userCount > 500) {
    throw new Error(`userCount must be 1..500, got ${userCount}`);
  }
  if (!Number.isInteger(queueCount) || queueCount < 0 || queueCount > 199) {
    throw new Error(`queueCount must be 0..199, got ${queueCount}`);
  }
  const ids = new UniqueIds(Random.derive(seed, 'directory', 'ids'));
  const users = seedUsers(Random.derive(seed, 'directory', 'users'), ids, userCount);
  const queues = seedQueues(Random.derive(seed, 'directory', 'queues'), ids, users, queueCount);
  return new SeededDirectory(users, queues);
}

class SeededDirectory implements Directory {
  readonly accountId = SIM_ACCOUNT_ID;
  readonly mainNumber = SIM_MAIN_NUMBER;
  private readonly usersById = new Map<number, SimUser>();
  private readonly queuesById = new Map<number, SimQueue>();
  private readonly byNumber = new Map<string, SimUser | SimQueue>();
  private readonly devices = new Map<string, SimDevice>();

  constructor(
    private readonly userList: SimUser[],
    private readonly queueList: SimQueue[],
  ) {
    for (const user of userList) {
      this.usersById.set(user.id, user);
      this.byNumber.set(user.extensionNumber, user);
      for (const device of user.devices) this.devices.set(device.id, device);
    }
    for (const queue of queueList) {
      this.queuesById.set(queue.id, queue);
      this.byNumber.set(queue.extensionNumber, queue);
    }
  }

  owner(): SimUser {
    return this.userList[0] as SimUser;
  }

  users(): readonly SimUser[] {
    return this.userList;
  }

  queues(): readonly SimQueue[] {
    return this.queueList;
  }

  userById(id: number): SimUser | undefined {
    return this.usersById.get(id);
  }

  queueById(id: number): SimQueue | undefined {
    return this.queuesById.get(id);
  }

  byExtensionNumber(extensionNumber: string): SimUser | SimQueue | undefined {
    return this.byNumber.get(extensionNumber);
  }

  device(deviceId: string): SimDevice | undefined {
    return this.devices.get(deviceId);
  }

  setDeviceStatus(deviceId: string, status: SimDevice['status']): void {
    const device = this.devices.get(deviceId);
    if (!device) throw notFound('deviceId', deviceId);
    device.status = status;
  }
}

/** Extension ids look like RingCentral's (…008 suffix, int64-safe); device ids are 12-digit strings. */
class UniqueIds {
  private readonly used = new Set<string>();

  constructor(private readonly random: Random) {}

  extension(): number {
    return Number(this.fresh(() => `62${this.random.digits(6)}008`));
  }

  device(): string {
    return this.fresh(() => `80${this.random.digits(10)}`);
  }

  private fresh(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }
}

function fictionalNumber(areaCodes: readonly string[], index: number): string {
  const area = areaCodes[Math.floor(index / 100)];
  if (area === undefined) throw new Error(`no fictional number block left for index ${index}`);
  return `+1${area}5550${100 + (index % 100)}`;
}

function seedUsers(random: Random, ids: UniqueIds, count: number): SimUser[] {
  const takenNames = new Set<string>();
  const users: SimUser[] = [];
  for (let i = 0; i < count; i++) {
    const isOwner = i === 0;
    let first: string;
    let last: string;
    do {
      first = random.pick(FIRST_NAMES);
      last = random.pick(LAST_NAMES);
      // 500 users at most against 1280 name pairs: this always finds a free pair quickly.
    } while (takenNames.has(`${first} ${last}`));
    takenNames.add(`${first} ${last}`);

    // The owner logs the app in and places the calls, so it is always reachable.
    const status: SimUser['status'] = isOwner || !random.chance(0.03) ? 'Enabled' : 'NotActivated';
    const online = isOwner || (status === 'Enabled' && random.chance(0.92));
    const id = ids.extension();
    const directNumber = fictionalNumber(USER_AREA_CODES, i);
    const user: SimUser = {
      id,
      extensionNumber: String(101 + i),
      name: `${first} ${last}`,
      firstName: first,
      lastName: last,
      email: `${emailPart(first)}.${emailPart(last)}@${EMAIL_DOMAIN}`,
      status,
      directNumber,
      devices: [],
      dndStatus: isOwner ? 'TakeAllCalls' : pickDnd(random),
      online,
      answerDelaySeconds: random.int(2, 15),
    };
    user.devices = seedDevices(random, ids, user, isOwner);
    users.push(user);
  }
  return users;
}

function seedDevices(random: Random, ids: UniqueIds, user: SimUser, isOwner: boolean): SimDevice[] {
  const digits = user.directNumber.replace(/^\+/, '');
  const sip = (userName: string): SimDevice['sip'] => ({
    userName,
    password: random.hex(12),
    authorizationId: random.digits(10),
    domain: SIP_DOMAIN,
  });
  const existingId = ids.device();
  // "Existing Phone" is the device type a server softphone registers as, so every user has one.
  const devices: SimDevice[] = [
    {
      id: existingId,
      type: 'OtherPhone',
      status: isOwner || (user.online && random.chance(0.93)) ? 'Online' : 'Offline',
      name: 'Existing Phone',
      extensionId: user.id,
      sip: sip(digits),
    },
  ];
  if (random.chance(0.4)) {
    const soft = random.chance(0.6);
    const id = ids.device();
    devices.push({
      id,
      type: soft ? 'SoftPhone' : 'HardPhone',
      status: user.online && random.chance(0.7) ? 'Online' : 'Offline',
      name: soft ? 'RingCentral Phone Desktop' : random.pick(HARD_PHONE_NAMES),
      extensionId: user.id,
      // A second device has no number of its own here; RingCentral would give it a line, we reuse its id.
      sip: sip(id),
    });
  }
  return devices;
}

function pickDnd(random: Random): SimUser['dndStatus'] {
  const roll = random.next();
  if (roll < 0.85) return 'TakeAllCalls';
  if (roll < 0.92) return 'DoNotAcceptDepartmentCalls';
  if (roll < 0.96) return 'TakeDepartmentCallsOnly';
  return 'DoNotAcceptAnyCalls';
}

function emailPart(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '');
}

function seedQueues(random: Random, ids: UniqueIds, users: readonly SimUser[], count: number): SimQueue[] {
  // The owner is the line the app dials out on, not a person who answers queue calls.
  const eligible = users.filter((user, index) => index > 0 && user.status === 'Enabled');
  const queues: SimQueue[] = [];
  for (let j = 0; j < count; j++) {
    const base = QUEUE_NAMES[j % QUEUE_NAMES.length] as string;
    const round = Math.floor(j / QUEUE_NAMES.length);
    const members = sample(random, eligible, random.int(2, 8)).sort(
      (a, b) => Number(a.extensionNumber) - Number(b.extensionNumber),
    );
    const memberPresence: SimQueue['memberPresence'] = {};
    for (const member of members) {
      const acceptQueueCalls = random.chance(0.9);
      memberPresence[member.id] = {
        acceptQueueCalls,
        // Available for this queue right now: opted in, logged in, and DND lets department calls through.
        acceptCurrentQueueCalls:
          acceptQueueCalls &&
          member.online &&
          (member.dndStatus === 'TakeAllCalls' || member.dndStatus === 'TakeDepartmentCallsOnly'),
      };
    }
    queues.push({
      id: ids.extension(),
      extensionNumber: String(801 + j),
      name: round === 0 ? base : `${base} ${round + 1}`,
      status: 'Enabled',
      memberIds: members.map((member) => member.id),
      memberPresence,
      directNumber: fictionalNumber(QUEUE_AREA_CODES, j),
    });
  }
  return queues;
}

/** `count` distinct items (partial Fisher–Yates on a copy). */
function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = random.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n);
}
