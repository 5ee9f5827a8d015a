/** Front-end files served by us (no CDN): htmx 2 with its SSE extension and chart.js 4 from node_modules, our stylesheet and dashboard script. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// chart.js exports only its module builds; the browser bundle (UMD, sets window.Chart) sits beside them in dist/.

export interface StaticAsset {
  body: string;
  contentType: string;
}

export function loadStaticAssets(): Record<string, StaticAsset> {
  const js = 'text/javascript; charset=utf-8';
  return {
    'htmx.min.js': { body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8'), contentType: js },
    'htmx-ext-sse.js': { body: readFileSync(require.resolve('htmx-ext-sse/dist/sse.min.js'), 'utf8'), contentType: js },
    'chart.umd.min.js': { body: readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8'), contentType: js },
    'analytics.js': { body: readFileSync(fileURLToPath(new URL('./static/analytics.js', import.meta.url)), 'utf8'), contentType: js },
    'dashboard.js': { body: readFileSync(fileURLToPath(new URL('./static/dashboard.js', import.meta.url)), 'utf8'), contentType: js },
    // Talk-through: the Talk buttons and the microphone's AudioWorklet (docs/dashboard.md).
    'talk.js': { body: readFileSync(fileURLToPath(new URL('./static/talk.js', import.meta.url)), 'utf8'), contentType: js },
    'talk-worklet.js': { body: readFileSync(fileURLToPath(new URL('./static/talk-worklet.js', import.meta.url)), 'utf8'), contentType: js },
    'app.css': { body: readFileSync(fileURLToPath(new URL('./static/app.css', import.meta.url)), 'utf8'), contentType: 'text/css; charset=utf-8' },
  };
}
