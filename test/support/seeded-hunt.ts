/**
 * A hunt written straight to Redis, as a create would leave it, for tests that drive the engine's parts by hand
 * (no job API, no BullMQ): its extensions seeded as enabled, and a transfer hunt to the IRS line's queue 801.
 */
import type { Redis } from 'ioredis';
import { writeNewJob } from '../../src/engine/job-records.ts';
import type { JobSpec } from '../../src/engine/hunt-types.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';

export async function seedTransferHunt(redis: Redis, hunt: { id: string; lines: number; extensionIds: string[]; createdBy: string }): Promise<JobSpec> {
  for (const id of hunt.extensionIds) {
    await redis.hset(globalKeys.extensions, id, JSON.stringify({ id, extensionNumber: id, name: `Ext ${id}`, deviceId: `d${id}`, enabled: true }));
  }
  const spec: JobSpec = {
    id: hunt.id,
    destination: { id: 'irs', name: 'IRS', phoneNumber: '+18668604259', ivr: [{ digits: '1', afterMs: 10 }] },
    target: { kind: 'queue', extensionNumber: '801' },
    lines: hunt.lines,
    extensionIds: hunt.extensionIds,
    handoff: 'transfer',
    deadlineAt: Date.now() + 3_600_000,
    createdAt: Date.now(),
    createdBy: hunt.createdBy,
  };
  await writeNewJob(redis, spec);
  return spec;
}
