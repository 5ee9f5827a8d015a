import { describe, expect, it } from 'vitest';
import { LandmarkIndex, MAX_POSITIONS_PER_HASH } from '../../src/detection/landmark-index.ts';
import { Random } from '../../src/simulator/random.ts';

describe('landmark index', () => {
  it('keeps the newest positions of each hash, oldest first, as a list per hash would', () => {
    const index = new LandmarkIndex();
    const reference = new Map<number, number[]>();
    const rng = new Random(5);
    let total = 0;
    // Few distinct hashes, so many overflow their MAX_POSITIONS_PER_HASH slots and the buckets grow.
    for (let i = 0; i < 40_000; i++) {
      const hash = rng.int(0, 2_000) * 131;
      const position = rng.int(0, 2 ** 30);
      index.add(hash, position);
      const list = reference.get(hash) ?? [];
      if (list.length >= MAX_POSITIONS_PER_HASH) list.shift();
      else total++;
      list.push(position);
      reference.set(hash, list);
    }
    expect(index.size).toBe(total);
    for (const [hash, list] of reference) expect(index.get(hash)).toEqual(list);
    expect(new Map(index.entries())).toEqual(reference);
    expect(index.get(7)).toBeUndefined();
  });

  it('ignores hashes outside the landmark range (a damaged snapshot) instead of failing', () => {
    const index = new LandmarkIndex();
    index.add(-1, 5);
    index.add(2 ** 30, 5);
    index.add(Number.NaN, 5);
    expect(index.size).toBe(0);
    expect(index.get(-1)).toBeUndefined();
  });
});
