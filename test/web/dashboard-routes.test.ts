/**
 * The dashboard's routes without a browser: the start form validates with the API's schema and keeps errors by
 * field, forms need a same-origin post, operator commands reach JobCommands, and the SSE stream of a job resumes
 * after `Last-Event-ID` from the job's history stream, then follows Redis pub/sub. Redis db 4 (dashboard tests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/store/redis-client.ts';
import { testRedisUrl } from '../support/redis-url.ts';
import { createApp } from '../../src/web/create-app.tsx';
import { JobLiveFeed } from '../../src/web/job-live-feed.ts';
import { JobRequestError } from '../../src/engine/job-commands.ts';
import { uiChannel } from '../../src/engine/job-history.ts';
import type { HistoryEntry } from '../../src/engine/job-history.ts';
import { jobKeys } from '../../src/store/redis-keys.ts';
import { csvField, jobsCsv } from '../../src/web/job-rows.ts';
import { summarize } from '../../src/engine/hunt-summary.ts';
import { dialEstimate } from '../../src/web/dial-estimate.ts';
import { resolveOverride } from '../../src/engine/queue-settings.ts';
import { FakeJobCommands } from './fake-job-commands.ts';
import { runTag } from './web-fixtures.ts';
import { createTestUser, requesterFor, signIn } from '../support/auth-session.ts';
import type { SignedIn, TestUser } from '../support/auth-session.ts';

const REDIS_URL = testRedisUrl(4);
const ORIGIN = 'http://localhost';
let redis: Redis;
let feed: JobLiveFeed;
let jobs: FakeJobCommands;
let app: ReturnType<typeof createApp>;
let user: TestUser;
let session: SignedIn;
/** A signed-in operator's request (cookie and CSRF token), as the browser sends it. */
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { ...session.headers, ...headers } });
const tag = runTag();
const jobId = `job-dash-${tag}`;

beforeAll(async () => {
  redis = createRedis(REDIS_URL);
  feed = new JobLiveFeed(redis);
  jobs = new FakeJobCommands();
  app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: 'sim', connected: true }), jobs, dashboard: { redis, feed, lineMode: 'softphone', heartbeatMs: 200 } });
  user = await createTestUser(redis, 'operator');
  session = await signIn(requesterFor(app), user);
  const created = await jobs.create({ lines: 2 }, 'seed');
  jobs.jobs.delete(created.id);
  jobs.jobs.set(jobId, {
    ...created,
    id: jobId,
    status: 'hunting',
    calls: [
      { callId: 'call-1', status: 'holding', attempt: 1, since: { dialing: Date.now() - 60_000, holding: Date.now() - 30_000 }, confidence: 0.4 },
      { callId: 'call-2', status: 'ivr', attempt: 1, since: { dialing: Date.now() - 50_000, ivr: Date.now() - 40_000 } },
    ],
  });
});

afterAll(async () => {
  await user.remove();
  await redis.del(jobKeys(jobId).history);
  await feed.close();
  redis.disconnect();
});

