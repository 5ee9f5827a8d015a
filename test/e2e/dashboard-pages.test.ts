/**
 * Every dashboard page in real Chromium against `hold-hunter serve` in demo mode (the simulator's `default` line,
 * so lines stay in the IVR and on hold), on a redis-server of this test's own, with a realistic history seeded
 * through the job-history writer: extensions with availability from presence, tags and bulk changes; named pools
 * (create, rename, members one by one and in bulk, delete); a hunt started from a pool that dials only from it;
 * listening live to one of its lines (the browser's player gets a decodable WAV stream); the call timeline; the
 * history page's filters and CSV; queue usage; the analytics page's charts (drawn by chart.js) and advice;
 * destinations and settings. Each page passes axe (WCAG 2.1 A/AA) and is saved as a screenshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { spawnApp } from '../support/spawn-app.ts';
import type { SpawnedApp } from '../support/spawn-app.ts';
import { launchChromium } from '../support/chromium.ts';
import { eventually } from '../support/eventually.ts';
import { axeViolations, screenshot, simulatorUrl, syncDirectoryFrom } from '../support/dashboard-browser.ts';
import { createTestUser, signedInPage } from '../support/auth-session.ts';
import type { TestUser } from '../support/auth-session.ts';
import { startOwnRedis } from '../support/own-redis-server.ts';
import type { OwnRedis } from '../support/own-redis-server.ts';
import { seedHistory } from '../web/seed-history.ts';
import type { SeededHunt } from '../web/seed-history.ts';
import { readPresence } from '../../src/engine/extension-presence.ts';
import { readExtensions } from '../../src/engine/extension-directory.ts';
import { listPools } from '../../src/engine/extension-pools.ts';
import { readJob } from '../../src/engine/job-records.ts';
import { readSummaries } from '../../src/engine/hunt-summary.ts';

let own: OwnRedis;
let app: SpawnedApp;
let browser: Browser;
let admin: TestUser;
let seeded: SeededHunt[];
/** The hunt started from a pool (it counts in the queue usage too). */
let poolJobId = '';

beforeAll(async () => {
  own = await startOwnRedis();
  admin = await createTestUser(own.redis, 'admin');
  seeded = await seedHistory(own.redis, { count: 120, now: Date.now(), prefix: 'job-hist', operators: [admin.username, 'bob'] });
  app = await spawnApp({ REDIS_URL: own.url, SIM_SCENARIO: 'default', API_TOKEN: 'dashboard-pages-token', SESSION_SECRET: 'dashboard-pages-session-secret-0123456789abcdef' }, 30_000);
  await eventually(async () => (await own.redis.hlen('hh:extensions')) > 0, 20_000, 'the first directory sync');
  // Devices and presence for every extension at once (the app's own pass is paced by RingCentral's limits).
  await syncDirectoryFrom(simulatorUrl(app.output()), own.url);
  browser = await launchChromium(chromium);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await own?.stop();
}, 60_000);

async function expectAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

const submitFilters = (page: Page) => page.click('form[role=search] button[type=submit]');

