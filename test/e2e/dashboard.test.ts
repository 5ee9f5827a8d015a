/**
 * The operator dashboard in real Chromium against `hold-hunter serve` in demo mode (the embedded simulator's
 * `fast-agent` line): start a hunt from the form, watch the live board, confirm a line by hand and see the
 * transferred banner; the line's timeline; the jobs list and its CSV; and a 70-line board kept live in two
 * browsers connected to two app instances that share Redis. Screenshots go to test-artifacts/dashboard/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { Redis } from 'ioredis';
import { spawnApp } from '../support/spawn-app.ts';
import type { SpawnedApp } from '../support/spawn-app.ts';
import { launchChromium } from '../support/chromium.ts';
import { eventually } from '../support/eventually.ts';
import { axeViolations, screenshot, simulatorUrl, syncDirectoryFrom } from '../support/dashboard-browser.ts';
import { createTestUser, signedInPage } from '../support/auth-session.ts';
import type { TestUser } from '../support/auth-session.ts';
import { startOwnRedis } from '../support/own-redis-server.ts';
import type { OwnRedis } from '../support/own-redis-server.ts';

// A Redis of this suite's own: the two app instances below share it, and no other test file can touch its keys.
let own: OwnRedis;
let REDIS_URL = '';
// One SESSION_SECRET for both instances: a session signed in on one is valid on the other.
const env = () => ({ REDIS_URL, SIM_SCENARIO: 'fast-agent', API_TOKEN: 'dashboard-test-token', SESSION_SECRET: 'dashboard-test-session-secret-0123456789abcdef' });

let app: SpawnedApp;
let browser: Browser;
let redis: Redis;
/** The admin these browser tests sign in as (the pages include settings, extensions and queues). */
let user: TestUser;
const spawned: SpawnedApp[] = [];

beforeAll(async () => {
  own = await startOwnRedis();
  REDIS_URL = own.url;
  redis = own.redis;
  user = await createTestUser(redis, 'admin');
  app = await spawnApp(env(), 30_000);
  spawned.push(app);
  // Wait for the app's own first directory pass, then fill in every device at once (the app's pass is paced).
  await eventually(async () => (await redis.hlen('hh:extensions')) > 0, 20_000, 'the first directory sync');
  await syncDirectoryFrom(simulatorUrl(app.output()), REDIS_URL);
  browser = await launchChromium(chromium);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(spawned.map((a) => a.stop()));
  await own?.stop();
}, 90_000);

