/**
 * scripts/redis-backup.sh and scripts/redis-restore.sh against a Redis of the test's own that runs as
 * docker-compose.yml runs it (AOF everysec): what was there at backup time comes back after a restore, with TTLs,
 * and writes made after the backup are gone; old backups are pruned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

const script = (name: string): string => fileURLToPath(new URL(`../../scripts/${name}`, import.meta.url));
let server: PrivateRedis;
let backups: string;

beforeAll(async () => {
  server = await startPrivateRedis(['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '']);
  backups = mkdtempSync(join(tmpdir(), 'hh-backups-'));
});
afterAll(async () => {
  await server?.close();
  rmSync(backups, { recursive: true, force: true });
});

describe('Redis backup and restore scripts', () => {
  it('restore brings back exactly the data of the backup, TTLs included', async () => {
    const redis = new Redis(server.url);
    await redis.hset('hh:{job:1}:record', { status: 'completed', lines: '6' });
    await redis.set('hh:dedup:abc', '1', 'EX', 3600);
    await redis.xadd('hh:{job:1}:events', '*', 'kind', 'timer');

    const backup = spawnSync('sh', [script('redis-backup.sh')], { env: { ...process.env, REDIS_URL: server.url, BACKUP_DIR: backups }, encoding: 'utf8' });
    expect(backup.status, backup.stderr).toBe(0);
    const file = backup.stdout.trim();
    expect(existsSync(file)).toBe(true);

    // After the backup: changes the restore must undo.
    await redis.hset('hh:{job:1}:record', 'status', 'failed');
    await redis.set('hh:written-after-backup', 'x');
    redis.disconnect();
    await server.kill();

    const restore = spawnSync('sh', [script('redis-restore.sh'), file, server.dir], { env: { ...process.env, RESTORE_PORT: String(await freePort()) }, encoding: 'utf8' });
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/restored 3 keys/);

    await server.start();
    const restored = new Redis(server.url);
    try {
      expect(await restored.hgetall('hh:{job:1}:record')).toEqual({ status: 'completed', lines: '6' });
      expect(await restored.xlen('hh:{job:1}:events')).toBe(1);
      const ttl = await restored.ttl('hh:dedup:abc');
      expect(ttl).toBeGreaterThan(3500);
      expect(await restored.exists('hh:written-after-backup')).toBe(0);
      // Redis runs on the rebuilt AOF: what is written now survives a crash too.
      expect((await restored.info('persistence')).includes('aof_enabled:1')).toBe(true);
    } finally {
      restored.disconnect();
    }
  }, 60_000);

  it('keeps only the newest BACKUP_KEEP backups', () => {
    for (const stamp of ['20200101T000000Z', '20200102T000000Z', '20200103T000000Z']) writeFileSync(join(backups, `hold-hunter-${stamp}.rdb`), '');
    const backup = spawnSync('sh', [script('redis-backup.sh')], { env: { ...process.env, REDIS_URL: server.url, BACKUP_DIR: backups, BACKUP_KEEP: '2' }, encoding: 'utf8' });
    expect(backup.status, backup.stderr).toBe(0);
    const left = readdirSync(backups).filter((f) => f.endsWith('.rdb')).sort();
    expect(left).toHaveLength(2);
    expect(left[1]).toBe(backup.stdout.trim().split('/').at(-1));
  }, 30_000);

  it('restore refuses a missing backup file without touching the data dir', () => {
    const result = spawnSync('sh', [script('redis-restore.sh'), join(backups, 'nope.rdb'), server.dir], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no such backup/);
  });
});
