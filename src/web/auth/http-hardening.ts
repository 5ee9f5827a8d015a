/**
 * Headers and limits every response and request gets: a strict Content-Security-Policy (scripts, styles, media
 * and connections from this origin only — no inline script or style, no framing, forms post only here), the
 * usual hardening headers, CORS closed unless CORS_ORIGINS allow-lists origins for the JSON API, and one body
 * size limit for every route (the webhook and the job API keep their own, smaller ones).
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { apiErrorBody } from '../api-errors.ts';
import { formMediaType } from '../request-headers.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'"],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

export function hardeningHeaders(options: { https: boolean }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    // HSTS only where the app is served over https (a plain-http local run must not pin localhost to https).
    strictTransportSecurity: options.https ? 'max-age=31536000; includeSubDomains' : false,
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    permissionsPolicy: { camera: [], geolocation: [], payment: [], usb: [] },
  });
}

/** CORS for `/api/*`: only the listed origins (none = closed: browsers on other origins cannot read answers). */
export function apiCors(origins: readonly string[]): MiddlewareHandler {
  if (origins.length === 0) return async (_c, next) => next();
  return cors({ origin: [...origins], allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], allowHeaders: ['Authorization', 'Content-Type'], maxAge: 600 });
}

export function bodySizeLimit(maxSize = MAX_BODY_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/')
        ? c.json(apiErrorBody('payload_too_large', `The request body exceeds ${maxSize} bytes.`), 413)
        : c.text(`The request body exceeds ${maxSize} bytes.`, 413),
  });
}


/**
 * A dashboard form body that cannot be parsed (a broken multipart, say) answers 400 here, once, instead of a 500
 * from whichever handler reads it first. Hono caches the parsed form, so handlers read it again for free. The JSON
 * API and the webhook read their own bodies and answer their own errors; so does the talk route, whose own, larger
 * limit re-reads the raw stream (a body parsed here first would leave it locked).
 */
export function formBodyGuard(): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || path.startsWith('/api/') || path.startsWith('/webhooks/') || path.endsWith('/talk') || !formMediaType.safeParse(c.req.header('content-type')).success) return next();
    try {
      await c.req.parseBody();
    } catch (error) {
      // The size limit's own error must reach bodySizeLimit, which answers 413.
      if (error instanceof Error && error.name === 'BodyLimitError') throw error;
      return c.text('The form could not be read: reload the page and send it again.', 400);
    }
    return next();
  };
}
