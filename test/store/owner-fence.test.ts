/**
 * The owner fence: a job's state is committed only by its latest owner. An owner that claimed the job before
 * another did has every commit refused whole, and learns it (OwnershipLost) before it acts on that step.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OwnerFence, OwnershipLost } from '../../src/store/owner-fence.ts';
import { jobKeys } from '../../src/store/redis-keys.ts';
import { redisFixture, uniqueId } from './redis-fixture.ts';

const fx = redisFixture(2);
afterAll(() => fx.close());

function job(): ReturnType<typeof jobKeys> {
  const keys = jobKeys(uniqueId('fence'));
  fx.track(...Object.values(keys).filter((key): key is string => typeof key === 'string'));
  return keys;
}

describe('OwnerFence', () => {
  it('commits the latest owner\'s writes together, and refuses a superseded owner\'s whole', async () => {
    const keys = job();
    const first = new OwnerFence(fx.clients[0]!, keys.owner);
    await first.claim();
    await first.commit((batch) => {
      batch.set(keys.snapshot, 'first');
      batch.hset(keys.snapshotCalls, 'call-1', 'holding', 'call-2', 'holding');
      batch.hset(keys.record, { status: 'hunting' });
      batch.xadd(keys.history, '*', 'h', 'one');
    });
    expect(await fx.redis.get(keys.snapshot)).toBe('first');
    expect(await fx.redis.hgetall(keys.snapshotCalls)).toEqual({ 'call-1': 'holding', 'call-2': 'holding' });

    // Another instance takes the job over (the first was paused past its lock) and commits.
    const second = new OwnerFence(fx.clients[1]!, keys.owner);
    await second.claim();
    await second.commit((batch) => batch.set(keys.snapshot, 'second'));

    // The first resumes: its step is refused, nothing of it written, and so is its check before an action.
    await expect(
      first.commit((batch) => {
        batch.set(keys.snapshot, 'stale');
        batch.hset(keys.snapshotCalls, 'call-1', 'cleaning');
        batch.hset(keys.record, { status: 'cancelled' });
        batch.xadd(keys.history, '*', 'h', 'stale');
      }),
    ).rejects.toBeInstanceOf(OwnershipLost);
    await expect(first.check()).rejects.toBeInstanceOf(OwnershipLost);
    expect(await fx.redis.get(keys.snapshot)).toBe('second');
    expect(await fx.redis.hget(keys.snapshotCalls, 'call-1')).toBe('holding');
    expect(await fx.redis.hget(keys.record, 'status')).toBe('hunting');
    expect(await fx.redis.xlen(keys.history)).toBe(1);

    await expect(second.check()).resolves.toBeUndefined();
  });

  it('writes only keys of its own job (one hash tag, one cluster slot)', async () => {
    const keys = job();
    const other = job();
    const fence = new OwnerFence(fx.redis, keys.owner);
    await fence.claim();
    await expect(fence.commit((batch) => batch.set(other.snapshot, 'x'))).rejects.toThrow(/outside the job's hash tag/);
    expect(await fx.redis.exists(other.snapshot)).toBe(0);
  });

  it('refuses to commit before it has claimed the job', async () => {
    const fence = new OwnerFence(fx.redis, job().owner);
    await expect(fence.commit(() => undefined)).rejects.toThrow(/before claim/);
  });
});
