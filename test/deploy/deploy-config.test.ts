/**
 * fly.toml, docker-compose.yml and the Dockerfile agree with the app: the port it listens on, the health routes
 * it serves, the command that starts it, and a shutdown window longer than the app's own deadline.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { parseDockerfile, runtimeOf } from '../../scripts/docker-steps.ts';
import { opsRoutes } from '../../src/web/ops-routes.ts';
import { SHUTDOWN_DEADLINE_MS } from '../../src/cli/on-shutdown.ts';
import { loadConfig } from '../../src/config.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(`${root}${file}`, 'utf8');

const dockerfile = parseDockerfile(read('Dockerfile'));
const runtime = runtimeOf(dockerfile);
const fly = parseToml(read('fly.toml')) as any;
// Compose resolves YAML merge keys (<<: *app), as YAML 1.1 did.
const compose = parseYaml(read('docker-compose.yml'), { merge: true });
const packageJson = JSON.parse(read('package.json')) as { bin: Record<string, string>; scripts: Record<string, string> };
const ops = opsRoutes();
const seconds = (value: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[m[2] as string]!;
};

describe('Dockerfile', () => {
  it('builds on Node 22 slim in stages, installs production dependencies only, and runs as a non-root user', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile.stages.every((s) => s.from === 'node:22-slim')).toBe(true);
    const runs = dockerfile.stages.flatMap((s) => s.instructions.filter((i) => i.op === 'RUN').map((i) => i.args));
    expect(runs.some((r) => /npm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runtime.user).toBe('node');
    expect(runtime.stage.instructions.some((i) => i.op === 'COPY' && i.flags.from === dockerfile.stages[0]!.name)).toBe(true);
  });

  it("starts `hold-hunter serve` (package.json's bin), listens on the port it exposes, and checks /healthz", async () => {
    expect(runtime.cmd).toEqual(['node', packageJson.bin['hold-hunter'], 'serve']);
    expect(packageJson.scripts.start).toMatch(/ serve$/);
    expect(runtime.expose).toEqual([runtime.env.PORT]);
    // The image's environment is a valid configuration for the app.
    expect(loadConfig({ ...runtime.env }).PORT).toBe(Number(runtime.env.PORT));
    expect(runtime.healthcheck?.exec?.join(' ')).toContain('/healthz');
    expect((await ops.request('/healthz')).status).toBe(200);
  });
});

describe('fly.toml', () => {
  it('serves HTTP on the port the image listens on', () => {
    expect(fly.http_service.internal_port).toBe(Number(runtime.env.PORT));
    expect(fly.env.PORT).toBe(runtime.env.PORT);
    expect(fly.build.dockerfile).toBe('Dockerfile');
    expect(fly.env.APP_ENV).toBe('production');
  });

  it('checks /healthz and /readyz, routes the app serves', async () => {
    const paths = fly.http_service.checks.map((c: { path: string }) => c.path).sort();
    expect(paths).toEqual(['/healthz', '/readyz']);
    for (const path of paths) expect((await ops.request(path)).status).toBe(200);
    for (const check of fly.http_service.checks) expect(check.method).toBe('GET');
  });

  it('keeps at least two machines running, never stops them for idleness, and limits concurrency', () => {
    expect(fly.http_service.min_machines_running).toBeGreaterThanOrEqual(2);
    expect(fly.http_service.auto_stop_machines).toBe('off');
    expect(fly.http_service.concurrency.hard_limit).toBeGreaterThan(fly.http_service.concurrency.soft_limit);
  });

  it('gives the graceful shutdown longer than its own deadline before SIGKILL', () => {
    expect(fly.kill_signal).toBe('SIGTERM');
    expect(fly.kill_timeout * 1000).toBeGreaterThan(SHUTDOWN_DEADLINE_MS);
  });
});

describe('docker-compose.yml', () => {
  const apps = Object.entries(compose.services as Record<string, any>).filter(([, s]) => s.build !== undefined);

  it('runs two app instances from the Dockerfile against the redis service', () => {
    expect(apps.map(([name]) => name).sort()).toEqual(['app-1', 'app-2']);
    for (const [, app] of apps) {
      expect(app.build).toBe('.');
      expect(app.environment.REDIS_URL).toBe('redis://redis:6379');
      expect(app.depends_on.redis.condition).toBe('service_healthy');
      expect(app.restart).toBe('unless-stopped');
      expect(app.environment.APP_ENV).toBe('production');
    }
  });

  it("checks each instance's /readyz on the port it listens on", () => {
    for (const [, app] of apps) {
      expect(app.expose).toEqual([app.environment.PORT]);
      expect(app.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${app.environment.PORT}/readyz`);
      // No command override: the image's CMD (hold-hunter serve) runs.
      expect(app.command).toBeUndefined();
    }
  });

  it('lets the graceful shutdown finish before SIGKILL', () => {
    for (const [, app] of apps) {
      expect(app.stop_signal).toBe('SIGTERM');
      expect(seconds(app.stop_grace_period) * 1000).toBeGreaterThan(SHUTDOWN_DEADLINE_MS);
    }
  });

  it('keeps Redis data: AOF fsync every second plus RDB snapshots on a named volume, no eviction', () => {
    const redis = compose.services.redis;
    const args = (redis.command as string[]).join(' ');
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--appendfsync everysec/);
    expect(args).toMatch(/--save \d+ \d+/);
    expect(args).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.volumes).toContain('redis-data:/data');
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(redis.restart).toBe('unless-stopped');
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('balances over both instances by their /readyz', () => {
    const caddyfile = read('deploy/Caddyfile');
    for (const [name, app] of apps) expect(caddyfile).toContain(`${name}:${app.environment.PORT}`);
    expect(caddyfile).toMatch(/health_uri \/readyz/);
  });
});
