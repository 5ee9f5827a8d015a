/** RingCentral's subscription API (research/ringcentral.md §4), each route in its spec throttling group. */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { SimEnv } from '../sim-env.ts';
import { requireAuth } from '../auth/require-auth.ts';
import { throttle } from '../rate-limit/throttle.ts';
import { RcError } from '../rc-error.ts';
import { readJson } from '../read-json.ts';
import type { SubscriptionList } from './subscription-types.ts';

const BASE = '/restapi/v1.0/subscription';
const ONE = `${BASE}/:subscriptionId`;

export function subscriptionRoutes(): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  // requireAuth per route rather than app.use: this sub-app is mounted at '/', and must not guard other routes.

  app.post(BASE, requireAuth, throttle('Medium'), async (c) => {
    const body = await readJsonObject(c);
    const info = await c.get('sim').subscriptions.create(c.get('auth').extensionId, body ?? {});
    return c.json(info, 200);
  });

  app.get(BASE, requireAuth, throttle('Light'), (c) => {
    const hub = c.get('sim').subscriptions;
    const list: SubscriptionList = { uri: hub.collectionUri, records: hub.list(c.get('auth').extensionId) };
    return c.json(list);
  });

  app.get(ONE, requireAuth, throttle('Light'), (c) =>
    c.json(c.get('sim').subscriptions.get(c.req.param('subscriptionId'), c.get('auth').extensionId)),
  );

  app.put(ONE, requireAuth, throttle('Medium'), async (c) => {
    // The body is optional: an empty PUT is a renewal (spec, updateSubscription).
    const body = await readJsonObject(c);
    return c.json(
      c.get('sim').subscriptions.update(c.req.param('subscriptionId'), body ?? {}, c.get('auth').extensionId),
    );
  });

  app.post(`${ONE}/renew`, requireAuth, throttle('Light'), (c) =>
    c.json(c.get('sim').subscriptions.renew(c.req.param('subscriptionId'), c.get('auth').extensionId)),
  );

  app.delete(ONE, requireAuth, throttle('Medium'), (c) => {
    c.get('sim').subscriptions.delete(c.req.param('subscriptionId'), c.get('auth').extensionId);
    return c.body(null, 204);
  });

  return app;
}

/** The JSON object body, undefined when empty; unparsable JSON, or JSON that is not an object, is 400 CMN-103. */
async function readJsonObject(c: Context<SimEnv>): Promise<Record<string, unknown> | undefined> {
  const parsed = await readJson(c);
  if (parsed === undefined) return undefined;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RcError(400, 'CMN-103', "JSON can't be parsed");
  }
  return parsed as Record<string, unknown>;
}
