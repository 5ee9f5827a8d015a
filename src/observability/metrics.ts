/**
 * The product's Prometheus metrics. Each thread has its own registry (prom-client keeps state per module
 * instance, and every worker thread loads its own): the engine threads count hunts, calls, hand-offs, detection
 * and RingCentral requests; the main thread counts webhooks, Redis latency and its event loop. `/metrics` on the
 * main thread asks each engine thread for its registry as JSON and sums them (`aggregateMetrics`), so one scrape
 * shows the whole instance.
 */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';

export const registry = new Registry();
const LOOP_RESOLUTION_MS = 20;
let loop: { histogram: IntervalHistogram; thread: string } | undefined;
let hunts: (() => { calls: { status: string }[] }[]) | undefined;
const registers = [registry];
const PREFIX = 'hold_hunter_';

/** Seconds buckets from 50 ms to 2 h: a hunt's time to agent spans minutes to hours, a hand-off milliseconds. */
const LONG_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200];
const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  jobsStarted: new Counter({ name: `${PREFIX}jobs_started_total`, help: 'Hunts started (a resumed hunt is not counted again)', registers }),
  jobsFinished: new Counter({ name: `${PREFIX}jobs_finished_total`, help: 'Hunts finished, by final status', labelNames: ['status'] as const, registers }),
  jobsRunning: new Gauge({
    name: `${PREFIX}jobs_running`,
    help: 'Hunts this instance owns right now',
    registers,
    collect() {
      if (hunts) this.set(hunts().length);
    },
  }),
  callsByState: new Gauge({
    name: `${PREFIX}calls`,
    help: "Lines of the hunts this instance owns, by the call actor's state",
    labelNames: ['state'] as const,
    registers,
    collect() {
      if (!hunts) return;
      this.reset();
      for (const hunt of hunts()) for (const call of hunt.calls) this.inc({ state: call.status });
    },
  }),
  timeToAgent: new Histogram({ name: `${PREFIX}time_to_agent_seconds`, help: 'From the start of a hunt to the first line confirmed live', buckets: LONG_BUCKETS, registers }),
  transferLatency: new Histogram({ name: `${PREFIX}transfer_latency_seconds`, help: 'From a line confirmed live to its hand-off request sent', buckets: FAST_BUCKETS, registers }),
  transfers: new Counter({ name: `${PREFIX}transfers_total`, help: 'Hand-offs to the firm, by outcome', labelNames: ['outcome'] as const, registers }),
  detectionDecisions: new Counter({ name: `${PREFIX}detection_decisions_total`, help: 'Live-agent detector decisions, by event and live/shadow', labelNames: ['event', 'mode'] as const, registers }),
  webhooks: new Counter({ name: `${PREFIX}webhooks_total`, help: 'RingCentral webhook requests, by HTTP status (4xx = rejected)', labelNames: ['status'] as const, registers }),
  webhookDuration: new Histogram({ name: `${PREFIX}webhook_duration_seconds`, help: 'Time to answer a RingCentral webhook (RingCentral gives up after 3 s)', buckets: FAST_BUCKETS, registers }),
  rcRequests: new Counter({ name: `${PREFIX}ringcentral_requests_total`, help: 'RingCentral API requests sent, by throttle group', labelNames: ['group'] as const, registers }),
  rateBudgetWait: new Histogram({
    name: `${PREFIX}rate_budget_wait_seconds`,
    help: 'Time a RingCentral request waited for a slot in its credential\'s rate budget, by throttle group and priority (a transfer should not wait)',
    labelNames: ['group', 'priority'] as const,
    buckets: [0.005, 0.05, 0.25, 1, 5, 15, 30, 60, 120],
    registers,
  }),
  rcRateLimited: new Counter({ name: `${PREFIX}ringcentral_rate_limited_total`, help: 'RingCentral 429 answers, by throttle group', labelNames: ['group'] as const, registers }),
  rateBudgetLeft: new Gauge({ name: `${PREFIX}rate_budget_left`, help: 'Requests left in the current window, per credential and throttle group', labelNames: ['credential', 'group'] as const, registers }),
  redisLatency: new Histogram({ name: `${PREFIX}redis_ping_seconds`, help: 'Redis PING round trip from the web thread', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers }),
  redisUp: new Gauge({ name: `${PREFIX}redis_up`, help: '1 when Redis answered the last PING', registers }),
  subscriptionActive: new Gauge({ name: `${PREFIX}webhook_subscription_active`, help: "1 when the last check found the webhook subscription Active; 0 when missing, blacklisted or unreachable", registers }),
  subscriptionRecreated: new Counter({ name: `${PREFIX}webhook_subscription_recreated_total`, help: 'Webhook subscriptions created again (expired, deleted, blacklisted or moved)', labelNames: ['reason'] as const, registers }),
  ringCentralAuthOk: new Gauge({ name: `${PREFIX}ringcentral_auth_ok`, help: "1 when every user's last RingCentral login or token refresh worked", registers }),
  ready: new Gauge({ name: `${PREFIX}ready`, help: '1 when /readyz last answered 200', registers }),
  // A timestamp, so instances and threads aggregate with max (the engine threads never set it).
  devicesSyncedAt: new Gauge({ name: `${PREFIX}extension_devices_synced_timestamp_seconds`, help: "Unix time this instance last finished looking up every extension's devices (0: not yet since it started)", aggregator: 'max', registers }),
  eventLoopLag: new Gauge({
    name: `${PREFIX}event_loop_lag_seconds`,
    help: 'Event-loop delay p99 over the last scrape interval, per thread',
    labelNames: ['thread'] as const,
    registers,
    collect() {
      if (!loop) return;
      // The histogram includes the sampling timer's own resolution: what lies above it is lag.
      this.set({ thread: loop.thread }, Math.max(0, loop.histogram.percentile(99) / 1e9 - LOOP_RESOLUTION_MS / 1000));
      loop.histogram.reset();
    },
  }),
};

/**
 * Reads the event loop's delay for `metrics.eventLoopLag` from now on: the p99 since the previous scrape, under
 * this thread's label.
 */
export function watchEventLoop(thread: string = threadId === 0 ? 'web' : `engine-${threadId}`): void {
  if (loop) return;
  loop = { histogram: monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS }), thread };
  loop.histogram.enable();
}

/** What `jobs_running` and `calls{state}` read at scrape time: the hunts this thread owns. */
export function observeHunts(source: () => { calls: { status: string }[] }[]): void {
  hunts = source;
}

/** Sums the main thread's metrics with the engine threads' (their registries as JSON), as prom-client's cluster mode does. */
export async function aggregateMetrics(threads: MetricObjectWithValues<MetricValue<string>>[][]): Promise<{ contentType: string; body: string }> {
  const own = await registry.getMetricsAsJSON();
  const merged = AggregatorRegistry.aggregate([own, ...threads] as Parameters<typeof AggregatorRegistry.aggregate>[0]);
  return { contentType: registry.contentType, body: await merged.metrics() };
}
