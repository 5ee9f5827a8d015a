/**
 * A stand-in for the product's webhook endpoint in simulator tests: answers RingCentral's Validation-Token
 * handshake and records every notification with its headers.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotification {
  headers: Record<string, string>;
  body: any;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  handshakes: string[];
  notifications: ReceivedNotification[];
  /** Resolves with the first notification (since the call) that matches, or rejects after `timeoutMs`. */
  waitFor(match: (n: ReceivedNotification) => boolean, timeoutMs?: number): Promise<ReceivedNotification>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const handshakes: string[] = [];
  const notifications: ReceivedNotification[] = [];
  const waiters: { match: (n: ReceivedNotification) => boolean; resolve: (n: ReceivedNotification) => void }[] = [];
  const app = new Hono();
  app.post('/webhook', async (c) => {
    const token = c.req.header('validation-token');
    if (token) {
      handshakes.push(token);
      return c.body(null, 200, { 'Validation-Token': token, 'Content-Type': 'application/json' });
    }
    const received: ReceivedNotification = { headers: Object.fromEntries(c.req.raw.headers), body: await c.req.json(), at: Date.now() };
    notifications.push(received);
    for (const waiter of [...waiters]) {
      if (waiter.match(received)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
    }
    return c.body(null, 200);
  });
  let server: ReturnType<typeof serve> | undefined;
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  return {
    url: `http://127.0.0.1:${address.port}/webhook`,
    handshakes,
    notifications,
    waitFor(match, timeoutMs = 10_000) {
      const already = notifications.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) {
            waiters.splice(index, 1);
            reject(new Error(`no matching notification within ${timeoutMs} ms (got ${notifications.length})`));
          }
        }, timeoutMs).unref();
      });
    },
    close: () =>
      new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
