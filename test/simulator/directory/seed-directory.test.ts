import { describe, expect, it } from 'vitest';
import { createDirectory } from '../../../src/simulator/directory/seed-directory.ts';
import { RcError } from '../../../src/simulator/rc-error.ts';

const FICTIONAL = /^\+1\d{3}55501\d\d$/;

describe('createDirectory', () => {
  const directory = createDirectory(42);
  const users = directory.users();
  const queues = directory.queues();

  it('is deterministic for a seed and differs between seeds', () => {
    const again = createDirectory(42);
    expect(JSON.stringify([again.users(), again.queues()])).toBe(JSON.stringify([users, queues]));
    const other = createDirectory('another seed');
    expect(other.users().map((u) => u.id)).not.toEqual(users.map((u) => u.id));
  });

  it('seeds 100 users on 101..200 and 47 queues on 801..847', () => {
    expect(users.map((u) => u.extensionNumber)).toEqual(Array.from({ length: 100 }, (_, i) => String(101 + i)));
    expect(queues.map((q) => q.extensionNumber)).toEqual(Array.from({ length: 47 }, (_, i) => String(801 + i)));
    expect(new Set(queues.map((q) => q.name)).size).toBe(47);
    expect(queues[0]!.name).toBe('Tax Resolution Team');
  });

  it('honours userCount and queueCount', () => {
    const small = createDirectory(1, { userCount: 5, queueCount: 50 });
    expect(small.users()).toHaveLength(5);
    expect(small.queues()).toHaveLength(50);
    expect(small.queues()[47]!.name).toBe('Tax Resolution Team 2');
    expect(() => createDirectory(1, { userCount: 0 })).toThrow(/userCount/);
    expect(() => createDirectory(1, { queueCount: 200 })).toThrow(/queueCount/);
  });

  it('gives int64-safe unique extension ids and 12-digit unique device ids', () => {
    const ids = [...users.map((u) => u.id), ...queues.map((q) => q.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
    const deviceIds = users.flatMap((u) => u.devices.map((d) => d.id));
    expect(deviceIds.every((id) => /^\d{12}$/.test(id))).toBe(true);
    expect(new Set(deviceIds).size).toBe(deviceIds.length);
  });

  it('uses fictional 555-01xx numbers only, all distinct', () => {
    const numbers = [directory.mainNumber, ...users.map((u) => u.directNumber), ...queues.map((q) => q.directNumber)];
    expect(numbers.every((n) => FICTIONAL.test(n))).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(directory.accountId).toMatch(/^\d{12}$/);
  });

  it('makes extension 101 the always-reachable owner', () => {
    const owner = directory.owner();
    expect(owner.extensionNumber).toBe('101');
    expect(owner).toMatchObject({ status: 'Enabled', online: true, dndStatus: 'TakeAllCalls' });
    expect(owner.devices[0]).toMatchObject({ type: 'OtherPhone', status: 'Online', name: 'Existing Phone' });
  });

  it('gives everyone an Existing Phone first, mostly online, and sometimes a second phone', () => {
    expect(users.every((u) => u.devices.length >= 1 && u.devices.length <= 2)).toBe(true);
    expect(users.every((u) => u.devices[0]!.type === 'OtherPhone')).toBe(true);
    const online = users.filter((u) => u.devices[0]!.status === 'Online').length;
    expect(online).toBeGreaterThanOrEqual(70);
    expect(online).toBeLessThan(100);
    const seconds = users.flatMap((u) => u.devices.slice(1));
    expect(seconds.length).toBeGreaterThan(10);
    expect(seconds.every((d) => d.type === 'SoftPhone' || d.type === 'HardPhone')).toBe(true);
    expect(users.every((u) => u.devices.every((d) => d.extensionId === u.id && d.sip.password.length >= 10))).toBe(true);
  });

  it('has plausible people: unique emails, mostly TakeAllCalls, a few offline, answer delays 2..15 s', () => {
    expect(new Set(users.map((u) => u.email)).size).toBe(100);
    expect(users.every((u) => /^[a-z]+\.[a-z]+@harborline-tax\.example$/.test(u.email))).toBe(true);
    const takeAll = users.filter((u) => u.dndStatus === 'TakeAllCalls').length;
    expect(takeAll).toBeGreaterThan(70);
    expect(takeAll).toBeLessThan(100);
    const offline = users.filter((u) => !u.online).length;
    expect(offline).toBeGreaterThan(0);
    expect(offline).toBeLessThan(25);
    expect(users.every((u) => u.answerDelaySeconds >= 2 && u.answerDelaySeconds <= 15)).toBe(true);
    // Nobody offline shows an online phone.
    expect(users.filter((u) => !u.online).every((u) => u.devices.every((d) => d.status === 'Offline'))).toBe(true);
  });

  it('staffs each queue with 2..8 enabled members other than the owner, with consistent member presence', () => {
    for (const queue of queues) {
      expect(queue.memberIds).not.toContain(directory.owner().id);
      expect(queue.memberIds.length).toBeGreaterThanOrEqual(2);
      expect(queue.memberIds.length).toBeLessThanOrEqual(8);
      expect(new Set(queue.memberIds).size).toBe(queue.memberIds.length);
      for (const id of queue.memberIds) {
        const user = directory.userById(id);
        expect(user?.status).toBe('Enabled');
        const presence = queue.memberPresence[id]!;
        if (presence.acceptCurrentQueueCalls) {
          expect(presence.acceptQueueCalls).toBe(true);
          expect(user?.online).toBe(true);
        }
      }
    }
    expect(queues.some((q) => q.memberIds.some((id) => q.memberPresence[id]!.acceptCurrentQueueCalls))).toBe(true);
  });

  it('looks entries up by id, extension number and device id', () => {
    const user = users[10]!;
    const queue = queues[5]!;
    expect(directory.userById(user.id)).toBe(user);
    expect(directory.userById(queue.id)).toBeUndefined();
    expect(directory.queueById(queue.id)).toBe(queue);
    expect(directory.byExtensionNumber(user.extensionNumber)).toBe(user);
    expect(directory.byExtensionNumber(queue.extensionNumber)).toBe(queue);
    expect(directory.byExtensionNumber('999')).toBeUndefined();
    expect(directory.device(user.devices[0]!.id)).toBe(user.devices[0]);
    expect(directory.device('1')).toBeUndefined();
  });

  it('changes a device status and refuses unknown devices with 404 CMN-102', () => {
    const fresh = createDirectory(42);
    const device = fresh.owner().devices[0]!;
    fresh.setDeviceStatus(device.id, 'Offline');
    expect(fresh.device(device.id)?.status).toBe('Offline');
    let error: unknown;
    try {
      fresh.setDeviceStatus('nope', 'Online');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RcError);
    expect((error as RcError).status).toBe(404);
    expect((error as RcError).errorCode).toBe('CMN-102');
  });
});
