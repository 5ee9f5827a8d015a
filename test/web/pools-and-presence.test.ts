/**
 * Named pools and presence on real Redis (a redis-server of this test's own, so the global directory keys are
 * ours): pool records and members, presence read through the official SDK from the simulator, and the hunts
 * RedisJobCommands accepts: only a pool's enabled, free, available extensions; hand-picked busy ones are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { startOwnRedis } from '../support/own-redis-server.ts';
import { createRedis } from '../../src/store/redis-client.ts';
import type { OwnRedis } from '../support/own-redis-server.ts';
import { changePoolMembers, createPool, deletePool, getPool, listPools, PoolError, renamePool } from '../../src/engine/extension-pools.ts';
import { availabilityOf, readPresence, writePresence } from '../../src/engine/extension-presence.ts';
import { RedisJobCommands } from '../../src/engine/redis-job-commands.ts';
import { JobRequestError } from '../../src/engine/job-commands.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { keepPresenceFresh, readExtensions, syncDevices, syncDirectory } from '../../src/engine/extension-directory.ts';
import { DelegatingTelephony } from '../../src/telephony/delegating-telephony.ts';
import { eventually } from '../support/eventually.ts';
import type { Telephony } from '../../src/telephony/telephony-port.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { connectRingCentral } from '../../src/telephony/ringcentral-platform.ts';
import { RingCentralTelephony } from '../../src/telephony/ringcentral-telephony.ts';
import { startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';

const relaxed = { limit: 100_000, windowSeconds: 60, penaltySeconds: 60 };
const RELAXED_LIMITS = { Light: relaxed, Medium: relaxed, Heavy: relaxed, Auth: relaxed };

let own: OwnRedis;
let hunts: Queue;
let queueConnection: Redis;
let commands: RedisJobCommands;

const ext = (id: string, n: string, extra: Record<string, unknown> = {}) => JSON.stringify({ id, extensionNumber: n, name: `User ${n}`, enabled: true, deviceId: `d${id}`, deviceType: 'OtherPhone', ...extra });

beforeAll(async () => {
  own = await startOwnRedis();
  queueConnection = createRedis(own.url, { role: 'blocking' });
  hunts = new Queue('pools-test-hunts', { connection: queueConnection, prefix: 'hh:{pools-test}' });
  commands = new RedisJobCommands({ redis: own.redis, hunts: hunts as never, telephony: {} as Telephony, lineMode: 'softphone' });
}, 30_000);

afterAll(async () => {
  await hunts?.close();
  queueConnection?.disconnect();
  await own?.stop();
});

async function seedDirectory(): Promise<void> {
  await own.redis.del(globalKeys.extensions, globalKeys.extensionReservations, globalKeys.extensionPresence, globalKeys.queues);
  await own.redis.hset(globalKeys.extensions, {
    '1': ext('1', '101'),
    '2': ext('2', '102'),
    '3': ext('3', '103'),
    '4': ext('4', '104', { enabled: false }),
    '5': ext('5', '105'),
  });
  await own.redis.hset(globalKeys.queues, 'q1', JSON.stringify({ id: 'q1', extensionNumber: '801', name: 'Front desk' }));
}

/**
 * The simulator with lifted limits (2 Light requests per user would otherwise take minutes: the app paces them in
 * the background), a telephony over the official SDK with an unlimited budget, and its directory synced afresh.
 */
async function simulatorWithDirectory() {
  const sim = await startTestSimulator({ rateLimits: RELAXED_LIMITS });
  await own.redis.del(globalKeys.extensions, globalKeys.extensionPresence);
  const log = pino({ level: 'silent' });
  const { platform } = await connectRingCentral({ server: sim.url, ...TEST_CREDENTIALS });
  const unlimited = { limit: 100_000, windowMs: 60_000 };
  const telephony = new RingCentralTelephony({ platform, credential: 'pools-test', budget: new InMemoryRateBudget({ limits: { Light: unlimited, Medium: unlimited } }), log });
  await syncDirectory(telephony, own.redis, log);
  return { sim, telephony, log };
}

