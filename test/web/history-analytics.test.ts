/**
 * History, queue usage and analytics from a realistic seeded history (written through the job-history writer, on
 * a redis-server of this test's own): hunt summaries (dials, courtesy disconnects, time to agent, who confirmed),
 * the history page's filters and its CSV, the queues page's usage, the analytics page and `GET /api/v1/analytics`
 * with its advice, and the pool and extension API with its 4xx answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis } from '../support/own-redis-server.ts';
import type { OwnRedis } from '../support/own-redis-server.ts';
import { seedHistory } from './seed-history.ts';
import type { SeededHunt } from './seed-history.ts';
import { FakeJobCommands } from './fake-job-commands.ts';
import { createApp } from '../../src/web/create-app.tsx';
import { JobLiveFeed } from '../../src/web/job-live-feed.ts';
import { readSummaries } from '../../src/engine/hunt-summary.ts';
import { analytics, localHourAndWeekday, median } from '../../src/web/analytics.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { CSV_HEADER } from '../../src/web/job-rows.ts';
import { createTestUser, requesterFor, signIn } from '../support/auth-session.ts';
import type { SignedIn } from '../support/auth-session.ts';

const API_TOKEN = 'history-analytics-token-1f2e3d';
const AUTH = { Authorization: `Bearer ${API_TOKEN}` };
const NOW = Date.parse('2026-11-20T17:00:00Z');

let own: OwnRedis;
let feed: JobLiveFeed;
let app: ReturnType<typeof createApp>;
let seeded: SeededHunt[];
let session: SignedIn;
/** A signed-in viewer's page request. */
const page = (path: string) => app.request(path, { headers: session.headers });

beforeAll(async () => {
  own = await startOwnRedis();
  feed = new JobLiveFeed(own.redis);
  app = createApp({
    connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }),
    jobs: new FakeJobCommands(),
    apiToken: API_TOKEN,
    dashboard: { redis: own.redis, feed, lineMode: 'softphone' },
  });
  session = await signIn(requesterFor(app), await createTestUser(own.redis, 'viewer'));
  seeded = await seedHistory(own.redis, { count: 160, now: NOW, prefix: 'job-seed' });
  await own.redis.hset(globalKeys.queues, { q1: JSON.stringify({ id: 'q1', extensionNumber: '801', name: 'Front desk' }), q2: JSON.stringify({ id: 'q2', extensionNumber: '802', name: 'Tax team' }) });
  await own.redis.hset(globalKeys.extensions, { '11': JSON.stringify({ id: '11', extensionNumber: '101', name: 'Ann Lee', enabled: true, deviceId: 'd11', deviceType: 'OtherPhone' }), '12': JSON.stringify({ id: '12', extensionNumber: '102', name: 'Bo Kim', enabled: true, deviceId: 'd12', deviceType: 'OtherPhone' }) });
}, 60_000);

afterAll(async () => {
  await feed?.close();
  await own?.stop();
});

describe('hunt summaries from the history stream', () => {
  it('count dials, courtesy disconnects and time to agent, and are kept once the hunt ended', async () => {
    const summaries = await readSummaries(own.redis);
    expect(summaries).toHaveLength(seeded.length);
    const byId = new Map(summaries.map((s) => [s.id, s]));
    for (const hunt of seeded) {
      const s = byId.get(hunt.id);
      expect(s).toMatchObject({ outcome: hunt.outcome, lines: hunt.lines, dials: hunt.lines, answered: hunt.answered, courtesyDisconnects: hunt.courtesyDisconnects, queue: hunt.queue, createdBy: hunt.by });
      expect(s?.timeToAgentMs).toBe(hunt.timeToAgentMs);
      expect(s?.confirmedBy).toBe(hunt.confirmedBy);
    }
    expect(await own.redis.hlen(globalKeys.jobSummaries)).toBe(seeded.length);
    // Newest first.
    expect(summaries.map((s) => s.createdAt)).toEqual([...summaries.map((s) => s.createdAt)].sort((a, b) => b - a));
  });
});