describe('extensions: availability, tags and named pools', () => {
  it('shows availability from presence and filters by it; tags the ticked extensions and filters by tag', async () => {
    const page = await signedInPage(browser, app.url, admin, { viewport: { width: 1400, height: 1000 } });
    await page.goto(`${app.url}/extensions`);
    const presence = await readPresence(own.redis);
    const extensions = await readExtensions(own.redis);
    expect(presence.size).toBe(extensions.length);
    const away = [...presence.values()].filter((p) => p.availability !== 'available').length;
    expect(away).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#extensions-table tbody tr').count()).toBe(extensions.length);
    const [first = '', second = ''] = extensions.map((e) => e.id);
    expect(await page.locator(`#ext-${first} td.availability`).getAttribute('data-availability')).toBe(presence.get(first)?.availability);
    await page.selectOption('#show', 'unavailable');
    await submitFilters(page);
    await expect.poll(() => page.locator('#extensions-table tbody tr').count()).toBe(away);
    expect(await page.locator('#extensions-table tbody').innerText()).toMatch(/Offline|Do not disturb|Busy/);

    await page.selectOption('#show', '');
    await submitFilters(page);
    await page.check(`#pick-${first}`);
    await page.check(`#pick-${second}`);
    await page.fill('#bulk-tag', '<script>');
    await page.click('#bulk-tag-add');
    await expect.poll(() => page.locator('#bulk-tag-error').innerText()).toContain('Tag must be 1 to 30 letters');
    expect(await page.getAttribute('#bulk-tag', 'aria-invalid')).toBe('true');
    await page.check(`#pick-${first}`);
    await page.check(`#pick-${second}`);
    await page.fill('#bulk-tag', 'Spanish');
    await page.click('#bulk-tag-add');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('2 extensions tagged.');
    await page.selectOption('#tag', 'spanish');
    await submitFilters(page);
    await expect.poll(() => page.locator('#extensions-table tbody tr').count()).toBe(2);
    expect(await page.locator(`#ext-${first} .chip.tag`).innerText()).toBe('spanish');
    await expectAccessible(page);
    await screenshot(page, '21-extensions-tags-availability');
    await page.close();
  }, 60_000);

  it('creates, renames and fills named pools one by one and in bulk, and deletes one', async () => {
    const page = await signedInPage(browser, app.url, admin, { viewport: { width: 1280, height: 1000 } });
    await page.goto(`${app.url}/pools`);
    await page.click('#create-pool');
    await expect.poll(() => page.locator('#name-error').innerText()).toBe('Pool name must not be empty');
    expect(await page.getAttribute('#name', 'aria-invalid')).toBe('true');
    await page.fill('#name', 'Front desk');
    await page.click('#create-pool');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Pool created.');
    await page.fill('#name', 'front DESK');
    await page.click('#create-pool');
    await expect.poll(() => page.locator('#name-error').innerText()).toBe('A pool named "front DESK" already exists');
    await page.fill('#name', 'Spare');
    await page.click('#create-pool');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Pool created.');
    const pools = await listPools(own.redis);
    const front = pools.find((p) => p.name === 'Front desk')?.id ?? '';
    const spare = pools.find((p) => p.name === 'Spare')?.id ?? '';

    // One by one: by extension number, with an error next to the field for an unknown one.
    const dialable = (await readExtensions(own.redis)).filter((e) => e.enabled && e.deviceType === 'OtherPhone');
    const presence = await readPresence(own.redis);
    const available = dialable.filter((e) => (presence.get(e.id)?.availability ?? 'available') === 'available');
    await page.fill(`#add-${front}`, '9999');
    await page.click(`#add-button-${front}`);
    await expect.poll(() => page.locator(`#add-${front}-error`).innerText()).toBe('No synced extension 9999');
    await page.fill(`#add-${front}`, available[0]?.extensionNumber ?? '');
    await page.click(`#add-button-${front}`);
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Extension added to the pool.');

    // In bulk, from the extensions page.
    await page.goto(`${app.url}/extensions`);
    for (const e of available.slice(1, 4)) await page.check(`#pick-${e.id}`);
    await page.selectOption('#bulk-pool', front);
    await page.click('#bulk-pool-add');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('3 extensions added to the pool.');
    await page.selectOption('#pool', front);
    await submitFilters(page);
    await expect.poll(() => page.locator('#extensions-table tbody tr').count()).toBe(4);

    await page.goto(`${app.url}/pools`);
    await page.fill(`#rename-${front}`, 'Front desk team');
    await page.click(`#save-${front}`);
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Pool renamed.');
    expect(await page.locator(`#${front} .pool-summary`).innerText()).toBe('4 extensions, 4 free and available to dial now.');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click(`#delete-${spare}`);
    await expect.poll(() => page.locator('#notice').innerText().catch(() => '')).toContain('Pool deleted');
    expect(await page.locator(`#${spare}`).count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, '22-pools');
    await page.close();
  }, 60_000);
});

