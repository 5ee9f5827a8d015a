/**
 * `npm run bench:load` at a tiny size: it starts its own Redis, the simulator and one `serve` instance, runs two
 * small hunts to the end, and prints the report an operator reads. Only the shape and the correctness verdict are
 * checked here (timings are the benchmark's business, never a test's).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/bench-load.ts', ...args], { cwd: ROOT, timeout: 170_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('bench:load', () => {
  it('runs 2 jobs × 3 call-out lines on one instance and reports every figure with a passing transfer check', async () => {
    const { code, stdout, stderr } = await runBench(['--instances=1', '--jobs=2', '--lines=3', '--call-out']);
    expect(code, stderr).toBe(0);
    for (const label of ['jobs', 'transfers', 'webhooks', 'webhook ack (ms)', 'transfer (ms)', 'budget wait (ms)', 'detection (ms)', 'redis']) {
      expect(stdout).toMatch(new RegExp(`^  ${label.replace(/[()]/g, '\\$&')}\\s`, 'm'));
    }
    expect(stdout).toMatch(/^ {2}jobs\s+2 completed of 2; 0 errors; [\d.]+ jobs\/min/m);
    expect(stdout).toMatch(/^ {2}transfers\s+2 reached the firm; missed 0, double 0/m);
    expect(stdout).toMatch(/^ {2}instance 1\s+\d+ %\s+\d+ MiB$/m);
    expect(stdout).toMatch(/^ {2}redis-server\s+\d+ %\s+\d+ MiB$/m);
    expect(stdout).toContain('check: no missed or double transfer — PASS');
  }, 180_000);

  it('posts signed notifications open-loop at one instance and reports every answer as a 200', async () => {
    const { code, stdout, stderr } = await runBench(['--mode=webhooks', '--rate=200', '--seconds=2']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^ {2}sent\s+400 in [\d.]+ s \(\d+\/s\); answers: 200 × 400$/m);
    for (const label of ['ack (ms)', 'redis', 'instance CPU', 'web thread', 'steal']) {
      expect(stdout).toMatch(new RegExp(`^  ${label.replace(/[()]/g, '\\$&')}\\s`, 'm'));
    }
    expect(stdout).toContain('target p99 <= 20 ms at 2,000/s: n/a (rate below 2,000/s)');
  }, 120_000);

  it('refuses an unknown mode with a clear message', async () => {
    const { code, stderr } = await runBench(['--mode=fast']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--mode must be hunts, webhooks or actors, got fast');
  });
});