describe('analytics', () => {
  it('finds the best time to call from the firm\'s own history and puts medians by hour and weekday', async () => {
    const a = analytics(await readSummaries(own.redis));
    const reached = seeded.filter((h) => h.outcome === 'transferred');
    expect(a.hunts).toBe(seeded.length);
    expect(a.reached).toBe(reached.length);
    const at = (h: SeededHunt) => localHourAndWeekday(h.createdAt, 'America/New_York');
    const sevenAm = reached.filter((h) => at(h).hour === 7).map((h) => h.timeToAgentMs as number);
    expect(a.byHour[7]?.medianMinutes).toBe(Math.round((median(sevenAm) as number) / 6_000) / 10);
    // The seed makes early mornings fastest and midday slowest.
    expect(a.advice.best?.hour).toBe(7);
    expect(a.advice.lines[0]).toMatch(/^Best time to call: \w+days 07:00–08:00 Eastern time — a median of [\d.]+ min to an agent over \d+ hunts/);
    expect(a.advice.lines.join(' ')).toMatch(/Avoid 1[0-4]:00/);
    expect(a.courtesy.rate).toBeCloseTo(seeded.reduce((n, h) => n + h.courtesyDisconnects, 0) / seeded.reduce((n, h) => n + h.answered, 0), 10);
    expect((a.courtesy.byHour[12] ?? 0) > (a.courtesy.byHour[7] ?? 1)).toBe(true);
    expect(a.linesVsTime.points).toHaveLength(reached.length);
    const seventy = a.linesVsTime.byLines.find((l) => l.lines === 70)?.medianMinutes ?? 0;
    const five = a.linesVsTime.byLines.find((l) => l.lines === 5)?.medianMinutes ?? 0;
    expect(seventy).toBeLessThan(five);
    expect(a.detection.byDetector + a.detection.byOperator).toBe(reached.length);
    expect(a.detection.noAgent).toBe(seeded.length - reached.length);
    const q801 = seeded.filter((h) => h.queue === '801');
    expect(a.queues.find((q) => q.queue === '801')).toEqual({ queue: '801', hunts: q801.length, transfers: q801.filter((h) => h.outcome === 'transferred').length, successRate: q801.filter((h) => h.outcome === 'transferred').length / q801.length });
  });

  it('says there is not enough history for advice when there is none', () => {
    expect(analytics([]).advice.lines[0]).toMatch(/^Not enough history yet/);
  });

  it('serves the numbers as JSON under /api/v1 with clear 400s for bad parameters', async () => {
    const response = await app.request('/api/v1/analytics?from=2026-10-01&to=2026-11-30&tz=America/Los_Angeles', { headers: AUTH });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { timeZone: string; hunts: number; byHour: unknown[]; advice: { lines: string[] } };
    expect(body.timeZone).toBe('America/Los_Angeles');
    expect(body.hunts).toBe(seeded.filter((h) => h.createdAt >= Date.parse('2026-10-01T00:00:00Z')).length);
    expect(body.byHour).toHaveLength(24);
    expect(body.advice.lines[0]).toContain('America/Los_Angeles');
    const bad = await app.request('/api/v1/analytics?from=yesterday&tz=Mars/Olympus', { headers: AUTH });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('invalid_request');
    expect(error.error.message).toContain('from: must be a date such as 2026-11-26');
    expect(error.error.message).toContain('tz: must be an IANA time zone');
    expect((await app.request('/api/v1/analytics?from=2026-11-02&to=2026-11-01', { headers: AUTH })).status).toBe(400);
    expect((await app.request('/api/v1/analytics?colour=red', { headers: AUTH })).status).toBe(400);
  });

  it('renders the analytics page with chart data in data-chart attributes and no inline script', async () => {
    const response = await page('/analytics');
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const id of ['chart-hour', 'chart-weekday', 'chart-courtesy', 'chart-lines', 'chart-detection']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('data-chart="{&quot;kind&quot;:&quot;bar&quot;');
    expect(html).toContain('<script src="/static/chart.umd.min.js" defer=""></script><script src="/static/analytics.js" defer=""></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).toContain('Best time to call:');
  });
});

describe('the history page', () => {
  it('filters by date range, destination, outcome and operator, and the CSV holds exactly what is shown', async () => {
    const from = '2026-11-01';
    const to = '2026-11-15';
    const inRange = seeded.filter((h) => h.createdAt >= Date.parse(`${from}T00:00:00Z`) && h.createdAt < Date.parse(`${to}T00:00:00Z`) + 86_400_000);
    const expected = inRange.filter((h) => h.outcome === 'transferred' && h.by === 'alice');
    const query = `from=${from}&to=${to}&destination=irs-pps&outcome=transferred&by=alice`;
    const html = await (await page(`/jobs?${query}`)).text();
    expect(html).toContain(`<caption>${expected.length} job${expected.length === 1 ? '' : 's'}</caption>`);
    expect(html).toContain(`href="/jobs.csv?${query.replaceAll('&', '&amp;')}"`);
    const csv = await (await page(`/jobs.csv?${query}`)).text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(expected.length + 1);
    for (const hunt of expected) expect(csv).toContain(`"${hunt.id}"`);
    expect(lines.slice(1).every((l) => l.includes('"transferred"') && l.includes('"alice"'))).toBe(true);
    const bad = await page('/jobs?from=26/11/2026');
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('From must be a date such as 2026-11-26');
  });

  it('shows each queue\'s transfers and success rate on the queues page', async () => {
    const html = await (await page('/queues')).text();
    const q802 = seeded.filter((h) => h.queue === '802');
    const transfers = q802.filter((h) => h.outcome === 'transferred').length;
    expect(html).toContain(`${transfers} of ${q802.length} hunts`);
    expect(html).toContain(`${Math.round((transfers / q802.length) * 100)}%`);
  });
});

describe('the pool and extension API', () => {
  const json = (method: string, path: string, body?: unknown) =>
    app.request(`/api/v1${path}`, { method, headers: { ...AUTH, 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });

  it('creates, fills, renames and deletes pools, tags extensions in bulk, and refuses bad input with a clear 4xx', async () => {
    const created = await json('POST', '/pools', { name: 'Front desk', extensionIds: ['11'] });
    expect(created.status).toBe(201);
    const pool = (await created.json()) as { id: string; name: string; extensionIds: string[] };
    expect(pool).toMatchObject({ name: 'Front desk', extensionIds: ['11'] });
    expect(created.headers.get('Location')).toBe(`/api/v1/pools/${pool.id}`);

    expect((await json('POST', '/pools', { name: 'front DESK' })).status).toBe(409);
    const unknown = await json('POST', '/pools', { name: 'Ghosts', extensionIds: ['999'] });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('No synced extension with id 999');
    // Nothing half-made: the refused pool does not exist.
    expect(((await (await json('GET', '/pools')).json()) as { pools: unknown[] }).pools).toHaveLength(1);
    expect((await json('POST', '/pools', { name: '' })).status).toBe(400);
    expect((await json('POST', '/pools', '{not json')).status).toBe(400);
    expect((await json('POST', '/pools', { name: 'x', colour: 'red' })).status).toBe(400);

    const members = await json('POST', `/pools/${pool.id}/extensions`, { add: ['12'], remove: ['11'] });
    expect(((await members.json()) as { added: number; removed: number }).added).toBe(1);
    expect((await json('POST', `/pools/${pool.id}/extensions`, {})).status).toBe(400);
    expect((await json('PATCH', `/pools/${pool.id}`, { name: 'Night shift' })).status).toBe(200);
    expect(((await (await json('GET', `/pools/${pool.id}`)).json()) as { name: string; extensionIds: string[] })).toMatchObject({ name: 'Night shift', extensionIds: ['12'] });
    expect((await json('GET', '/pools/not-a-pool')).status).toBe(400);
    expect((await json('GET', '/pools/pool-00000000')).status).toBe(404);

    const bulk = await json('POST', '/extensions/bulk', { ids: ['11', '12'], addTags: ['Spanish '], enabled: false });
    expect(await bulk.json()).toEqual({ enabledChanged: 2, tagsChanged: 2 });
    expect((await json('POST', '/extensions/bulk', { ids: ['11'], addTags: ['<b>'] })).status).toBe(400);
    const list = (await (await json('GET', '/extensions')).json()) as { extensions: { id: string; tags?: string[]; enabled: boolean; pools: { name: string }[] }[] };
    expect(list.extensions.find((e) => e.id === '12')).toMatchObject({ tags: ['spanish'], enabled: false, pools: [{ name: 'Night shift' }] });

    // This app was built without a RingCentral connection: sync says so rather than pretending.
    const sync = await json('POST', '/extensions/sync');
    expect(sync.status).toBe(503);
    expect(((await sync.json()) as { error: { code: string } }).error.code).toBe('unavailable');

    expect((await json('DELETE', `/pools/${pool.id}`)).status).toBe(204);
    expect((await json('DELETE', `/pools/${pool.id}`)).status).toBe(404);
  });
});
