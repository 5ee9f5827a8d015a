/**
 * The hold-loop library of one destination number: landmark hashes of everything its lines heard while holding
 * that was not already known. All lines of the destination share one instance, so audio one line learned is
 * recognised on the others ("heard on two lines = loop audio"), and a line recognises its own repeats ("heard
 * twice = loop audio"). Persisted through a LoopLibraryStore so the next job starts knowing the loop.
 */
import { LandmarkIndex, SOURCE_SPAN } from './landmark-index.ts';

export interface LoopLibrarySnapshot {
  version: 1;
  /** The loop has been heard to repeat (every recorded segment of it is in the library). */
  mature: boolean;
  /** Sources (lines) registered so far; new lines continue after them. */
  sources: number;
  hashes: Int32Array;
  positions: Float64Array;
}

/** Where libraries live between jobs (Redis in production, memory in tests). */
export interface LoopLibraryStore {
  load(destinationId: string): Promise<LoopLibrarySnapshot | null>;
  save(destinationId: string, snapshot: LoopLibrarySnapshot): Promise<void>;
}

export class LoopLibrary {
  readonly index = new LandmarkIndex();
  private nextSource = 0;
  private isMature = false;

  /** A new line: returns its source number (positions of its audio are source * SOURCE_SPAN + frame). */
  registerLine(): number {
    return this.nextSource++;
  }

  learn(hash: number, position: number): void {
    this.index.add(hash, position);
  }

  /** Called when a line hears recorded speech repeat on itself: the loop has come round once. */
  markMature(): void {
    this.isMature = true;
  }

  get mature(): boolean {
    return this.isMature;
  }

  /** Number of hash positions held. */
  get size(): number {
    return this.index.size;
  }

  snapshot(): LoopLibrarySnapshot {
    const hashes = new Int32Array(this.index.size);
    const positions = new Float64Array(this.index.size);
    let i = 0;
    for (const [hash, list] of this.index.entries()) {
      for (const p of list) {
        hashes[i] = hash;
        positions[i] = p;
        i++;
      }
    }
    return { version: 1, mature: this.isMature, sources: this.nextSource, hashes, positions };
  }

  static fromSnapshot(snapshot: LoopLibrarySnapshot): LoopLibrary {
    const library = new LoopLibrary();
    for (let i = 0; i < snapshot.hashes.length; i++) {
      library.learn(snapshot.hashes[i] as number, snapshot.positions[i] as number);
    }
    library.nextSource = snapshot.sources;
    library.isMature = snapshot.mature;
    return library;
  }

  /** The destination's library from `store`, or an empty one. */
  static async load(store: LoopLibraryStore, destinationId: string): Promise<LoopLibrary> {
    const snapshot = await store.load(destinationId);
    return snapshot ? LoopLibrary.fromSnapshot(snapshot) : new LoopLibrary();
  }

  save(store: LoopLibraryStore, destinationId: string): Promise<void> {
    return store.save(destinationId, this.snapshot());
  }
}

/** Source number of a library position. */
export function sourceOf(position: number): number {
  return Math.floor(position / SOURCE_SPAN);
}

export class InMemoryLoopLibraryStore implements LoopLibraryStore {
  private readonly snapshots = new Map<string, LoopLibrarySnapshot>();

  load(destinationId: string): Promise<LoopLibrarySnapshot | null> {
    return Promise.resolve(this.snapshots.get(destinationId) ?? null);
  }

  save(destinationId: string, snapshot: LoopLibrarySnapshot): Promise<void> {
    this.snapshots.set(destinationId, snapshot);
    return Promise.resolve();
  }
}
