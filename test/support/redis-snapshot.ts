/** Every key of a (test's own) Redis with its serialized value: compared before and after to show nothing changed. */
import type { Redis } from 'ioredis';

export async function redisSnapshot(redis: Redis, ignore: (key: string) => boolean = () => false): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      if (ignore(key)) continue;
      out.set(key, (await redis.dumpBuffer(key))?.toString('base64') ?? '');
    }
  } while (cursor !== '0');
  return out;
}
