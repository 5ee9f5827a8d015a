/**
 * The operator alert in a real browser: a suspected-live line or the IRS voice check raises the alert banner,
 * dashboard.js sounds it once, flags the title and (when allowed) notifies; a new alert arriving over SSE does the
 * same; "Take this line" sends transfer-now. In-process app with a stand-in JobCommands (Redis db 4, read-mostly).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { Redis } from 'ioredis';
import { createApp } from '../../src/web/create-app.tsx';
import { JobLiveFeed } from '../../src/web/job-live-feed.ts';
import { uiChannel } from '../../src/engine/job-history.ts';
import { jobKeys } from '../../src/store/redis-keys.ts';
import { launchChromium } from '../support/chromium.ts';
import { axeViolations, screenshot } from '../support/dashboard-browser.ts';
import { FakeJobCommands } from '../web/fake-job-commands.ts';
import { runTag } from '../web/web-fixtures.ts';
import { createTestUser, signedInPage } from '../support/auth-session.ts';
import type { TestUser } from '../support/auth-session.ts';

const REDIS_URL = 'redis://127.0.0.1:6379/4';
let redis: Redis;
let feed: JobLiveFeed;
let server: ReturnType<typeof serve>;
let url = '';
let browser: Browser;
let user: TestUser;
const jobs = new FakeJobCommands();
const jobId = `job-alert-${runTag()}`;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  feed = new JobLiveFeed(redis);
  user = await createTestUser(redis, 'operator');
  const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), jobs, dashboard: { redis, feed, lineMode: 'softphone' } });
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  url = `http://127.0.0.1:${address.port}`;
  const seed = await jobs.create({ lines: 3 }, 'seed');
  jobs.jobs.delete(seed.id);
  const now = Date.now();
  jobs.jobs.set(jobId, {
    ...seed,
    id: jobId,
    status: 'hunting',
    detection: { mode: 'audio', note: 'The detector listens to every line.' },
    calls: [
      { callId: 'call-1', status: 'suspected-live', attempt: 1, since: { dialing: now - 90_000, holding: now - 60_000, 'suspected-live': now - 2_000 }, confidence: 0.72 },
      { callId: 'call-2', status: 'holding', attempt: 1, since: { dialing: now - 90_000, holding: now - 50_000 }, confidence: 0.1 },
      { callId: 'call-3', status: 'holding', attempt: 1, since: { dialing: now - 90_000, holding: now - 40_000 } },
    ],
  });
  browser = await launchChromium(chromium);
}, 60_000);

afterAll(async () => {
  await user?.remove();
  await browser?.close();
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    if (server && 'closeAllConnections' in server) server.closeAllConnections();
  });
  await feed?.close();
  redis?.disconnect();
});

describe('the live connection', () => {
  it('resumes after a dropped connection without losing or repeating an event', async () => {
    const history = jobKeys(jobId).history;
    const entry = (to: string) => JSON.stringify({ at: Date.now(), actor: 'call-2', from: 'holding', to, event: 'test' });
    await redis.xadd(history, '*', 'h', entry('holding'));
    const page = await signedInPage(browser, url, user);
    await page.goto(`${url}/jobs/${jobId}`);
    await expect.poll(() => page.locator('#live-status').innerText()).toContain('Live');
    expect(await page.locator('#event-log li').count()).toBe(1);
    // Every open connection is cut (as a proxy or a restarting instance would); the browser reconnects by itself.
    if ('closeAllConnections' in server) server.closeAllConnections();
    await expect.poll(() => page.locator('#live-status').innerText()).toContain('interrupted');
    await redis.xadd(history, '*', 'h', entry('suspected-live'));
    await redis.publish(uiChannel(jobId), JSON.stringify({ jobId, status: 'hunting', entries: [] }));
    await expect.poll(() => page.locator('#live-status').innerText(), { timeout: 15_000 }).toContain('Live');
    await redis.xadd(history, '*', 'h', entry('holding'));
    await redis.publish(uiChannel(jobId), JSON.stringify({ jobId, status: 'hunting', entries: [] }));
    await expect.poll(() => page.locator('#event-log li').count(), { timeout: 15_000 }).toBe(3);
    const ids = await page.evaluate<string[]>(`[...document.querySelectorAll('#event-log li')].map((li) => li.id)`);
    expect(new Set(ids).size).toBe(3);
    await redis.del(history);
    await page.close();
  }, 60_000);
});

describe('the operator alert', () => {
  it('announces a suspected line at once and a voice check pushed over SSE, and takes the line on request', async () => {
    const page = await signedInPage(browser, url, user);
    await page.goto(`${url}/jobs/${jobId}`);
    await expect.poll(() => page.locator('#operator-alert').innerText()).toContain('Line 1 may have a live agent (72% confident)');
    await expect.poll(() => page.evaluate<string | null>('document.documentElement.getAttribute("data-last-alert")')).toBe('IRS Hold Hunter: an operator is needed');
    await expect.poll(() => page.title()).toMatch(/^\(!\) /);
    expect(await page.getAttribute('#line-call-1', 'class')).toContain('needs-operator');
    await expect.poll(() => page.locator('#live-status').innerText()).toContain('Live');

    // The engine raises the voice check on line 3: the board is pushed and the alert grows by one key.
    const view = jobs.jobs.get(jobId);
    if (!view) throw new Error('job vanished');
    jobs.jobs.set(jobId, { ...view, alerts: [{ callId: 'call-3', kind: 'voice-check', at: Date.now() }] });
    await page.evaluate('document.documentElement.removeAttribute("data-last-alert")');
    await redis.publish(uiChannel(jobId), JSON.stringify({ jobId, alert: { callId: 'call-3', kind: 'voice-check', at: Date.now() } }));
    await expect.poll(() => page.locator('#operator-alert').innerText()).toContain('Line 3: the IRS voice check');
    await expect.poll(() => page.evaluate<string | null>('document.documentElement.getAttribute("data-last-alert")')).toBe('IRS Hold Hunter: an operator is needed');
    expect((await axeViolations(page)).map((v) => v.id)).toEqual([]);
    await screenshot(page, '14-operator-alert');

    await page.click('#take-call-3');
    await expect.poll(() => jobs.sent.map((s) => `${s.command.type}:${'callId' in s.command ? s.command.callId : ''}`)).toContain('transfer-now:call-3');
    await page.close();
  }, 60_000);
});