async function expectAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe('the operator dashboard in demo mode', () => {
  let jobUrl = '';
  let winnerLine = '';

  it('starts a hunt from the form: field errors first, then the live board up to the transferred banner', async () => {
    const page = await signedInPage(browser, app.url, user, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${app.url}/hunts/new`);
    await expect.poll(() => page.title()).toContain('Start a hunt');
    await expect.poll(() => page.locator('#destinationId option:checked').innerText()).toContain('IRS Practitioner Priority Service');
    // The dial-time estimate follows the number of lines (htmx GET /hunts/estimate).
    await page.fill('#lines', '40');
    await expect.poll(() => page.locator('#dial-estimate').innerText()).toContain('Dialling 40 lines takes about 3.9 s');
    await expectAccessible(page);
    await screenshot(page, '01-start-form');

    // Server-side validation with the API's schema, the error next to the field.
    await page.fill('#lines', '0');
    await page.fill('#deadlineMinutes', '9999');
    await page.click('form[action="/hunts"] button[type=submit]');
    await expect.poll(() => page.locator('#lines-error').innerText()).toBe('Lines must be at least 1');
    expect(await page.getAttribute('#lines', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#lines', 'aria-describedby')).toContain('lines-error');
    expect(await page.locator('#deadlineMinutes-error').innerText()).toContain('at most 720 minutes');
    await expectAccessible(page);
    await screenshot(page, '02-start-form-errors');

    await page.fill('#lines', '2');
    await page.fill('#deadlineMinutes', '30');
    await page.click('form[action="/hunts"] button[type=submit]');
    await page.waitForURL(/\/jobs\/job-[a-z0-9-]+$/);
    jobUrl = page.url();
    await expect.poll(() => page.locator('#live-status').innerText(), { timeout: 10_000 }).toContain('Live');
    await expect.poll(() => page.locator('tr.line').count(), { timeout: 15_000 }).toBe(2);

    // A line past dialling can be confirmed by hand (the IVR or hold): the operator's click wins.
    const answered = page.locator('tr.line[data-status="ivr"], tr.line[data-status="holding"], tr.line[data-status="suspected-live"]').first();
    await answered.waitFor({ timeout: 45_000 });
    await screenshot(page, '03-board-live');
    winnerLine = ((await answered.getAttribute('id')) ?? '').replace(/^line-/, '');
    // By keyboard, as an operator in a hurry: focus the line, press C (Confirm live).
    await page.focus(`#line-${winnerLine}`);
    await page.keyboard.press('c');
    await expect.poll(() => page.locator('#winner-banner').innerText().catch(() => ''), { timeout: 60_000 }).toContain('Transferred: line');
    await expect.poll(() => page.locator(`#line-${winnerLine}`).getAttribute('data-status')).toBe('transferred');
    await expect.poll(() => page.locator('#job-status').innerText(), { timeout: 30_000 }).toBe('Completed');
    expect(await page.locator('#event-log li').count()).toBeGreaterThan(4);
    await expectAccessible(page);
    await screenshot(page, '04-board-transferred');

    // Tablet width: the board still fits and its actions stay reachable.
    await page.setViewportSize({ width: 820, height: 1100 });
    await screenshot(page, '05-board-tablet');
    await page.close();
  }, 180_000);

  it("shows the winning line's path through its statechart", async () => {
    const page = await signedInPage(browser, app.url, user);
    await page.goto(jobUrl);
    await page.click(`#line-${winnerLine} th a`);
    await expect.poll(() => page.locator('h1').innerText()).toContain(winnerLine);
    const path = await page.locator('section[aria-labelledby="path-heading"] tbody').innerText();
    for (const state of ['dialing', 'transferring', 'transferred']) expect(path).toContain(state);
    await expectAccessible(page);
    await screenshot(page, '06-call-timeline');
    await page.close();
  }, 60_000);

  it('lists the job with its outcome, filters it, and exports CSV', async () => {
    const page = await signedInPage(browser, app.url, user);
    await page.goto(`${app.url}/jobs`);
    const jobId = jobUrl.split('/').pop() ?? '';
    const row = page.locator('#jobs-table tbody tr', { hasText: jobId });
    await expect.poll(() => row.innerText()).toContain('transferred');
    // Started by the signed-in user, by name.
    expect(await row.innerText()).toContain(user.username);
    await expectAccessible(page);
    await screenshot(page, '07-jobs');
    await page.fill('#q', 'no-such-job');
    await expect.poll(() => page.locator('#jobs-table').innerText()).toContain('No job matches');
    await page.fill('#q', jobId.slice(-6));
    await expect.poll(() => page.locator('#jobs-table tbody tr').count()).toBe(1);
    const csv = await (await page.request.get(`${app.url}/jobs.csv?q=${jobId}`)).text();
    expect(csv.split('\r\n')[0]).toBe('job_id,started_at_utc,destination,status,outcome,time_to_agent_seconds,lines,dials,started_by,target,queue,pool,answered,courtesy_disconnects,hold_drops,confirmed_by');
    expect(csv).toContain(`"${jobId}"`);
    expect(csv).toContain('"transferred"');
    await page.close();
  }, 60_000);
});

describe('the extensions page', () => {
  it('filters, disables and re-enables extensions one by one and in bulk, and releases a stuck reservation', async () => {
    const page = await signedInPage(browser, app.url, user);
    const ids = Object.keys(await redis.hgetall('hh:extensions')).sort();
    const [first = '', second = '', third = ''] = ids;
    // A reservation left behind by a hunt that no longer exists.
    await redis.hset('hh:ext:reservations', third, 'job-vanished call-1#1');
    await page.goto(`${app.url}/extensions`);
    await expect.poll(() => page.locator('#extensions-table tbody tr').count()).toBe(ids.length);
    await expectAccessible(page);
    await screenshot(page, '11-extensions');

    await page.click(`#toggle-${first}`);
    await expect.poll(() => page.locator('#notice').innerText()).toBe('1 extension disabled.');
    expect(JSON.parse((await redis.hget('hh:extensions', first)) ?? '{}').enabled).toBe(false);
    await page.selectOption('#show', 'disabled');
    await page.click('form[role=search] button[type=submit]');
    await expect.poll(() => page.locator('#extensions-table tbody tr').count()).toBe(1);

    await page.selectOption('#show', '');
    await page.click('form[role=search] button[type=submit]');
    await page.check(`#pick-${first}`);
    await page.check(`#pick-${second}`);
    await page.click('#bulk-enable');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('1 extension enabled for hunting.');

    await page.selectOption('#show', 'stuck');
    await page.click('form[role=search] button[type=submit]');
    await expect.poll(() => page.locator(`#ext-${third}`).innerText()).toContain('stuck');
    await page.click(`#release-${third}`);
    await expect.poll(() => page.locator('#notice').innerText()).toContain('Reservation released');
    expect(await redis.hexists('hh:ext:reservations', third)).toBe(0);
    await page.close();
  }, 60_000);
});

describe('the queues and destinations pages', () => {
  it('sets the default queue and a transfer number that the next hunt hands off to', async () => {
    const page = await signedInPage(browser, app.url, user);
    await page.goto(`${app.url}/queues`);
    await expect.poll(() => page.locator('#queues-table tbody tr').count()).toBeGreaterThan(10);
    await page.click('#default-802');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Default queue saved.');
    expect(await page.locator('#queue-802').innerText()).toContain('Default');
    await page.fill('#number-803', '12345');
    await page.click('#save-803');
    await expect.poll(() => page.locator('#number-803-error').innerText()).toContain('E.164');
    expect(await page.getAttribute('#number-803', 'aria-invalid')).toBe('true');
    await page.fill('#number-803', '+12125550123');
    await page.click('#save-803');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Transfer number saved.');
    await expectAccessible(page);
    await screenshot(page, '12-queues');
    await page.goto(`${app.url}/hunts/new`);
    await expect.poll(() => page.locator('#target option').first().innerText()).toBe('Default: queue 802');
    await page.close();
  }, 60_000);

  it('adds a destination with an IVR script previewed as a timeline, makes it default, edits and deletes it', async () => {
    const page = await signedInPage(browser, app.url, user);
    await page.goto(`${app.url}/destinations`);
    await page.fill('#id', 'test-line');
    await page.fill('#name', 'Test line');
    await page.fill('#phoneNumber', '+1 866');
    await page.fill('input[name=digits] >> nth=0', '1');
    await page.fill('input[name=seconds] >> nth=0', '2');
    await page.fill('input[name=digits] >> nth=1', '2');
    await page.fill('input[name=seconds] >> nth=1', '45');
    await expect.poll(() => page.locator('#ivr-preview').innerText()).toContain('47 s: press 2');
    await page.click('#save-destination');
    await expect.poll(() => page.locator('#phoneNumber-error').innerText()).toContain('E.164');
    await page.fill('#phoneNumber', '+18005550100');
    await page.click('#save-destination');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Destination saved.');
    expect(await page.locator('#dest-test-line').innerText()).toContain('1 after 2 s, 2 after 45 s');
    await page.click('#default-test-line');
    await expect.poll(() => page.locator('#dest-test-line').innerText()).toContain('Default');
    await page.goto(`${app.url}/hunts/new`);
    await expect.poll(() => page.locator('#destinationId option:checked').innerText()).toContain('Test line');
    await page.goto(`${app.url}/destinations?edit=test-line`);
    await expect.poll(() => page.inputValue('input[name=seconds] >> nth=1')).toBe('45');
    await expectAccessible(page);
    await screenshot(page, '13-destinations');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#delete-test-line');
    await expect.poll(() => page.locator('#notice').innerText().catch(() => '')).toContain('Destination deleted');
    expect(await page.locator('#dest-test-line').count()).toBe(0);
    await page.close();
  }, 60_000);
});

describe('the detection settings page', () => {
  it('saves live thresholds with a history entry, refuses invalid settings next to the field, and runs a shadow set', async () => {
    const page = await signedInPage(browser, app.url, user);
    await page.goto(`${app.url}/settings/detection`);
    await expect.poll(() => page.inputValue('#confirmThreshold')).toBe('0.9');
    await page.fill('#confirmThreshold', '1.5');
    await page.click('#save-live');
    await expect.poll(() => page.locator('#confirmThreshold-error').innerText()).toContain('from 0 to 1');
    expect(await page.getAttribute('#confirmThreshold', 'aria-invalid')).toBe('true');
    await page.fill('#confirmThreshold', '0.85');
    await page.click('#save-live');
    await expect.poll(() => page.locator('#notice').innerText()).toContain('Live settings saved');
    expect(await page.locator('#settings-history tbody').innerText()).toContain('{"confirmThreshold":0.85}');
    await page.fill('#shadow', '{"confirmThreshold": "high"}');
    await page.click('#save-shadow');
    await expect.poll(() => page.locator('#shadow-error').innerText()).not.toBe('');
    await page.fill('#shadow', '{"confirmThreshold": 0.8}');
    await page.click('#save-shadow');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Shadow settings saved.');
    await expectAccessible(page);
    await screenshot(page, '15-detection-settings');
    // Back to the defaults for the hunts that follow.
    await page.fill('#confirmThreshold', '0.9');
    await page.click('#save-live');
    await page.fill('#shadow', '');
    await page.click('#save-shadow');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Shadow settings removed.');
    await page.close();
  }, 60_000);
});

describe('a 70-line hunt watched through two app instances', () => {
  it('keeps both boards live and lets either instance cancel it', async () => {
    const a = await signedInPage(browser, app.url, user, { viewport: { width: 1400, height: 1000 } });
    await a.goto(`${app.url}/hunts/new`);
    await expect.poll(() => a.locator('#lines-hint').innerText()).toMatch(/^(7\d|[89]\d) extensions are free/);
    await a.fill('#lines', '70');
    await a.click('form[action="/hunts"] button[type=submit]');
    await a.waitForURL(/\/jobs\/job-/);
    const path = new URL(a.url()).pathname;
    await expect.poll(() => a.locator('tr.line').count(), { timeout: 30_000 }).toBe(70);

    // A second instance on the same Redis (its own simulator; the job stays with the first instance's engine).
    const second = await spawnApp(env(), 30_000);
    spawned.push(second);
    const b = await signedInPage(browser, second.url, user, { viewport: { width: 1024, height: 1000 } });
    await b.goto(`${second.url}${path}`);
    await expect.poll(() => b.locator('#live-status').innerText(), { timeout: 10_000 }).toContain('Live');
    expect(await b.locator('tr.line').count()).toBe(70);

    // Both boards follow the engine (pushed over SSE, no reload): B's rows change after it loaded, and the two
    // instances' boards agree line by line.
    const statuses = (page: Page) => page.evaluate<string>(`[...document.querySelectorAll('tr.line')].map((r) => r.dataset.status).join(',')`);
    const loaded = await statuses(b);
    await expect.poll(() => statuses(b), { timeout: 60_000 }).not.toBe(loaded);
    await eventually(async () => (await statuses(a)) === (await statuses(b)), 30_000, 'both boards showing the same line states');
    const answered = (await statuses(b)).split(',').filter((s) => s === 'ivr' || s === 'holding').length;
    expect(answered).toBeGreaterThan(0);
    await screenshot(a, '08-seventy-lines-instance-a');
    await screenshot(b, '09-seventy-lines-instance-b');

    // Cancel from the second instance: both boards end as cancelled.
    b.once('dialog', (dialog) => void dialog.accept());
    await b.click('#cancel-job');
    for (const page of [a, b]) await expect.poll(() => page.locator('#job-status').innerText(), { timeout: 60_000 }).toBe('Cancelled');
    await screenshot(b, '10-seventy-lines-cancelled');
    await a.close();
    await b.close();
  }, 240_000);
});
