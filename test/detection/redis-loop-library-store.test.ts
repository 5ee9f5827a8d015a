import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LoopLibrary, RedisLoopLibraryStore, createLineDetector } from '../../src/detection/index.ts';
import { concat, music, pcmOf, stream } from './support.ts';

const redis = new Redis('redis://127.0.0.1:6379/0', { lazyConnect: true, maxRetriesPerRequest: 1 });
const prefix = `hh:test:${randomUUID()}:loop:`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('RedisLoopLibraryStore', () => {
  it('round-trips a learned library (hashes, positions, maturity, sources)', async () => {
    const store = new RedisLoopLibraryStore(redis, prefix);
    expect(await store.load('none')).toBeNull();
    const library = new LoopLibrary();
    stream(createLineDetector({ loopLibrary: library }), concat(music().subarray(0, 5 * 8000), pcmOf('hold-announcement-1-en')));
    library.markMature();
    await library.save(store, 'irs-pps');
    expect(await redis.exists(store.key('irs-pps'))).toBe(1);
    const loaded = await LoopLibrary.load(store, 'irs-pps');
    expect(loaded.size).toBe(library.size);
    expect(loaded.mature).toBe(true);
    const a = library.snapshot();
    const b = loaded.snapshot();
    expect([...b.hashes]).toEqual([...a.hashes]);
    expect([...b.positions]).toEqual([...a.positions]);
    // A line of the next job is a new source.
    expect(loaded.registerLine()).toBe(a.sources);
  });
});
