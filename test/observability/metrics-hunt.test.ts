/**
 * /metrics during a demo hunt: the engine thread's counters (jobs, calls by state, hand-off, time to agent,
 * RingCentral requests, budget) and the web thread's (webhooks, Redis, event loop) are there in one scrape and
 * move as the hunt runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_IVR_DESTINATION, agentAnswersAndOperatorConfirms, eventually, expectOneTransferAndRestEnded, startEngineHarness, waitForJob } from '../support/engine-harness.ts';
import type { EngineHarness } from '../support/engine-harness.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { instanceOps } from '../../src/observability/instance-ops.ts';
import { watchEventLoop } from '../../src/observability/metrics.ts';
import { opsRoutes } from '../../src/web/ops-routes.ts';
import { TEST_CREDENTIALS } from '../support/simulator-harness.ts';

let redisServer: PrivateRedis;
let h: EngineHarness;
let scrape: () => Promise<string>;

beforeAll(async () => {
  redisServer = await startPrivateRedis();
  h = await startEngineHarness({ db: 0, redisUrl: redisServer.url, engineInThread: true });
  watchEventLoop();
  const ops = instanceOps({
    redis: h.redis,
    authHealth: () => ({ ok: true }),
    subscription: () => h.keeper.health(),
    engine: h.thread!,
    draining: () => false,
    budgetCredentials: [TEST_CREDENTIALS.clientId],
  });
  const app = opsRoutes({ ...ops, metricsToken: 'scrape-me' });
  scrape = async () => {
    const response = await app.request('/metrics', { headers: { Authorization: 'Bearer scrape-me' } });
    expect(response.status).toBe(200);
    return response.text();
  };
}, 60_000);

afterAll(async () => {
  await h?.close();
  await redisServer?.close();
});

/** The value of one sample (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([\w:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('/metrics during a demo hunt', () => {
  it('refuses a scrape without the METRICS_TOKEN bearer', async () => {
    const app = opsRoutes({ metrics: () => Promise.resolve({ contentType: 'text/plain', body: '' }), metricsToken: 'scrape-me' });
    expect((await app.request('/metrics')).status).toBe(401);
    expect((await app.request('/metrics', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await opsRoutes({ metrics: () => Promise.resolve({ contentType: 'text/plain', body: '' }) }).request('/metrics')).status).toBe(403);
  });

  it('shows the hunt start, its lines by state, the hand-off and the traffic behind them', async () => {
    const before = await scrape();
    expect(before).toContain('# TYPE hold_hunter_jobs_started_total counter');
    expect(before).toContain('# TYPE hold_hunter_time_to_agent_seconds histogram');
    const started0 = sample(before, 'hold_hunter_jobs_started_total');
    const requests0 = sample(before, 'hold_hunter_ringcentral_requests_total', { group: 'Heavy' });

    const commands = h.engine.commands;
    const job = await commands.create({ lines: 3, destinationId: QUICK_IVR_DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }, 'test-operator');
    // While it holds: the engine thread reports its lines by state.
    const holding = await eventually(async () => {
      const text = await scrape();
      return sample(text, 'hold_hunter_calls', { state: 'holding' }) >= 3 ? text : undefined;
    }, 60_000, 250);
    expect(sample(holding, 'hold_hunter_jobs_running')).toBe(1);
    expect(sample(holding, 'hold_hunter_jobs_started_total')).toBe(started0 + 1);
    expect(sample(holding, 'hold_hunter_ringcentral_requests_total', { group: 'Heavy' })).toBeGreaterThanOrEqual(requests0 + 3);
    expect(sample(holding, 'hold_hunter_webhooks_total', { status: '200' })).toBeGreaterThan(0);
    expect(sample(holding, 'hold_hunter_webhook_duration_seconds_count')).toBeGreaterThan(0);
    // Every call-out took a slot of the Heavy budget at dial priority, and says how long it waited for it.
    expect(sample(holding, 'hold_hunter_rate_budget_wait_seconds_count', { group: 'Heavy', priority: 'dial' })).toBeGreaterThanOrEqual(3);

    const view = await commands.get(job.id);
    const chosen = view!.calls[0]!;
    await agentAnswersAndOperatorConfirms(h, job.id, chosen);
    await waitForJob(h, job.id, 'completed', 60_000);
    await expectOneTransferAndRestEnded(h, chosen.telephonySessionId);

    const after = await eventually(async () => {
      const text = await scrape();
      return sample(text, 'hold_hunter_jobs_finished_total', { status: 'completed' }) >= 1 ? text : undefined;
    }, 15_000, 250);
    expect(sample(after, 'hold_hunter_transfers_total', { outcome: 'succeeded' })).toBe(1);
    expect(sample(after, 'hold_hunter_transfer_latency_seconds_count')).toBe(1);
    expect(sample(after, 'hold_hunter_rate_budget_wait_seconds_count', { group: 'Light', priority: 'transfer' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'hold_hunter_time_to_agent_seconds_count')).toBe(1);
    expect(sample(after, 'hold_hunter_time_to_agent_seconds_sum')).toBeGreaterThan(0);
    expect(sample(after, 'hold_hunter_jobs_running')).toBe(0);
    expect(sample(after, 'hold_hunter_calls', { state: 'holding' })).toBe(0);
    expect(sample(after, 'hold_hunter_ringcentral_requests_total', { group: 'Light' })).toBeGreaterThan(0);
    // Shared state read at scrape time, and both threads' event loops.
    expect(sample(after, 'hold_hunter_redis_up')).toBe(1);
    expect(sample(after, 'hold_hunter_redis_ping_seconds_count')).toBeGreaterThan(0);
    expect(sample(after, 'hold_hunter_webhook_subscription_active')).toBe(1);
    expect(after).toMatch(/hold_hunter_rate_budget_left\{credential="[^"]+",group="Heavy"\} \d+/);
    expect(after).toMatch(/hold_hunter_event_loop_lag_seconds\{thread="web"\}/);
    expect(after).toMatch(/hold_hunter_event_loop_lag_seconds\{thread="engine-\d+"\}/);
    // The engine thread also reports its workers and its own RingCentral logins (for /readyz).
    expect(await h.thread!.report()).toEqual([expect.objectContaining({ workers: { hunts: true, dials: true, timers: true }, auth: { ok: true } })]);
  }, 150_000);
});