const post = (path: string, form: Record<string, string>, headers: Record<string, string> = { Origin: ORIGIN }) =>
  app.request(path, { method: 'POST', body: new URLSearchParams(form), headers: { ...session.headers, 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });

describe('start a hunt', () => {
  it('re-renders the form with each error next to its field', async () => {
    const response = await post('/hunts', { lines: '71', deadlineMinutes: 'soon', target: 'queue:x' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="lines-error">Lines must be at most 70');
    expect(html).toContain('id="deadlineMinutes-error">Give up after must be a whole number of minutes from 1 to 720');
    expect(html).toMatch(/id="target" name="target" aria-invalid="true" aria-describedby="target-error target-hint"/);
    expect(html).toContain('role="alert"');
  });

  it('creates the hunt through JobCommands as the operator and redirects to its board', async () => {
    const response = await post('/hunts', { lines: '3', target: 'number:+12125550123', destinationId: 'irs-pps', handoff: 'standby-bridge', deadlineMinutes: '60' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/jobs\/job-\d+$/);
    expect(jobs.created.at(-1)).toEqual({
      request: { lines: 3, target: { kind: 'number', phoneNumber: '+12125550123' }, destinationId: 'irs-pps', handoff: 'standby-bridge', deadlineMinutes: 60 },
      by: user.username,
    });
  });

  it("shows the engine's refusal next to the field it names", async () => {
    jobs.failNext = new JobRequestError(409, 'only 2 free extensions for 3 lines', 'lines');
    const response = await post('/hunts', { lines: '3' });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('id="lines-error">Lines: only 2 free extensions for 3 lines');
  });

  it('refuses a cross-site form post', async () => {
    const response = await post('/hunts', { lines: '3' }, { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });

  it('estimates the dialling time from the line mode', async () => {
    expect(dialEstimate(70, 'softphone').ms).toBe(6_900);
    // Call-out: 8 Heavy dials a minute for the dial priority; 70 lines need 8 more windows after the first.
    expect(dialEstimate(70, 'call-out').ms).toBe(8 * 60_000);
    const response = await get('/hunts/estimate?lines=70');
    expect(await response.text()).toContain('Dialling 70 lines takes about 6.9 s');
    expect(dialEstimate(70, 'softphone').explanation).toContain('up to 1 min then');
    expect(dialEstimate(70, 'call-out', undefined, 9).ms).toBe(69_000);
  });
});

describe('operator commands', () => {
  it('queues confirm, hang-up, transfer-now and cancel for the job as the operator', async () => {
    for (const command of ['confirm', 'hangup', 'transfer-now']) {
      const response = await post(`/jobs/${jobId}/calls/call-1/${command}`, {}, { Origin: ORIGIN, 'HX-Request': 'true' });
      expect(response.status).toBe(204);
    }
    const cancel = await post(`/jobs/${jobId}/cancel`, {});
    expect(cancel.status).toBe(303);
    expect(jobs.sent.map((s) => [s.command.type, s.by])).toEqual([
      ['confirm', user.username],
      ['hangup', user.username],
      ['transfer-now', user.username],
      ['cancel', user.username],
    ]);
  });

  it('answers a refusal with its reason', async () => {
    const response = await post(`/jobs/${jobId}/calls/call-9/confirm`, {}, { Origin: ORIGIN, 'HX-Request': 'true' });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('has no call call-9');
  });
});

describe('live board over SSE', () => {
  const entry = (callId: string, from: string, to: string): HistoryEntry => ({ at: Date.now(), actor: callId, from, to, event: 'call.party' });
  const add = async (e: HistoryEntry) => (await redis.xadd(jobKeys(jobId).history, '*', 'h', JSON.stringify(e))) as string;

  /** Reads SSE text from the response until `done(text)` holds. */
  async function readUntil(response: Response, done: (text: string) => boolean, onStart?: () => Promise<void>): Promise<string> {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let started = false;
    const deadline = Date.now() + 10_000;
    while (!done(text)) {
      if (Date.now() > deadline) throw new Error(`stream never matched:\n${text}`);
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value);
      if (!started && onStart && text.includes('event: board')) {
        started = true;
        await onStart();
      }
    }
    await reader.cancel();
    return text;
  }

  it('replays the history after Last-Event-ID, sends the board with the newest id, then follows pub/sub', async () => {
    const first = await add(entry('call-1', 'dialing', 'ivr'));
    const second = await add(entry('call-1', 'ivr', 'holding'));
    const third = await add(entry('call-2', 'dialing', 'ivr'));
    const response = await get(`/jobs/${jobId}/events`, { 'Last-Event-ID': first });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    let fourth = '';
    const text = await readUntil(
      response,
      (t) => fourth !== '' && t.includes(`id: ${fourth}`) && t.includes(': heartbeat'),
      async () => {
        fourth = await add(entry('call-2', 'ivr', 'holding'));
        await redis.publish(uiChannel(jobId), JSON.stringify({ jobId, status: 'hunting', entries: [] }));
      },
    );
    expect(text).not.toContain(`id: ${first}\n`);
    const logIds = [...text.matchAll(/event: log\ndata: [^\n]*\nid: (\S+)/g)].map((m) => m[1]);
    expect(logIds).toEqual([second, third, fourth]);
    expect(text).toMatch(new RegExp(`event: board\\ndata: <div class="board"[^\\n]*\\nid: ${third}\\n`));
    expect(text).toContain('id="line-call-1"');
    expect(text).toContain('Detection confidence 40%');
  });

  it('unsubscribes the channel when the last viewer leaves', async () => {
    await expect.poll(() => feed.channels).toBe(0);
  });

  it('answers 404 for an unknown job', async () => {
    expect((await get('/jobs/job-nope/events')).status).toBe(404);
    expect((await get('/jobs/job-nope')).status).toBe(404);
  });
});

describe('jobs list export', () => {
  it('quotes every CSV field and defuses formulas', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(12)).toBe('"12"');
    const csv = jobsCsv([...jobs.jobs.values()].map((job) => summarize({ spec: { ...job.spec, id: job.id }, status: job.status }, [])));
    expect(csv).toContain(`"${jobId}"`);
  });
});

describe('queue transfer numbers', () => {
  it('turn a queue target into its number and leave other targets alone', () => {
    const overrides = { '803': '+12125550123' };
    expect(resolveOverride({ kind: 'queue', extensionNumber: '803' }, overrides)).toEqual({ kind: 'number', phoneNumber: '+12125550123' });
    expect(resolveOverride({ kind: 'queue', extensionNumber: '801' }, overrides)).toEqual({ kind: 'queue', extensionNumber: '801' });
    expect(resolveOverride({ kind: 'extension', extensionNumber: '803' }, overrides)).toEqual({ kind: 'extension', extensionNumber: '803' });
  });
});
