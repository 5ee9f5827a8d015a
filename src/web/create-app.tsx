/**
 * The product's HTTP app: dashboard pages, static assets and health; with its dependencies given, also the
 * RingCentral webhook receiver, the JSON API under `/api/v1` (behind the bearer token) and the operator dashboard
 * (behind `dashboardAuth`).
 */
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { HomePage } from '../../views/home-page.tsx';
import type { ConnectionStatus } from '../../views/home-page.tsx';
import type { JobCommands } from '../engine/job-commands.ts';
import { apiError } from './api-errors.ts';
import { jobApi } from './job-api.ts';
import { destinationApi } from './destination-api.ts';
import { detectionSettingsApi } from './detection-settings-api.ts';
import { detectionReviewApi } from './detection-review-api.ts';
import { poolApi } from './pool-api.ts';
import { analyticsApi } from './analytics-api.ts';
import { loadStaticAssets } from './static-assets.ts';
import { WEBHOOK_PATH, webhookRoutes } from './webhook-receiver.ts';
import { observeWebhooks, opsRoutes } from './ops-routes.ts';
import { apiDocsRoutes } from './api-docs.tsx';
import { brandingRoutes } from './branding.ts';
import type { OpsDeps } from './ops-routes.ts';
import type { DashboardVariables } from './dashboard-auth.ts';
import { installAuth } from './auth/install-auth.ts';
import type { AuthOptions } from './auth/auth-services.ts';
import { dashboardRoutes } from './dashboard-routes.tsx';
import { listenRoute } from './listen-route.ts';
import { talkRoute } from './talk-route.ts';
import type { JobLiveFeed } from './job-live-feed.ts';
import type { LineMode } from './dial-estimate.ts';
import { z } from 'zod';
import { pathParams } from './route-params.ts';

export interface AppDeps {
  /** Readiness checks and metrics behind /readyz and /metrics (ops-routes.ts). */
  ops?: OpsDeps;
  connectionStatus: () => Promise<ConnectionStatus>;
  /** Mounts `POST /webhooks/ringcentral`. */
  webhooks?: { redis: Redis; verificationToken: string; log: Logger };
  /** Mounts the JSON API under `/api/v1` (every request needs a bearer token or a session, see src/web/auth). */
  jobs?: JobCommands;
  /** API_TOKEN: the bootstrap bearer token (acts as an admin). */
  apiToken?: string;
  /**
   * Users, sessions, API tokens, rate limits (src/web/auth). Every route is checked against the policy table in
   * src/web/auth/route-policy.ts; without Redis here (or in `dashboard`/`webhooks`) nobody can log in.
   */
  auth?: Omit<AuthOptions, 'apiToken'>;
  /** Where the API logs unexpected failures. */
  log?: Logger;
  /** Mounts the operator dashboard (start a hunt, live job board, jobs list); needs `jobs`. */
  dashboard?: { redis: Redis; feed: JobLiveFeed; lineMode: LineMode; credentials?: number; heartbeatMs?: number; syncDirectory?: () => Promise<{ extensions: number; queues: number }> };
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono<{ Variables: DashboardVariables }>();
  const assets = loadStaticAssets();
  // The locked door, before every route: each one needs a row in src/web/auth/route-policy.ts or is refused.
  const redis = deps.auth?.redis ?? deps.dashboard?.redis ?? deps.webhooks?.redis;
  installAuth(app, { ...deps.auth, ...(redis ? { redis } : {}), ...(deps.apiToken ? { apiToken: deps.apiToken } : {}), ...(deps.log ? { log: deps.log } : {}) });

  // /healthz, /readyz, /metrics: for the platform and monitoring (ops-routes.ts).
  app.route('/', opsRoutes(deps.ops));
  app.route('/', brandingRoutes());

  // Only the files listed: `__proto__` or `constructor` must not read the map's prototype.
  const staticParams = z.object({ file: z.enum(Object.keys(assets) as [string, ...string[]]) });
  app.get('/static/:file', (c) => {
    const params = pathParams(c, staticParams);
    const asset = params ? assets[params.file] : undefined;
    if (!asset) return c.text('Not found', 404);
    return c.body(asset.body, 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=3600' });
  });

  app.get('/', async (c) => c.html(<HomePage status={await deps.connectionStatus()} />));

  if (deps.webhooks) {
    app.use(WEBHOOK_PATH, observeWebhooks);
    app.route('/', webhookRoutes(deps.webhooks));
  }

  if (deps.jobs) {
    const log = deps.log ?? deps.webhooks?.log;
    app.route('/api/v1', jobApi({ jobs: deps.jobs, ...(log ? { log } : {}) }));
    if (deps.webhooks) {
      app.route('/api/v1', destinationApi({ redis: deps.webhooks.redis }));
      app.route('/api/v1', detectionSettingsApi({ redis: deps.webhooks.redis }));
      app.route('/api/v1', detectionReviewApi({ redis: deps.webhooks.redis }));
    }
    if (deps.dashboard) {
      // Extensions with named pools, and analytics: they read the dashboard's Redis (pool-api.ts, analytics-api.ts).
      app.route('/api/v1', poolApi({ redis: deps.dashboard.redis, jobs: deps.jobs, lineMode: deps.dashboard.lineMode, ...(deps.dashboard.syncDirectory ? { syncDirectory: deps.dashboard.syncDirectory } : {}) }));
      app.route('/api/v1', analyticsApi({ redis: deps.dashboard.redis }));
    }
    // Mount further API parts above this line: anything else under the API answers 404 in the API's shape.
    app.all('/api/v1/*', (c) => apiError(c, 404, 'not_found', `No API route ${c.req.method} ${c.req.path}.`));
    if (deps.dashboard) {
      // Talk-through: the operator's voice onto a line (its own module, so auth and CSRF wrap it like the rest);
      // before the dashboard, whose `POST /jobs/:id/calls/:callId/:command` would otherwise take `talk`.
      app.route('/', talkRoute({ redis: deps.dashboard.redis, jobs: deps.jobs }));
      app.route('/', dashboardRoutes({ jobs: deps.jobs, ...deps.dashboard, ...(log ? { log } : {}) }));
      app.route('/', listenRoute({ redis: deps.dashboard.redis, jobs: deps.jobs, fan: deps.dashboard.feed.fan }));
    }
  }

  // The API reference reads the routes above at request time (src/web/api-docs.tsx).
  app.route('/', apiDocsRoutes(() => app.routes));

  return app as unknown as Hono;
}
