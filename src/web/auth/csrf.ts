/**
 * CSRF protection of every state-changing request made with a session cookie (synchronizer token): the session's
 * token travels in the `X-CSRF-Token` header (htmx sends it from `hx-headers` on <body>) or in a `_csrf` form
 * field, which `addCsrfFields` writes into every POST form of a page we render, so forms work without script.
 * Bearer-token requests carry no ambient credential and need no token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { csrfHeader, formMediaType } from '../request-headers.ts';

export const CSRF_HEADER = 'X-CSRF-Token';
export const CSRF_FIELD = '_csrf';


/** The token a request presents (header first, then the form field), or undefined. */
export async function presentedCsrfToken(c: Context): Promise<string | undefined> {
  const header = csrfHeader.parse(c.req.header(CSRF_HEADER));
  if (header) return header;
  if (!formMediaType.safeParse(c.req.header('content-type')).success) return undefined;
  // parseBody caches the form data, so the handler reads the same body afterwards.
  const body = await c.req.parseBody();
  const field = body[CSRF_FIELD];
  return typeof field === 'string' ? field : undefined;
}

export function csrfTokensMatch(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const POST_FORM = /<form\b[^>]*\bmethod="post"[^>]*>/gi;

/** Every `<form method="post">` in the page gets a hidden `_csrf` field right after its opening tag. */
export function addCsrfFields(html: string, token: string): string {
  const field = `<input type="hidden" name="${CSRF_FIELD}" value="${token.replace(/[^A-Za-z0-9_-]/g, '')}">`;
  return html.replace(POST_FORM, (tag) => `${tag}${field}`);
}
