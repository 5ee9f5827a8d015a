/**
 * The sign-in and administration pages in real Chromium under the app's strict CSP: an admin logs in through the
 * form, adds a user (the generated password shown once), changes a role, creates an API token on the account page
 * (shown once), reads the audit log, and logs out; every page passes axe, and no page of the dashboard triggers a
 * CSP violation (no inline script or style anywhere). Screenshots go to test-artifacts/dashboard/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { createApp } from '../../src/web/create-app.tsx';
import { JobLiveFeed } from '../../src/web/job-live-feed.ts';
import { launchChromium } from '../support/chromium.ts';
import { axeViolations, screenshot } from '../support/dashboard-browser.ts';
import { createTestUser, signInBrowser } from '../support/auth-session.ts';
import type { TestUser } from '../support/auth-session.ts';
import { FakeJobCommands } from './fake-job-commands.ts';
import { REDIS_URL, runTag } from './web-fixtures.ts';
import { authKeys } from '../../src/store/redis-keys.ts';

let redis: Redis;
let feed: JobLiveFeed;
let server: ReturnType<typeof serve>;
let url = '';
let browser: Browser;
let admin: TestUser;
const jobs = new FakeJobCommands();
let jobId = '';
const added = `added-${runTag()}`;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  feed = new JobLiveFeed(redis);
  admin = await createTestUser(redis, 'admin');
  const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), jobs, dashboard: { redis, feed, lineMode: 'softphone' } });
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  url = `http://127.0.0.1:${address.port}`;
  const job = await jobs.create({ lines: 1 }, 'seed');
  job.status = 'hunting';
  job.calls.push({ callId: 'call-1', status: 'holding', attempt: 1, since: { dialing: Date.now() - 60_000, holding: Date.now() - 30_000 } });
  jobId = job.id;
  browser = await launchChromium(chromium);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await admin?.remove();
  await redis?.del(authKeys.user(added), authKeys.userTokens(added));
  await redis?.srem(authKeys.users, added);
  await feed?.close();
  redis?.disconnect();
});

/** CSP violations the page reports (console errors naming the Content Security Policy). */
function cspWatch(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

async function expectAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe('sign-in and administration pages', () => {
  it('logs in, manages a user, creates a token, reads the audit log, logs out — accessible, within the CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const csp = cspWatch(page);
    await page.goto(`${url}/users`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await expectAccessible(page);
    await screenshot(page, 'auth-01-login');
    await page.fill('#username', admin.username);
    await page.fill('#password', 'wrong password!');
    await page.click('button[type="submit"]');
    await expect.poll(() => page.locator('#login-error').innerText()).toBe('Wrong username or password.');
    await signInBrowser(page, url, admin);

    await page.goto(`${url}/users`);
    await page.fill('#username', added);
    await page.selectOption('#role', 'operator');
    await page.click('#add-user button[type="submit"]');
    await expect.poll(() => page.locator('#new-password').innerText()).toContain(added);
    expect((await page.locator('#new-password .secret').innerText()).length).toBeGreaterThanOrEqual(20);
    await page.selectOption(`#role-${added}`, 'viewer');
    await page.click(`#user-${added} button:has-text("Set")`);
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Role changed.');
    expect(await page.locator(`#role-${added}`).inputValue()).toBe('viewer');
    await expectAccessible(page);
    await screenshot(page, 'auth-02-users');

    await page.goto(`${url}/account`);
    await page.fill('#name', 'laptop script');
    await page.selectOption('#scope', 'read');
    await page.click('#new-token-form button[type="submit"]');
    const token = await page.locator('#new-token .secret').innerText();
    expect(token).toMatch(/^hh_/);
    expect((await fetch(`${url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    await expectAccessible(page);
    await screenshot(page, 'auth-03-account');

    await page.goto(`${url}/audit?actor=${admin.username}`);
    await expect.poll(() => page.locator('#audit-table').innerText()).toContain('user.create');
    expect(await page.locator('#audit-table').innerText()).toContain('token.create');
    await expectAccessible(page);
    await screenshot(page, 'auth-04-audit');

    await page.click('input[value="Log out"]');
    await page.waitForURL(/\/login\?out=1/);
    await page.goto(`${url}/jobs`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(csp).toEqual([]);
    await page.close();
  }, 60_000);

  it('serves every dashboard page without a CSP violation', async () => {
    const page = await browser.newPage();
    const csp = cspWatch(page);
    await signInBrowser(page, url, admin);
    for (const path of ['/', '/hunts/new', '/jobs', '/analytics', '/extensions', '/pools', '/queues', '/destinations', '/settings/detection', '/users', '/account', '/audit', '/docs']) {
      const response = await page.goto(`${url}${path}`);
      expect(response?.status(), path).toBe(200);
      await page.waitForLoadState('networkidle');
    }
    expect(csp).toEqual([]);
    await page.close();
  }, 60_000);

  it('offers each role only the controls it may use', async () => {
    const visible = async (role: 'viewer' | 'operator' | 'admin') => {
      const user = await createTestUser(redis, role);
      try {
        const page = await browser.newPage();
        await signInBrowser(page, url, user);
        await page.goto(`${url}/jobs/${jobId}`);
        const cancel = await page.locator('#cancel-job').isVisible();
        const start = await page.goto(`${url}/jobs`).then(() => page.locator('a[href="/hunts/new"]').first().isVisible());
        await page.goto(`${url}/extensions`);
        const sync = await page.locator('#sync-extensions').isVisible();
        const table = await page.locator('#main table').first().isVisible();
        await page.close();
        return { cancel, start, sync, table };
      } finally {
        await user.remove();
      }
    };
    expect(await visible('viewer')).toEqual({ cancel: false, start: false, sync: false, table: true });
    expect(await visible('operator')).toEqual({ cancel: true, start: true, sync: false, table: true });
    expect(await visible('admin')).toEqual({ cancel: true, start: true, sync: true, table: true });
  }, 60_000);
});