describe('named pools', () => {
  it('creates, renames, fills in bulk, refuses duplicates and unknown extensions, and deletes', async () => {
    await seedDirectory();
    const pool = await createPool(own.redis, '  Night   shift ');
    expect(pool.name).toBe('Night shift');
    await expect(createPool(own.redis, 'night SHIFT')).rejects.toMatchObject({ status: 409, field: 'name' });
    await expect(createPool(own.redis, '   ')).rejects.toBeInstanceOf(PoolError);
    expect(await changePoolMembers(own.redis, pool.id, { add: ['1', '2', '3'] })).toEqual({ added: 3, removed: 0 });
    await expect(changePoolMembers(own.redis, pool.id, { add: ['1', '999'] })).rejects.toMatchObject({ status: 422, message: 'No synced extension with id 999' });
    expect(await changePoolMembers(own.redis, pool.id, { remove: ['3'] })).toEqual({ added: 0, removed: 1 });
    const other = await createPool(own.redis, 'Day');
    await expect(renamePool(own.redis, other.id, 'NIGHT shift')).rejects.toMatchObject({ status: 409 });
    await renamePool(own.redis, pool.id, 'Late shift');
    // The old name is free again; the new one is taken.
    await renamePool(own.redis, other.id, 'Night shift');
    expect((await listPools(own.redis)).map((p) => [p.name, p.extensionIds])).toEqual([
      ['Late shift', ['1', '2']],
      ['Night shift', []],
    ]);
    expect(await deletePool(own.redis, other.id)).toBe(true);
    expect(await getPool(own.redis, other.id)).toBeUndefined();
    await expect(changePoolMembers(own.redis, other.id, { add: ['1'] })).rejects.toMatchObject({ status: 404 });
    await deletePool(own.redis, pool.id);
    expect(await own.redis.hlen(globalKeys.poolNames)).toBe(0);
  });
});