describe('a hunt from a pool, listened to live', () => {
  let jobUrl = '';
  let lineId = '';

  it('offers the pool on the start form, bounds the lines by it, and dials only from it', async () => {
    const page = await signedInPage(browser, app.url, admin, { viewport: { width: 1280, height: 1000 } });
    const pool = (await listPools(own.redis))[0];
    if (!pool) throw new Error('no pool');
    await page.goto(`${app.url}/pools`);
    await page.click(`#hunt-${pool.id}`);
    await expect.poll(() => page.locator('#pool option:checked').innerText()).toBe('Front desk team (4 free now)');
    expect(await page.locator('#lines-hint').innerText()).toBe('4 extensions are free to dial from right now in the pool Front desk team; each line needs one.');
    // Choosing another pool (or none) updates the hint at once (htmx GET /hunts/free).
    await page.selectOption('#pool', '');
    await expect.poll(() => page.locator('#lines-hint').innerText()).toMatch(/^\d+ extensions are free to dial from right now; each line needs one\.$/);
    await page.selectOption('#pool', pool.id);
    await expect.poll(() => page.locator('#lines-hint').innerText()).toContain('in the pool Front desk team');
    await page.fill('#lines', '5');
    await page.click('button[type=submit].primary');
    await expect.poll(() => page.locator('#lines-error').innerText()).toBe('Lines: only 4 free available extensions in pool "Front desk team" for 5 lines');
    await expectAccessible(page);
    await screenshot(page, '23-start-form-pool');
    await page.fill('#lines', '2');
    await page.click('button[type=submit].primary');
    await page.waitForURL(/\/jobs\/job-[a-z0-9-]+$/);
    jobUrl = page.url();
    const jobId = jobUrl.split('/').pop() ?? '';
    poolJobId = jobId;
    const record = await readJob(own.redis, jobId);
    expect(record?.spec.pool?.name).toBe('Front desk team');
    expect(new Set(record?.spec.extensionIds)).toEqual(new Set(pool.extensionIds));
    // Every reservation the hunt makes is one of the pool's extensions.
    await eventually(async () => Object.values(await own.redis.hgetall('hh:ext:reservations')).filter((v) => v.startsWith(`${jobId} `)).length === 2, 30_000, 'both lines reserving an extension');
    const held = Object.entries(await own.redis.hgetall('hh:ext:reservations')).filter(([, v]) => v.startsWith(`${jobId} `)).map(([id]) => id);
    for (const id of held) expect(pool.extensionIds).toContain(id);
    const answered = page.locator('tr.line[data-status="ivr"], tr.line[data-status="holding"]').first();
    await answered.waitFor({ timeout: 60_000 });
    lineId = ((await answered.getAttribute('id')) ?? '').replace(/^line-/, '');
    await screenshot(page, '24-board-pool-hunt');
    await page.close();
  }, 120_000);

  it("plays a line's audio in the browser's own player: a decodable live WAV stream", async () => {
    const page = await signedInPage(browser, app.url, admin);
    await page.goto(jobUrl);
    const [player] = await Promise.all([page.context().waitForEvent('page'), page.click(`#listen-${lineId}`)]);
    await player.waitForLoadState('domcontentloaded');
    // Chromium shows a media document: one <video> (or <audio>) element playing the stream.
    await expect
      .poll(() => player.evaluate<{ ready: number; error: number | null; src: string }>(`(() => { const m = document.querySelector('video, audio'); return m ? { ready: m.readyState, error: m.error && m.error.code, src: m.currentSrc } : { ready: -1, error: null, src: '' }; })()`), { timeout: 20_000 })
      .toMatchObject({ error: null, ready: expect.any(Number) as number });
    await expect.poll(() => player.evaluate<number>(`document.querySelector('video, audio').readyState`), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(await player.evaluate<string>(`document.querySelector('video, audio').currentSrc`)).toContain(`/calls/${lineId}/listen.wav`);
    await player.close();
    // The same stream read directly: a RIFF/WAVE header, 8 kHz 16-bit mono PCM.
    const header = await page.evaluate<number[]>(`(async () => {
      const response = await fetch(${JSON.stringify(`${jobUrl}/calls/${lineId}/listen.wav`)});
      const reader = response.body.getReader();
      const { value } = await reader.read();
      await reader.cancel();
      return Array.from(value.slice(0, 44));
    })()`);
    const bytes = Buffer.from(header);
    expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
    expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
    expect(bytes.readUInt16LE(20)).toBe(1);
    expect(bytes.readUInt32LE(24)).toBe(8000);
    expect(bytes.readUInt16LE(34)).toBe(16);
    // The line's timeline, then cancel the hunt from its board.
    await page.goto(`${jobUrl}/calls/${lineId}`);
    await expect.poll(() => page.locator('h1').innerText()).toContain(lineId);
    await expectAccessible(page);
    await screenshot(page, '25-call-timeline');
    await page.goto(jobUrl);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#cancel-job');
    await expect.poll(() => page.locator('#job-status').innerText(), { timeout: 60_000 }).toBe('Cancelled');
    // The history's summary of the real hunt, from the engine's own history stream.
    const summary = (await readSummaries(own.redis)).find((s) => s.id === poolJobId);
    expect(summary).toMatchObject({ outcome: 'cancelled', createdBy: admin.username, lines: 2, pool: 'Front desk team' });
    expect(summary?.dials).toBeGreaterThanOrEqual(2);
    expect(summary?.answered).toBeGreaterThanOrEqual(1);
    expect(summary?.timeToAgentMs).toBeUndefined();
    await page.close();
  }, 120_000);
});

describe('history, queues and analytics', () => {
  it('filters the history by date, outcome and operator, and exports exactly that as CSV', async () => {
    const page = await signedInPage(browser, app.url, admin, { viewport: { width: 1400, height: 1000 } });
    await page.goto(`${app.url}/jobs`);
    await expect.poll(() => page.locator('#jobs-table caption').innerText()).toBe(`${seeded.length + 1} jobs`);
    const from = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    const expected = seeded.filter((h) => h.createdAt >= Date.parse(`${from}T00:00:00Z`) && h.outcome === 'transferred' && h.by === 'bob');
    await page.fill('#from', from);
    await page.selectOption('#outcome', 'transferred');
    await page.selectOption('#by', 'bob');
    await expect.poll(() => page.locator('#jobs-table caption').innerText()).toBe(`${expected.length} jobs`);
    const href = (await page.getAttribute('#export-csv', 'href')) ?? '';
    expect(href).toBe(`/jobs.csv?from=${from}&outcome=transferred&by=bob`);
    const csv = await (await page.request.get(`${app.url}${href}`)).text();
    expect(csv.trimEnd().split('\r\n')).toHaveLength(expected.length + 1);
    await expectAccessible(page);
    await screenshot(page, '26-history-filtered');
    await page.close();
  }, 60_000);

  it("shows each queue's transfers and success rate", async () => {
    const page = await signedInPage(browser, app.url, admin);
    await page.goto(`${app.url}/queues`);
    const q801 = seeded.filter((h) => h.queue === '801');
    const live = (await readJob(own.redis, poolJobId))?.spec.target;
    const hunts = q801.length + (live?.kind === 'queue' && live.extensionNumber === '801' ? 1 : 0);
    await expect.poll(() => page.locator('#queue-801 td.usage').innerText()).toBe(`${q801.filter((h) => h.outcome === 'transferred').length} of ${hunts} hunts`);
    await expectAccessible(page);
    await screenshot(page, '27-queues-usage');
    await page.close();
  }, 60_000);

  it('draws the analytics charts with chart.js and gives best-time advice from the history', async () => {
    const page = await signedInPage(browser, app.url, admin, { viewport: { width: 1400, height: 1200 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${app.url}/analytics`);
    for (const id of ['chart-hour', 'chart-weekday', 'chart-courtesy', 'chart-lines', 'chart-detection']) {
      await expect.poll(() => page.getAttribute(`#${id}`, 'data-drawn')).toBe('true');
    }
    // Drawn pixels, not an empty canvas.
    const inked = await page.evaluate<number>(`(() => { const c = document.getElementById('chart-hour'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()`);
    expect(inked).toBeGreaterThan(1000);
    expect(await page.locator('#advice').innerText()).toMatch(/Best time to call: \w+days \d\d:00–\d\d:00 Eastern time/);
    expect(errors).toEqual([]);
    await expectAccessible(page);
    await screenshot(page, '28-analytics');
    await page.selectOption('#tz', 'America/Los_Angeles');
    await page.click('form[role=search] button[type=submit]');
    await expect.poll(() => page.locator('#advice').innerText()).toContain('America/Los_Angeles');
    await page.setViewportSize({ width: 820, height: 1100 });
    await screenshot(page, '29-analytics-tablet');
    await page.close();
  }, 60_000);
});

describe('every other page', () => {
  it('home, jobs, destinations and detection settings pass axe', async () => {
    const page = await signedInPage(browser, app.url, admin);
    for (const [path, name] of [
      ['/', '30-home'],
      ['/hunts/new', '31-start-form'],
      ['/destinations', '32-destinations'],
      ['/settings/detection', '33-detection-settings'],
    ] as const) {
      await page.goto(`${app.url}${path}`);
      await expectAccessible(page);
      await screenshot(page, name);
    }
    await page.close();
  }, 60_000);
});
