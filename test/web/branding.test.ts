/** FIRM_NAME and FIRM_LOGO_FILE: every dashboard page names the firm and shows its logo, served by the app itself. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp } from '../../src/web/create-app.tsx';
import { loadBranding, setBranding } from '../../src/web/branding.ts';
import type { ConfigError } from '../../src/config.ts';
import { loadConfig } from '../../src/config.ts';
import { FakeJobCommands } from './fake-job-commands.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

// A 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const dir = mkdtempSync(join(tmpdir(), 'hh-branding-'));
let server: PrivateRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url);
  writeFileSync(join(dir, 'logo.png'), PNG);
  writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  writeFileSync(join(dir, 'huge.png'), Buffer.alloc(300 * 1024));
});
afterAll(async () => {
  setBranding({});
  redis?.disconnect();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('firm branding', () => {
  it('validates FIRM_LOGO_FILE at start: raster images up to 256 KB only', () => {
    expect(loadConfig({ FIRM_NAME: 'Smith & Co CPAs', FIRM_LOGO_FILE: join(dir, 'logo.png') }).FIRM_NAME).toBe('Smith & Co CPAs');
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ FIRM_LOGO_FILE: join(dir, 'logo.svg') })[0]).toMatch(/^FIRM_LOGO_FILE: must be a \.png, \.jpg or \.webp file/);
    expect(problems({ FIRM_LOGO_FILE: join(dir, 'huge.png') })[0]).toMatch(/^FIRM_LOGO_FILE: must be at most 256 KB/);
    expect(problems({ FIRM_LOGO_FILE: join(dir, 'missing.png') })[0]).toMatch(/^FIRM_LOGO_FILE: no readable file/);
  });

  it('shows the firm on the pages and serves the logo from the app', async () => {
    setBranding(loadBranding({ firmName: 'Smith & Co CPAs', logoFile: join(dir, 'logo.png') }));
    const app = createApp({
      connectionStatus: () => Promise.resolve({ mode: 'demo', server: '', connected: true }),
      webhooks: { redis, verificationToken: 'unused', log: pino({ level: 'silent' }) },
      jobs: new FakeJobCommands(),
    });
    // No user yet: the first-admin setup page, in the same page shell as every other.
    const page = await (await app.request('/setup')).text();
    expect(page).toContain('Smith &amp; Co CPAs · IRS Hold Hunter');
    expect(page).toContain('<img class="firm-logo" src="/firm-logo"');
    const logo = await app.request('/firm-logo');
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await logo.arrayBuffer()).equals(PNG)).toBe(true);

    setBranding({});
    expect(await (await app.request('/setup')).text()).not.toContain('firm-logo');
    expect((await app.request('/firm-logo')).status).toBe(404);
  });
});
