/**
 * Nobody can make the firm dial arbitrary numbers: a hunt calls only a saved destination and hands the winner only
 * to the firm's own targets (a synced call queue or extension, or a transfer number an admin saved for a queue).
 * RedisJobCommands refuses anything else before any line is dialled or any hunt written (private redis-server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisJobCommands } from '../../src/engine/redis-job-commands.ts';
import { JobRequestError } from '../../src/engine/job-commands.ts';
import type { CreateJobRequest } from '../../src/engine/job-commands.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

let priv: PrivateRedis;
let redis: Redis;
let commands: RedisJobCommands;

beforeAll(async () => {
  priv = await startPrivateRedis();
  redis = new Redis(priv.url);
  // Refusals happen before the queue or the telephony is touched: neither exists here.
  commands = new RedisJobCommands({ redis, hunts: undefined as never, telephony: undefined as never });
}, 30_000);

afterAll(async () => {
  redis?.disconnect();
  await priv?.close();
});

async function refusal(request: CreateJobRequest): Promise<{ status: number; field?: string; message: string }> {
  try {
    await commands.create(request, 'attacker');
  } catch (error) {
    if (error instanceof JobRequestError) return { status: error.status, ...(error.field ? { field: error.field } : {}), message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('where a hunt may call and hand off', () => {
  it('refuses a destination that is not saved, and targets that are not the firm’s own, writing nothing', async () => {
    expect(await refusal({ lines: 1, destinationId: 'premium-rate-line' })).toMatchObject({ status: 422, field: 'destinationId' });
    expect(await refusal({ lines: 1, target: { kind: 'number', phoneNumber: '+19005550100' } })).toMatchObject({ status: 422, field: 'target', message: "+19005550100 is not one of the firm's saved transfer numbers" });
    expect(await refusal({ lines: 1, target: { kind: 'queue', extensionNumber: '999' } })).toMatchObject({ status: 422, field: 'target' });
    expect(await refusal({ lines: 1, target: { kind: 'extension', extensionNumber: '12345' } })).toMatchObject({ status: 422, field: 'target' });
    expect(await redis.dbsize()).toBe(0);
  });
});