describe('hunts from a pool, and availability from presence', () => {
  it('reserves only from the pool, skipping disabled, busy, DND and offline extensions', async () => {
    await seedDirectory();
    const pool = await createPool(own.redis, 'Pool A');
    await changePoolMembers(own.redis, pool.id, { add: ['1', '2', '3', '4'] });
    const at = Date.now();
    await writePresence(own.redis, '2', { availability: 'busy', telephonyStatus: 'CallConnected', at });
    await writePresence(own.redis, '1', { availability: 'available', telephonyStatus: 'NoCall', at });

    const job = await commands.create({ lines: 2, pool: pool.id }, 'tester');
    // 4 is disabled, 2 is on a call, 5 is outside the pool.
    expect(job.spec.extensionIds).toEqual(['1', '3']);
    expect(job.spec.pool).toEqual({ id: pool.id, name: 'Pool A' });

    await expect(commands.create({ lines: 3, pool: pool.id }, 'tester')).rejects.toMatchObject({ status: 409, message: 'only 2 free available extensions in pool "Pool A" for 3 lines', field: 'lines' });
    await own.redis.hset(globalKeys.extensionReservations, '3', 'job-x call-1');
    await expect(commands.create({ lines: 2, pool: pool.id }, 'tester')).rejects.toMatchObject({ status: 409 });
    await expect(commands.create({ lines: 1, pool: 'pool-00000000' }, 'tester')).rejects.toMatchObject({ status: 422, field: 'pool' });
    await expect(commands.create({ lines: 1, pool: pool.id, extensionIds: ['1'] }, 'tester')).rejects.toMatchObject({ status: 422, field: 'pool' });

    await writePresence(own.redis, '5', { availability: 'dnd', telephonyStatus: 'NoCall', dndStatus: 'DoNotAcceptAnyCalls', at });
    const refused = await commands.create({ lines: 1, extensionIds: ['1', '2', '5'] }, 'tester').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JobRequestError);
    expect((refused as JobRequestError).message).toBe('extensions not available right now: 102 (busy (on a call)), 105 (do not disturb)');
    // Without a pool: every enabled, available extension (1 and 3; 3 is reserved, so one line at most).
    const any = await commands.create({ lines: 1 }, 'tester');
    expect(any.spec.extensionIds).toEqual(['1', '3']);
  });

  it('classifies presence: our own lines do not make an extension busy', () => {
    const base = { extensionId: '1', telephonyStatus: 'NoCall', presenceStatus: 'Available', activeCalls: [] };
    expect(availabilityOf(base, new Set())).toBe('available');
    expect(availabilityOf({ ...base, presenceStatus: 'Offline' }, new Set())).toBe('offline');
    expect(availabilityOf({ ...base, dndStatus: 'DoNotAcceptAnyCalls' }, new Set())).toBe('dnd');
    expect(availabilityOf({ ...base, dndStatus: 'DoNotAcceptDepartmentCalls' }, new Set())).toBe('available');
    const onCall = { ...base, telephonyStatus: 'CallConnected', presenceStatus: 'Busy', activeCalls: [{ telephonySessionId: 's-1', partyId: 'p', direction: 'Outbound' }] };
    expect(availabilityOf(onCall, new Set())).toBe('busy');
    expect(availabilityOf(onCall, new Set(['s-1']))).toBe('available');
  });

  it('reads presence through the official SDK from the simulator during the device sync', async () => {
    const { sim, telephony, log } = await simulatorWithDirectory();
    try {
      await syncDevices(telephony, own.redis, log);
      const extensions = await readExtensions(own.redis);
      const presence = await readPresence(own.redis);
      expect(presence.size).toBe(extensions.length);
      const kinds = new Set([...presence.values()].map((p) => p.availability));
      // The seeded directory has people logged in nowhere and people on DND.
      expect(kinds).toContain('available');
      expect(kinds).toContain('offline');
      for (const p of presence.values()) expect(['Available', 'Busy', 'Offline']).toContain(p.presenceStatus);

      // Between syncs presence is re-read each round, by one of the app instances only.
      const keep = extensions.slice(0, 5).map((e) => e.id);
      await own.redis.hdel(globalKeys.extensions, ...extensions.slice(5).map((e) => e.id));
      const reads: string[] = [];
      const stop = new AbortController();
      class CountingTelephony extends DelegatingTelephony {
        override presence(extensionId: string) {
          reads.push(extensionId);
          // One round's worth, then stop: on a slow machine a second round could start before the wait below sees
          // the first one's writes. A second reader in the same round would show up as a repeat here.
          if (reads.length >= keep.length) stop.abort();
          return super.presence(extensionId);
        }
      }
      const before = new Map([...(await readPresence(own.redis))].map(([id, p]) => [id, p.at]));
      const loops = [0, 1].map(() => keepPresenceFresh(new CountingTelephony(telephony), own.redis, log, stop.signal, 1_000));
      await eventually(async () => {
        const now = await readPresence(own.redis);
        return keep.every((id) => (now.get(id)?.at ?? 0) > (before.get(id) ?? 0));
      }, 10_000, 'a presence refresh round');
      stop.abort();
      await Promise.all(loops);
      expect(reads.sort()).toEqual([...keep].sort());
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('splits the startup device look-ups between instances started together: each extension once, every device found', async () => {
    const claims = await own.redis.keys(`${globalKeys.deviceLookupClaim('')}*`);
    if (claims.length > 0) await own.redis.del(...claims);
    const { sim, telephony, log } = await simulatorWithDirectory();
    try {
      const lookups: string[] = [];
      class CountingTelephony extends DelegatingTelephony {
        override listDevices(extensionId: string) {
          lookups.push(extensionId);
          return super.listDevices(extensionId);
        }
      }
      const found = await Promise.all([0, 1].map(() => syncDevices(new CountingTelephony(telephony), own.redis, log, undefined, { claimMs: 60_000 })));
      const extensions = await readExtensions(own.redis);
      expect(lookups.sort()).toEqual(extensions.map((e) => e.id).sort());
      const withDevice = extensions.filter((e) => e.deviceId).length;
      expect(withDevice).toBeGreaterThan(0);
      // Each instance reports what the account has once its own pass is done (the other's finds are in Redis).
      expect(Math.max(...found)).toBeLessThanOrEqual(withDevice);
      expect(found.every((n) => n > 0)).toBe(true);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
