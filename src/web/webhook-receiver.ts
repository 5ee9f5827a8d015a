/**
 * `POST /webhooks/ringcentral` in the Hono app: RingCentral's (or the simulator's) telephony-session
 * notifications, on any instance. What it does with a request is webhook-intake.ts (handshake, constant-time token
 * check, shape, one delivery to Redis before the reply); this is its Hono adapter, with the body limit. `serve`
 * answers this path with the plain node:http adapter instead (webhook-listener.ts), ahead of the app's middleware.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiErrorBody } from './api-errors.ts';
import { WEBHOOK_PATH, isWebhookReply, webhookIntake } from './webhook-intake.ts';
import type { WebhookAdmission, WebhookDeps, WebhookReply } from './webhook-intake.ts';

export { WEBHOOK_MAX_BODY_BYTES, WEBHOOK_PATH, WEBHOOK_REDIS_TIMEOUT_MS } from './webhook-intake.ts';
export type { WebhookDeps } from './webhook-intake.ts';
export { PARKED_EVENTS_TTL_SECONDS } from '../store/webhook-inbox.ts';

export function webhookRoutes(deps: WebhookDeps): Hono {
  const { log } = deps;
  const intake = webhookIntake(deps);
  const app = new Hono<{ Variables: { webhookAdmission: WebhookAdmission } }>();
  const answer = (c: Context, reply: WebhookReply): Response => {
    if (reply.status !== 200) return c.json(reply.body, reply.status);
    if (reply.validationToken !== undefined) return c.body(null, 200, { 'Validation-Token': reply.validationToken, 'Content-Type': 'application/json' });
    return c.body(null, 200);
  };

  const limitBody = bodyLimit({ maxSize: intake.maxBodyBytes, onError: (c) => answer(c, intake.tooLarge()) });

  app.post(
    WEBHOOK_PATH,
    // A request without Validation-Token cannot be the handshake: refuse a bad token before reading any body.
    async (c, next) => {
      const admitted = intake.begin(c.req.header());
      if (isWebhookReply(admitted)) return answer(c, admitted);
      c.set('webhookAdmission', admitted);
      return next();
    },
    // The limit reads a body without Content-Length itself; a client that aborts mid-body gets a 400.
    async (c, next) => {
      try {
        return await limitBody(c, next);
      } catch (error) {
        return answer(c, intake.unreadable(error));
      }
    },
    async (c) => {
      let text: string;
      try {
        text = await c.req.text();
      } catch (error) {
        return answer(c, intake.unreadable(error));
      }
      return answer(c, await intake.receive(text, c.req.header(), c.get('webhookAdmission')));
    },
  );

  // Nothing above should throw; if something does, answer in our shape and keep serving.
  app.onError((error, c) => {
    log.error({ err: error }, 'webhook handler failed');
    return c.json(apiErrorBody('internal', 'Internal error.'), 500);
  });

  return app as unknown as Hono;
}
