/** The product's HTTP app: dashboard pages, static assets and health. */
import { Hono } from 'hono';
import { HomePage } from '../../views/home-page.tsx';
import type { ConnectionStatus } from '../../views/home-page.tsx';
import { loadStaticAssets } from './static-assets.ts';

export interface AppDeps {
  connectionStatus: () => Promise<ConnectionStatus>;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const assets = loadStaticAssets();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/static/:file', (c) => {
    const asset = assets[c.req.param('file')];
    if (!asset) return c.text('Not found', 404);
    return c.body(asset.body, 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=3600' });
  });

  app.get('/', async (c) => c.html(<HomePage status={await deps.connectionStatus()} />));

  return app;
}
