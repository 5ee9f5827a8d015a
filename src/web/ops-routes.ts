/**
 * Routes for the platform and the operator's monitoring, not for people: `GET /healthz` (the process answers),
 * `GET /readyz` (every dependency works: 200, or 503 naming what fails) and `GET /metrics` (Prometheus, behind
 * the METRICS_TOKEN bearer). `observeWebhooks` counts and times RingCentral's webhook requests.
 */
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { secretsEqual } from './api-auth.ts';
import { bearerToken } from './request-headers.ts';
import { metrics } from '../observability/metrics.ts';
import type { ReadinessReport } from '../observability/readiness.ts';

export interface OpsDeps {
  /** Runs the readiness checks; without it `/readyz` only says the process is up. */
  readiness?: () => Promise<ReadinessReport>;
  /** The instance's metrics in Prometheus' text format; without it `/metrics` answers 404. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** METRICS_TOKEN: scrapers send `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** With no token: serve metrics to anyone (demo mode on a laptop) instead of refusing. */
  metricsOpenWithoutToken?: boolean;
}


export function opsRoutes(deps: OpsDeps = {}): Hono {
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    if (!deps.readiness) return c.json({ status: 'ready', checks: {} });
    const report = await deps.readiness();
    metrics.ready.set(report.ready ? 1 : 0);
    const failing = Object.entries(report.checks)
      .filter(([, check]) => !check.ok)
      .map(([name]) => name);
    c.header('Cache-Control', 'no-store');
    return report.ready ? c.json({ status: 'ready', checks: report.checks }) : c.json({ status: 'not ready', failing, checks: report.checks }, 503);
  });

  app.get('/metrics', async (c) => {
    if (!deps.metrics) return c.text('Not found', 404);
    const token = deps.metricsToken;
    // The app's auth gate (src/web/auth) may have admitted the caller already (METRICS_TOKEN or an admin).
    const admitted = (c.get as (key: string) => unknown)('auth') !== undefined;
    if (admitted) {
      // Checked by the gate.
    } else if (token === undefined || token === '') {
      if (!deps.metricsOpenWithoutToken) return c.text('Metrics are off: set METRICS_TOKEN on the server and scrape with "Authorization: Bearer <METRICS_TOKEN>".\n', 403);
    } else {
      const given = bearerToken.parse(c.req.header('authorization'));
      if (!given || !secretsEqual(given, token)) return c.text('Send "Authorization: Bearer <METRICS_TOKEN>".\n', 401, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    const { contentType, body } = await deps.metrics();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });

  return app;
}

/** Counts every webhook request by status (4xx: rejected) and times the answer RingCentral waits for. */
export const observeWebhooks: MiddlewareHandler = async (c, next) => {
  const started = performance.now();
  await next();
  metrics.webhookDuration.observe((performance.now() - started) / 1000);
  metrics.webhooks.inc({ status: String(c.res.status) });
};
