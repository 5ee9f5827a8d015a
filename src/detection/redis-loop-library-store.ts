/**
 * LoopLibraryStore in Redis: one hash per destination, `hh:loop:<destinationId>`, with a JSON `meta` field
 * and a binary `data` field (int32 hashes then float64 positions, little-endian) - compact enough for a
 * multi-minute loop heard on dozens of lines.
 */
import type { Redis } from 'ioredis';
import type { LoopLibrarySnapshot, LoopLibraryStore } from './loop-library.ts';

interface Meta {
  version: 1;
  mature: boolean;
  sources: number;
  count: number;
}

export class RedisLoopLibraryStore implements LoopLibraryStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'hh:loop:',
  ) {}

  key(destinationId: string): string {
    return `${this.prefix}${destinationId}`;
  }

  async load(destinationId: string): Promise<LoopLibrarySnapshot | null> {
    const [metaRaw, data] = await Promise.all([
      this.redis.hget(this.key(destinationId), 'meta'),
      this.redis.hgetBuffer(this.key(destinationId), 'data'),
    ]);
    if (!metaRaw || !data) return null;
    const meta = JSON.parse(metaRaw) as Meta;
    if (meta.version !== 1 || data.length !== meta.count * 12) return null;
    // Copy into aligned buffers (a Buffer from Redis may sit at any byte offset of a shared pool).
    const bytes = new Uint8Array(data);
    const hashes = new Int32Array(bytes.buffer.slice(0, meta.count * 4));
    const positions = new Float64Array(bytes.buffer.slice(meta.count * 4, meta.count * 12));
    return { version: 1, mature: meta.mature, sources: meta.sources, hashes, positions };
  }

  async save(destinationId: string, snapshot: LoopLibrarySnapshot): Promise<void> {
    const count = snapshot.hashes.length;
    const data = Buffer.alloc(count * 12);
    Buffer.from(snapshot.hashes.buffer, snapshot.hashes.byteOffset, count * 4).copy(data, 0);
    Buffer.from(snapshot.positions.buffer, snapshot.positions.byteOffset, count * 8).copy(data, count * 4);
    const meta: Meta = { version: 1, mature: snapshot.mature, sources: snapshot.sources, count };
    await this.redis.hset(this.key(destinationId), { meta: JSON.stringify(meta), data });
  }
}
