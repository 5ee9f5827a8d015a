/** The simulator's HTTP surface: RingCentral's REST paths plus the /_sim control API. */
import { Hono } from 'hono';
import type { SimEnv } from './sim-env.ts';
import type { SimRuntime } from './sim-runtime.ts';
import { RcError } from './rc-error.ts';
import { oauthRoutes } from './auth/oauth-routes.ts';
import { directoryRoutes } from './directory/directory-routes.ts';
import { telephonyRoutes } from './telephony/telephony-routes.ts';
import { subscriptionRoutes } from './subscriptions/subscription-routes.ts';
import { controlRoutes } from './control/control-routes.ts';
import { sipControlRoutes } from './control/sip-control-routes.ts';

export function createSimApp(runtime: SimRuntime): Hono<SimEnv> {
  const app = new Hono<SimEnv>();

  app.use('*', async (c, next) => {
    c.set('sim', runtime.context);
    await next();
  });

  app.onError((error, c) => {
    if (error instanceof RcError) return c.json(error.body(), error.status, error.headers);
    // A bug of ours must still answer like RingCentral does, never crash or hang the SDK.
    runtime.context.log.error({ err: error, path: c.req.path }, 'simulator request failed');
    const internal = new RcError(500, 'CMN-201', 'Service Temporary Unavailable');
    return c.json(internal.body(), 500);
  });

  app.notFound((c) => {
    const missing = new RcError(404, 'CMN-102', `Resource for parameter [path] is not found`, {
      parameterName: 'path',
      parameterValue: c.req.path,
    });
    return c.json(missing.body(), 404);
  });

  app.route('/', oauthRoutes());
  app.route('/', directoryRoutes());
  app.route('/', telephonyRoutes());
  app.route('/', subscriptionRoutes());
  app.route('/', controlRoutes(runtime));
  app.route('/', sipControlRoutes(runtime));
  return app;
}
