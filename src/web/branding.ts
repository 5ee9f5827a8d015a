/**
 * The firm's name and logo on every dashboard page (FIRM_NAME, FIRM_LOGO_FILE). Set once at start; the page shell
 * reads it. The logo is served from here (`GET /firm-logo`): pages load nothing from other origins, and the strict
 * CSP stays as it is. Raster images only: an SVG could carry script.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Hono } from 'hono';

export interface Branding {
  firmName?: string;
  logo?: { body: Uint8Array; contentType: string };
}

export const LOGO_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };
export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_PATH = '/firm-logo';

let current: Branding = {};

export function setBranding(branding: Branding): void {
  current = branding;
}

export function branding(): Branding {
  return current;
}

/** Why a logo file cannot be used, or undefined when it can (config validation). */
export function logoFileProblem(path: string): string | undefined {
  const type = LOGO_TYPES[extname(path).toLowerCase()];
  if (!type) return `must be a .png, .jpg or .webp file (${Object.keys(LOGO_TYPES).join(', ')})`;
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return `no readable file at ${path}`;
  }
  if (size > LOGO_MAX_BYTES) return `must be at most ${LOGO_MAX_BYTES / 1024} KB (is ${Math.ceil(size / 1024)} KB)`;
  return undefined;
}

export function loadBranding(options: { firmName?: string; logoFile?: string }): Branding {
  const logo = options.logoFile ? { body: new Uint8Array(readFileSync(options.logoFile)), contentType: LOGO_TYPES[extname(options.logoFile).toLowerCase()] ?? 'application/octet-stream' } : undefined;
  return { ...(options.firmName ? { firmName: options.firmName } : {}), ...(logo ? { logo } : {}) };
}

export function brandingRoutes(): Hono {
  const app = new Hono();
  app.get(LOGO_PATH, (c) => {
    const logo = current.logo;
    if (!logo) return c.text('Not found', 404);
    return c.body(logo.body.slice().buffer, 200, { 'Content-Type': logo.contentType, 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' });
  });
  return app;
}
