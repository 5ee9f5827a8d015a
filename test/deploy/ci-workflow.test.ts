/** The GitHub Actions workflow tests every push and pull request with a Redis service and deploys main to Fly only with a token. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const workflow = parse(readFileSync(fileURLToPath(new URL('../../.github/workflows/ci.yml', import.meta.url)), 'utf8'));

describe('.github/workflows/ci.yml', () => {
  it('runs on every push and pull request', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  });

  it('tests with Redis as a service on 6379 through the same entry point as CI here (.ci/run)', () => {
    const test = workflow.jobs.test;
    expect(test.services.redis.image).toMatch(/^redis:7/);
    expect(test.services.redis.ports).toContain('6379:6379');
    expect(test.steps.map((s: { run?: string }) => s.run ?? '').join('\n')).toMatch(/bash \.ci\/run/);
  });

  it('deploys to Fly from main after the tests, only when FLY_API_TOKEN is set', () => {
    const deploy = workflow.jobs.deploy;
    expect(deploy.needs).toBe('test');
    expect(deploy.if).toContain("github.ref == 'refs/heads/main'");
    expect(deploy.env.FLY_API_TOKEN).toBe('${{ secrets.FLY_API_TOKEN }}');
    const run = deploy.steps.find((s: { run?: string }) => s.run?.includes('flyctl deploy'));
    expect(run.if).toBe("env.FLY_API_TOKEN != ''");
  });
});
