/**
 * The Dockerfile's steps, replayed without Docker (scripts/docker-steps.ts): production dependencies install, the
 * image's start command answers /readyz with 200 against a Redis of its own, the HEALTHCHECK passes, and SIGTERM
 * ends it cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe('scripts/docker-steps.ts', () => {
  it('builds the image outside Docker and its start command becomes ready', () => {
    const script = fileURLToPath(new URL('../../scripts/docker-steps.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, REDIS_URL: redis.url, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 170_000 });
    const steps = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(steps.find((s) => s.step === 'RUN')).toMatchObject({ args: expect.stringMatching(/npm ci --omit=dev/) });
    expect(steps.find((s) => s.step === 'start')).toMatchObject({ readyz: 200 });
    expect(steps.find((s) => s.what === 'HEALTHCHECK command passes')).toMatchObject({ ok: true });
    expect(steps.find((s) => s.step === 'stop')).toMatchObject({ exitCode: 0 });
    expect(steps.filter((s) => s.step === 'check').every((s) => s.ok === true)).toBe(true);
    expect(steps.at(-1)).toMatchObject({ summary: 'passed' });
    expect(result.status, result.stderr).toBe(0);
  }, 180_000);
});
