import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WinnerLock } from '../../src/store/winner-lock.ts';
import { createRedis } from '../../src/store/redis-client.ts';
import { TEST_REDIS } from '../support/redis-url.ts';

const redis = createRedis(TEST_REDIS);
const log = pino({ level: 'silent' });

afterAll(async () => {
  await redis.quit();
});

describe('winner lock (Redlock, efficiency only)', () => {
  it('keeps two holders from being inside one job section at the same time', async () => {
    const jobId = `lock-${randomUUID()}`;
    const a = new WinnerLock(redis, log);
    const b = new WinnerLock(redis, log);
    let inside = 0;
    let overlap = false;
    const section = async (): Promise<void> => {
      inside += 1;
      if (inside > 1) overlap = true;
      await new Promise((resolve) => setTimeout(resolve, 40));
      inside -= 1;
    };
    await Promise.all([a.around(jobId, section), b.around(jobId, section)]);
    expect(overlap).toBe(false);
  });

  it('lets a holder nest sections of the same job (claim, then hand-off) without waiting on itself', async () => {
    const jobId = `lock-${randomUUID()}`;
    const lock = new WinnerLock(redis, log);
    const started = Date.now();
    const result = await lock.around(jobId, () => lock.around(jobId, () => Promise.resolve('done')));
    expect(result).toBe('done');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('still runs the section when the lock cannot be had: correctness rests on the compare-and-set', async () => {
    const jobId = `lock-${randomUUID()}`;
    const holder = new WinnerLock(redis, log);
    const other = new WinnerLock(redis, log);
    let ran = false;
    await holder.around(jobId, async () => {
      await other.around(jobId, async () => {
        ran = true;
      });
    });
    expect(ran).toBe(true);
  });

  it('takes the lock under tsx, as `serve` runs the engine (not only under the test runner)', () => {
    // tsx once loaded redlock's declaration file instead of the library (tsconfig paths), so acquire was missing.
    const dir = mkdtempSync(join(tmpdir(), 'hh-winner-lock-'));
    const script = join(dir, 'probe.mts');
    const module = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    writeFileSync(
      script,
      `import { createRedis } from ${JSON.stringify(module('../../src/store/redis-client.ts'))};
import { WinnerLock } from ${JSON.stringify(module('../../src/store/winner-lock.ts'))};
const redis = createRedis(${JSON.stringify(TEST_REDIS)}, { name: 'winner-lock-probe' });
let warnings = 0;
const log = { warn: () => void (warnings += 1) };
const result = await new WinnerLock(redis, log as never).around('probe-${randomUUID()}', async () => 'inside');
redis.disconnect();
console.log(JSON.stringify({ result, warnings }));
`,
    );
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', timeout: 30_000 });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout.trim())).toEqual({ result: 'inside', warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
