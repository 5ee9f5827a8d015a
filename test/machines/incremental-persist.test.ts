import { describe, expect, it } from 'vitest';
import { IncrementalPersister, createJobActor, joinParts, persist, summarize } from '../../machines/index.ts';
import type { PersistedChild, StoredJobSnapshot } from '../../machines/index.ts';
import { JobDriver, T0, makeInput } from './job-fixtures.ts';

/** What Redis holds after a series of part writes: the last root, and every call as last written. */
class PartsStore {
  root?: StoredJobSnapshot;
  readonly calls = new Map<string, string>();

  write(persister: IncrementalPersister, driver: JobDriver): string[] {
    const parts = persister.take(driver.actor);
    this.root = JSON.parse(JSON.stringify(parts.root)) as StoredJobSnapshot;
    for (const [id, child] of parts.changed) this.calls.set(id, JSON.stringify(child));
    persister.commit();
    return [...parts.changed.keys()];
  }

  joined(): StoredJobSnapshot {
    if (!this.root) throw new Error('nothing written');
    const children = Object.fromEntries([...this.calls].map(([id, raw]) => [id, JSON.parse(raw) as PersistedChild]));
    return joinParts(this.root, children);
  }
}

describe('persisting a job in parts', () => {
  it('writes every call first, then only the calls a step changed', () => {
    const driver = new JobDriver(makeInput(5)).send({ type: 'job.start', at: T0 });
    const store = new PartsStore();
    const persister = new IncrementalPersister();
    expect(store.write(persister, driver)).toEqual(['call-1', 'call-2', 'call-3', 'call-4', 'call-5']);
    expect(store.write(persister, driver)).toEqual([]);
    driver.hold('call-3', T0 + 1000);
    expect(store.write(persister, driver)).toEqual(['call-3']);
  });

  it('joins back into exactly what a whole persist holds, and restores to the same job', () => {
    const driver = new JobDriver(makeInput(4)).send({ type: 'job.start', at: T0 });
    const store = new PartsStore();
    const persister = new IncrementalPersister();
    store.write(persister, driver);
    driver.hold('call-1', T0 + 1000).hold('call-2', T0 + 2000);
    store.write(persister, driver);
    driver.send({ type: 'call.confirm', callId: 'call-2', by: 'op', at: T0 + 90_000 });
    store.write(persister, driver);

    const whole = JSON.parse(JSON.stringify(persist(driver.actor))) as StoredJobSnapshot;
    expect(store.joined()).toEqual(whole);
    const restored = createJobActor(driver.input, store.joined().snapshot);
    expect(summarize(restored.getSnapshot())).toEqual(driver.summary);
    restored.stop();
  });

  it('rewrites calls whose earlier write was never committed (a failed transaction)', () => {
    const driver = new JobDriver(makeInput(3)).send({ type: 'job.start', at: T0 });
    const persister = new IncrementalPersister();
    persister.take(driver.actor);
    persister.commit();
    driver.hold('call-2', T0 + 1000);
    expect([...persister.take(driver.actor).changed.keys()]).toEqual(['call-2']);
    // no commit: the write failed
    expect([...persister.take(driver.actor).changed.keys()]).toEqual(['call-2']);
  });

  it('reads a snapshot written whole (before parts existed) unchanged', () => {
    const driver = new JobDriver(makeInput(2)).send({ type: 'job.start', at: T0 });
    const whole = JSON.parse(JSON.stringify(persist(driver.actor))) as StoredJobSnapshot;
    expect(joinParts(whole, {})).toEqual(whole);
  });
});
