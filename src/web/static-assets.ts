/** Front-end files served by us (no CDN): htmx 2 and its SSE extension from node_modules, our stylesheet and dashboard script. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export interface StaticAsset {
  body: string;
  contentType: string;
}

export function loadStaticAssets(): Record<string, StaticAsset> {
  const js = 'text/javascript; charset=utf-8';
  return {
    'htmx.min.js': { body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8'), contentType: js },
    'htmx-ext-sse.js': { body: readFileSync(require.resolve('htmx-ext-sse/dist/sse.min.js'), 'utf8'), contentType: js },
    'dashboard.js': { body: readFileSync(fileURLToPath(new URL('./static/dashboard.js', import.meta.url)), 'utf8'), contentType: js },
    'app.css': { body: readFileSync(fileURLToPath(new URL('./static/app.css', import.meta.url)), 'utf8'), contentType: 'text/css; charset=utf-8' },
  };
}
