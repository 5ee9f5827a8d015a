/**
 * The two ways the webhook is served, for tests that must hold for both: the Hono route inside the app
 * (in-process `app.request`) and the node:http listener `serve` puts ahead of the app (real HTTP on a free port).
 */
import type { AddressInfo } from 'node:net';
import type { WebhookDeps } from '../../src/web/webhook-intake.ts';
import { webhookFirstServer, webhookListener } from '../../src/web/webhook-listener.ts';
import { webhookRoutes } from '../../src/web/webhook-receiver.ts';

export interface ServedWebhook {
  request(path: string, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export const WEBHOOK_ADAPTERS: [string, (deps: WebhookDeps) => Promise<ServedWebhook>][] = [
  [
    'Hono route',
    async (deps) => {
      const app = webhookRoutes(deps);
      return { request: async (path, init) => app.request(path, init), close: async () => undefined };
    },
  ],
  [
    'node:http listener',
    async (deps) => {
      const server = webhookFirstServer(webhookListener(deps), (_req, res) => res.writeHead(404).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        request: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init),
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  ],
];
