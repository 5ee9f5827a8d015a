import { beforeEach, describe, expect, it } from 'vitest';
import type { SimQueue, SimUser } from '../../../src/simulator/directory/directory-types.ts';
import { RINGCENTRAL_DEFAULT_LIMITS } from '../../../src/simulator/rate-limit/rate-limiter.ts';
import { createHarness, expectSpec, PUBLIC_URL, relative, specGroup, type Harness } from './directory-harness.ts';

const ACCOUNT = '400111222333';
const BASE = `/restapi/v1.0/account/~`;

let h: Harness;
let owner: SimUser;
beforeEach(() => {
  h = createHarness();
  owner = h.directory.owner();
});

/** GET, check the body against the spec, return the reply. */
async function get(path: string) {
  const reply = await h.get(path);
  expectSpec(path, reply);
  return reply;
}

function otherUser(predicate: (user: SimUser) => boolean = () => true): SimUser {
  const user = h.directory.users().find((u) => u.id !== owner.id && predicate(u));
  if (!user) throw new Error('no such user in the seeded directory');
  return user;
}

function firstQueue(): SimQueue {
  return h.directory.queues()[0]!;
}

describe('auth and rate limits', () => {
  it('answers 401 AGW-401 without a token and OAU-129 with an unknown one', async () => {
    const missing = await h.get(`${BASE}/extension`, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body.errorCode).toBe('AGW-401');
    const unknown = await h.get(`${BASE}/extension/~`, { token: 'nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.errorCode).toBe('OAU-129');
    expectSpec(`${BASE}/extension`, missing);
  });

  it("counts every route in the spec's throttling group and sets the X-Rate-Limit headers", async () => {
    const queue = firstQueue();
    const paths = [
      `${BASE}/extension`,
      `${BASE}/extension/~`,
      `${BASE}/extension/~/device`,
      `${BASE}/extension/~/presence`,
      `${BASE}/call-queues`,
      `${BASE}/call-queues/${queue.id}`,
      `${BASE}/call-queues/${queue.id}/members`,
      `${BASE}/call-queues/${queue.id}/presence`,
      `${BASE}/device/${owner.devices[0]!.id}/sip-info`,
    ];
    for (const path of paths) {
      const reply = await get(path);
      expect(reply.status, path).toBe(200);
      expect(reply.headers.get('x-rate-limit-group'), path).toBe(specGroup(path)?.toLowerCase());
      expect(Number(reply.headers.get('x-rate-limit-limit')), path).toBeGreaterThan(0);
      expect(reply.headers.get('x-rate-limit-remaining'), path).not.toBeNull();
      expect(reply.headers.get('x-rate-limit-window'), path).toBe('60');
    }
  });

  it('keeps the rate-limit headers on a 404', async () => {
    const reply = await get(`${BASE}/extension/12345`);
    expect(reply.status).toBe(404);
    expect(reply.headers.get('x-rate-limit-group')).toBe('light');
  });

  it('refuses with 429 CMN-301 and Retry-After once the Medium budget is spent', async () => {
    h = createHarness({ limits: { ...RINGCENTRAL_DEFAULT_LIMITS, Medium: { limit: 2, windowSeconds: 60, penaltySeconds: 60 } } });
    expect((await h.get(`${BASE}/extension`)).status).toBe(200);
    expect((await h.get(`${BASE}/call-queues`)).status).toBe(200);
    const refused = await h.get(`${BASE}/extension`);
    expect(refused.status).toBe(429);
    expect(refused.body.errorCode).toBe('CMN-301');
    expect(refused.headers.get('retry-after')).toBe('60');
    // Light routes have their own budget.
    expect((await h.get(`${BASE}/extension/~`)).status).toBe(200);
  });
});

describe('GET /extension', () => {
  it('lists users and call queues (as Department) with paging and navigation', async () => {
    const reply = await get(`${BASE}/extension`);
    expect(reply.status).toBe(200);
    const { records, paging, navigation, uri } = reply.body;
    expect(records).toHaveLength(100);
    expect(paging).toEqual({ page: 1, totalPages: 2, perPage: 100, totalElements: 147, pageStart: 0, pageEnd: 99 });
    expect(uri).toBe(`${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension?page=1&perPage=100`);
    expect(navigation).toEqual({
      firstPage: { uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension?page=1&perPage=100` },
      nextPage: { uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension?page=2&perPage=100` },
      lastPage: { uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension?page=2&perPage=100` },
    });
  });

  it('renders a user record field by field, with an int64 id', async () => {
    const { records } = (await get(`${BASE}/extension?extensionNumber=101`)).body;
    expect(records).toEqual([
      {
        uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension/${owner.id}`,
        id: owner.id,
        extensionNumber: '101',
        name: owner.name,
        type: 'User',
        status: 'Enabled',
        contact: {
          firstName: owner.firstName,
          lastName: owner.lastName,
          email: owner.email,
          businessPhone: owner.directNumber,
        },
        hidden: false,
      },
    ]);
    expect(typeof records[0].id).toBe('number');
  });

  it('walks 147 records in 5 pages of 30 by following navigation.nextPage', async () => {
    const seen: number[] = [];
    let path: string | undefined = `${BASE}/extension?perPage=30`;
    const pagings: any[] = [];
    while (path) {
      const reply = await get(path);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.records.map((r: { id: number }) => r.id));
      pagings.push(reply.body.paging);
      const { navigation } = reply.body;
      expect(relative(navigation.firstPage.uri)).toBe(`/restapi/v1.0/account/${ACCOUNT}/extension?page=1&perPage=30`);
      expect(relative(navigation.lastPage.uri)).toBe(`/restapi/v1.0/account/${ACCOUNT}/extension?page=5&perPage=30`);
      path = navigation.nextPage ? relative(navigation.nextPage.uri) : undefined;
    }
    expect(pagings.map((p) => [p.page, p.pageStart, p.pageEnd])).toEqual([
      [1, 0, 29],
      [2, 30, 59],
      [3, 60, 89],
      [4, 90, 119],
      [5, 120, 146],
    ]);
    expect(pagings.every((p) => p.totalPages === 5 && p.totalElements === 147 && p.perPage === 30)).toBe(true);
    expect(new Set(seen).size).toBe(147);
  });

  it('links the previous page, and none past either end', async () => {
    const middle = (await get(`${BASE}/extension?perPage=30&page=3`)).body.navigation;
    expect(relative(middle.previousPage.uri)).toContain('page=2&perPage=30');
    expect(relative(middle.nextPage.uri)).toContain('page=4&perPage=30');
    const first = (await get(`${BASE}/extension?perPage=30`)).body.navigation;
    expect(first.previousPage).toBeUndefined();
    const last = (await get(`${BASE}/extension?perPage=30&page=5`)).body.navigation;
    expect(last.nextPage).toBeUndefined();
    expect(relative(last.previousPage.uri)).toContain('page=4&perPage=30');
  });

  it('answers a page past the end with no records and no page/pageStart/pageEnd', async () => {
    const reply = await get(`${BASE}/extension?perPage=30&page=9`);
    expect(reply.status).toBe(200);
    expect(reply.body.records).toEqual([]);
    expect(reply.body.paging).toEqual({ totalPages: 5, perPage: 30, totalElements: 147 });
    expect(Object.keys(reply.body.navigation)).toEqual(['firstPage', 'lastPage']);
  });

  it('keeps filters in the navigation links, ids real, page and perPage last', async () => {
    const reply = await get(`${BASE}/extension?type=User&perPage=30&status=Enabled`);
    expect(reply.body.navigation.nextPage.uri).toBe(
      `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension?type=User&status=Enabled&page=2&perPage=30`,
    );
    expect(reply.body.uri).toBe(
      `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension?type=User&status=Enabled&page=1&perPage=30`,
    );
  });

  it('filters by repeatable type', async () => {
    const departments = (await get(`${BASE}/extension?type=Department`)).body;
    expect(departments.records).toHaveLength(47);
    expect(departments.records.every((r: { type: string }) => r.type === 'Department')).toBe(true);
    expect(departments.records.map((r: { extensionNumber: string }) => r.extensionNumber)).toEqual(
      Array.from({ length: 47 }, (_, i) => String(801 + i)),
    );
    expect((await get(`${BASE}/extension?type=User`)).body.paging.totalElements).toBe(100);
    expect((await get(`${BASE}/extension?type=User&type=Department`)).body.paging.totalElements).toBe(147);
  });

  it('answers an empty filter result with one empty page', async () => {
    const reply = await get(`${BASE}/extension?type=IvrMenu`);
    expect(reply.body.records).toEqual([]);
    expect(reply.body.paging).toEqual({ page: 1, totalPages: 1, perPage: 100, totalElements: 0 });
  });

  it('filters by repeatable status and by extension number', async () => {
    const notActivated = h.directory.users().filter((u) => u.status === 'NotActivated').length;
    const reply = await get(`${BASE}/extension?status=NotActivated`);
    expect(reply.body.paging.totalElements).toBe(notActivated);
    const both = await get(`${BASE}/extension?status=NotActivated&status=Enabled`);
    expect(both.body.paging.totalElements).toBe(147);
    const queue = await get(`${BASE}/extension?extensionNumber=801`);
    expect(queue.body.records).toHaveLength(1);
    expect(queue.body.records[0]).toMatchObject({ type: 'Department', id: firstQueue().id, contact: { firstName: firstQueue().name } });
  });

  it('filters by repeatable email, case-insensitively', async () => {
    const a = otherUser();
    const reply = await get(`${BASE}/extension?email=${a.email.toUpperCase()}&email=${owner.email}`);
    expect(reply.body.records.map((r: { id: number }) => r.id).sort()).toEqual([a.id, owner.id].sort());
  });

  it('accepts the real account id as well as ~', async () => {
    const reply = await get(`/restapi/v1.0/account/${ACCOUNT}/extension?perPage=1`);
    expect(reply.status).toBe(200);
    expect(reply.body.records).toHaveLength(1);
  });

  it.each([
    ['perPage=abc', 'perPage'],
    ['perPage=0', 'perPage'],
    ['perPage=-5', 'perPage'],
    ['perPage=2.5', 'perPage'],
    ['page=0', 'page'],
    ['page=x', 'page'],
    ['type=Bogus', 'type'],
    ['status=Sleeping', 'status'],
  ])('answers 400 CMN-101 for %s', async (query, parameter) => {
    const reply = await get(`${BASE}/extension?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ errorCode: 'CMN-101', errors: [{ errorCode: 'CMN-101', parameterName: parameter }] });
  });

  it('cuts perPage above 1000 to 1000, as RingCentral does', async () => {
    const reply = await get(`${BASE}/extension?perPage=5000`);
    expect(reply.body.paging).toMatchObject({ perPage: 1000, totalPages: 1, pageEnd: 146 });
  });
});

describe('GET /extension/{id}', () => {
  it('resolves ~ to the logged-in user, an admin', async () => {
    const reply = await get(`${BASE}/extension/~`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: owner.id,
      uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension/${owner.id}`,
      extensionNumber: '101',
      type: 'User',
      status: 'Enabled',
      account: { id: ACCOUNT, uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}` },
      permissions: { admin: { enabled: true } },
    });
  });

  it('shows other users as non-admins and queues as Department extensions', async () => {
    const user = otherUser();
    expect((await get(`${BASE}/extension/${user.id}`)).body.permissions).toEqual({ admin: { enabled: false } });
    const queue = (await get(`${BASE}/extension/${firstQueue().id}`)).body;
    expect(queue).toMatchObject({ id: firstQueue().id, type: 'Department', extensionNumber: '801' });
    expect(queue.permissions).toBeUndefined();
  });

  it.each(['999', 'abc', '1,2', '-1'])('answers 404 CMN-102 for extension id %s', async (id) => {
    const reply = await get(`${BASE}/extension/${id}`);
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({
      errorCode: 'CMN-102',
      errors: [{ errorCode: 'CMN-102', parameterName: 'extensionId', parameterValue: id }],
    });
  });

  it('answers 404 CMN-102 accountId for a foreign account id, on every route', async () => {
    const queue = firstQueue();
    const tails = [
      'extension',
      'extension/~',
      'extension/~/device',
      'extension/~/presence',
      'call-queues',
      `call-queues/${queue.id}`,
      `call-queues/${queue.id}/members`,
      `call-queues/${queue.id}/presence`,
      `device/${owner.devices[0]!.id}/sip-info`,
    ];
    for (const tail of tails) {
      const reply = await get(`/restapi/v1.0/account/123/${tail}`);
      expect(reply.status, tail).toBe(404);
      expect(reply.body.errors[0], tail).toMatchObject({ parameterName: 'accountId', parameterValue: '123' });
    }
  });
});

describe('GET /extension/{id}/device', () => {
  it("lists the owner's devices, an online Existing Phone first", async () => {
    const reply = await get(`${BASE}/extension/~/device`);
    const { records, paging, navigation } = reply.body;
    expect(records).toHaveLength(owner.devices.length);
    expect(records[0]).toEqual({
      id: owner.devices[0]!.id,
      uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/device/${owner.devices[0]!.id}`,
      type: 'OtherPhone',
      name: 'Existing Phone',
      status: 'Online',
      extension: {
        id: owner.id,
        uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension/${owner.id}`,
        extensionNumber: '101',
      },
    });
    expect(typeof records[0].id).toBe('string');
    expect(typeof records[0].extension.id).toBe('number');
    expect(paging).toMatchObject({ page: 1, totalElements: owner.devices.length, pageStart: 0 });
    expect(relative(navigation.firstPage.uri)).toBe(`/restapi/v1.0/account/${ACCOUNT}/extension/${owner.id}/device?page=1&perPage=100`);
  });

  it('filters by device type', async () => {
    const user = otherUser((u) => u.devices.length === 2);
    const secondType = user.devices[1]!.type;
    const reply = await get(`${BASE}/extension/${user.id}/device?type=${secondType}`);
    expect(reply.body.records.map((r: { id: string }) => r.id)).toEqual([user.devices[1]!.id]);
    expect((await get(`${BASE}/extension/${user.id}/device?type=Nope`)).status).toBe(400);
  });

  it('reflects setDeviceStatus', async () => {
    h.directory.setDeviceStatus(owner.devices[0]!.id, 'Offline');
    expect((await get(`${BASE}/extension/~/device`)).body.records[0].status).toBe('Offline');
  });

  it('gives a call queue an empty device list', async () => {
    const reply = await get(`${BASE}/extension/${firstQueue().id}/device`);
    expect(reply.body.records).toEqual([]);
  });
});

describe('GET /extension/{id}/presence', () => {
  const call = {
    id: '429182699016-1',
    direction: 'Outbound' as const,
    from: '+16465550100',
    to: '+18005550100',
    telephonyStatus: 'CallConnected' as const,
    telephonySessionId: 's-c23b203d62db4f6aaee00717bafa99be',
    partyId: 'p-c23b203d62db4f6aaee00717bafa99be-1',
    startTime: '2026-03-03T15:00:00.000Z',
  };

  it('reports an idle, logged-in user as Available with NoCall', async () => {
    const reply = await get(`${BASE}/extension/~/presence?detailedTelephonyState=true`);
    expect(reply.body).toEqual({
      uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension/${owner.id}/presence`,
      extension: {
        id: owner.id,
        uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension/${owner.id}`,
        extensionNumber: '101',
      },
      presenceStatus: 'Available',
      userStatus: 'Available',
      dndStatus: 'TakeAllCalls',
      telephonyStatus: 'NoCall',
      activeCalls: [],
    });
  });

  it('computes telephonyStatus and activeCalls from the call registry', async () => {
    h.activeCalls.set(owner.id, [{ ...call, telephonyStatus: 'OnHold', id: 'x-2' }, call]);
    const detailed = (await get(`${BASE}/extension/~/presence?detailedTelephonyState=true`)).body;
    expect(detailed.presenceStatus).toBe('Busy');
    expect(detailed.telephonyStatus).toBe('CallConnected');
    expect(detailed.activeCalls).toEqual([{ ...call, telephonyStatus: 'OnHold', id: 'x-2' }, call]);

    const plain = (await get(`${BASE}/extension/${owner.id}/presence`)).body;
    expect(plain.telephonyStatus).toBe('CallConnected');
    expect(plain.activeCalls).toBeUndefined();
  });

  it('reports ringing when a call only rings', async () => {
    h.activeCalls.set(owner.id, [{ ...call, telephonyStatus: 'Ringing' }]);
    expect((await get(`${BASE}/extension/~/presence`)).body.telephonyStatus).toBe('Ringing');
  });

  it('reports a logged-out user as Offline, with their DND setting', async () => {
    const offline = otherUser((u) => !u.online);
    const reply = (await get(`${BASE}/extension/${offline.id}/presence`)).body;
    expect(reply).toMatchObject({ presenceStatus: 'Offline', userStatus: 'Offline', dndStatus: offline.dndStatus, telephonyStatus: 'NoCall' });
  });

  it('reports a call queue as Offline only, as RingCentral does for Department extensions', async () => {
    const queue = firstQueue();
    const reply = (await get(`${BASE}/extension/${queue.id}/presence?detailedTelephonyState=true`)).body;
    expect(reply).toEqual({
      uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension/${queue.id}/presence`,
      extension: { id: queue.id, uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension/${queue.id}`, extensionNumber: '801' },
      presenceStatus: 'Offline',
    });
  });
});

describe('call queues', () => {
  it('lists queues with string ids, paged 30 at a time', async () => {
    const first = await get(`${BASE}/call-queues?perPage=30`);
    expect(first.body.paging).toEqual({ page: 1, totalPages: 2, perPage: 30, totalElements: 47, pageStart: 0, pageEnd: 29 });
    const queue = firstQueue();
    expect(first.body.records[0]).toEqual({
      uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/call-queues/${queue.id}`,
      id: String(queue.id),
      extensionNumber: '801',
      name: queue.name,
      status: 'Enabled',
    });
    const second = await get(relative(first.body.navigation.nextPage.uri));
    expect(second.body.records).toHaveLength(17);
    expect(second.body.paging).toMatchObject({ page: 2, pageStart: 30, pageEnd: 46 });
    expect(relative(second.body.navigation.previousPage.uri)).toBe(`/restapi/v1.0/account/${ACCOUNT}/call-queues?page=1&perPage=30`);
  });

  it('filters by memberExtensionId', async () => {
    const member = h.directory.userById(firstQueue().memberIds[0]!)!;
    const expected = h.directory.queues().filter((q) => q.memberIds.includes(member.id)).map((q) => String(q.id));
    const reply = await get(`${BASE}/call-queues?memberExtensionId=${member.id}`);
    expect(reply.body.records.map((r: { id: string }) => r.id)).toEqual(expected);
    expect(relative(reply.body.navigation.firstPage.uri)).toContain(`memberExtensionId=${member.id}&page=1`);
  });

  it('shows one queue with its details', async () => {
    const queue = firstQueue();
    const reply = await get(`${BASE}/call-queues/${queue.id}`);
    expect(reply.body).toEqual({
      uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/call-queues/${queue.id}`,
      id: String(queue.id),
      extensionNumber: '801',
      name: queue.name,
      status: 'Enabled',
      editableMemberStatus: true,
    });
  });

  it('lists members with int64 ids and extension uris', async () => {
    const queue = firstQueue();
    const reply = await get(`${BASE}/call-queues/${queue.id}/members`);
    expect(reply.body.records).toEqual(
      queue.memberIds.map((id) => ({
        uri: `${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/extension/${id}`,
        id,
        extensionNumber: h.directory.userById(id)!.extensionNumber,
      })),
    );
    expect(reply.body.uri).toBe(`${PUBLIC_URL}/restapi/v1.0/account/${ACCOUNT}/call-queues/${queue.id}/members?page=1&perPage=100`);
    expect(reply.body.paging.totalElements).toBe(queue.memberIds.length);
  });

  it("reports member presence with string member ids, from the queue's memberPresence", async () => {
    const queue = firstQueue();
    const reply = await get(`${BASE}/call-queues/${queue.id}/presence`);
    expect(reply.body).toEqual({
      records: queue.memberIds.map((id) => {
        const user = h.directory.userById(id)!;
        return {
          member: { id: String(id), name: user.name, extensionNumber: user.extensionNumber },
          acceptQueueCalls: queue.memberPresence[id]!.acceptQueueCalls,
          acceptCurrentQueueCalls: queue.memberPresence[id]!.acceptCurrentQueueCalls,
        };
      }),
    });
  });

  it.each(['members', 'presence', ''])('answers 404 CMN-102 groupId for an unknown queue (%s)', async (tail) => {
    for (const id of ['77', String(owner.id), 'queue']) {
      const path = `${BASE}/call-queues/${id}${tail ? `/${tail}` : ''}`;
      const reply = await get(path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.errors[0], path).toMatchObject({ errorCode: 'CMN-102', parameterName: 'groupId', parameterValue: id });
    }
  });
});

describe('GET /device/{id}/sip-info', () => {
  it("serves the device's SIP credentials with the simulator as outbound proxy", async () => {
    const device = owner.devices[0]!;
    const reply = await get(`${BASE}/device/${device.id}/sip-info`);
    expect(reply.body).toEqual({
      domain: 'sip.ringcentral.com',
      outboundProxies: [{ region: 'NA', proxy: '127.0.0.1:5096', proxyTLS: '127.0.0.1:5096' }],
      userName: device.sip.userName,
      password: device.sip.password,
      authorizationId: device.sip.authorizationId,
    });
  });

  it('uses options.sipPort when the simulator sets one', async () => {
    h = createHarness({ sipPort: 15096 });
    const device = h.directory.owner().devices[0]!;
    const reply = await get(`${BASE}/device/${device.id}/sip-info`);
    expect(reply.body.outboundProxies[0].proxyTLS).toBe('127.0.0.1:15096');
  });

  it('answers 404 CMN-102 deviceId for an unknown device', async () => {
    const reply = await get(`${BASE}/device/000000000000/sip-info`);
    expect(reply.status).toBe(404);
    expect(reply.body.errors[0]).toMatchObject({ parameterName: 'deviceId', parameterValue: '000000000000' });
  });
});
