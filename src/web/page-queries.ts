/**
 * The dashboard pages' query strings as zod schemas. A page asked with a junk query still renders: each field
 * falls back (`.catch`) to what the page shows without it, as the links and htmx requests that build these
 * queries never send junk. Ids reuse src/web/route-params.ts, the time zone the JSON API's analytics schema.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { analyticsQuerySchema } from './analytics-api.ts';
import { DEFAULT_TIME_ZONE } from './analytics.ts';
import { MAX_LINES } from './job-api.ts';
import { destinationId, poolId } from './route-params.ts';

/** `GET /hunts/estimate?lines=`: the start form's line count, clamped to what a hunt may ask for. */
export const estimateQuery = z.object({
  lines: z.coerce
    .number()
    .catch(1)
    .transform((n) => Math.max(1, Math.min(MAX_LINES, Math.trunc(n) || 1))),
});
/** `GET /hunts/new?pool=` and `/hunts/free?pool=`: a preselected pool, if the id is well formed. */
export const poolQuery = z.object({ pool: poolId.optional().catch(undefined) });
/** `GET /analytics?tz=`: the chart's time zone. */
export const timeZoneQuery = z.object({ tz: analyticsQuerySchema.shape.tz.catch(undefined).transform((tz) => tz || DEFAULT_TIME_ZONE) });
/** `GET /destinations?edit=` and `/settings/detection?destination=`: the destination to show. */
export const editDestinationQuery = z.object({ edit: destinationId.optional().catch(undefined) });
export const settingsDestinationQuery = z.object({ destination: destinationId.optional().catch(undefined) });

/**
 * `?done=<code>` after a form's post-redirect-get: the page's notice for that code, or none. Codes only (a word,
 * and a count where the page counts things, e.g. `enabled-3`): no text from the URL is ever shown.
 */
export const DONE_CODE = /^[a-z]+(?:-[a-z]+)*(?:-\d{1,9})?$/;
export function noticeQuery(notice: (code: string) => string | undefined) {
  return z.object({ done: z.string().max(64).regex(DONE_CODE).optional().catch(undefined) }).transform(({ done }) => (done === undefined ? undefined : notice(done)));
}
/** `POST /extensions/sync?back=queues`: the page to return to. */
export const syncBackQuery = z.object({ back: z.enum(['queues', 'extensions']).catch('extensions') }).transform(({ back }) => `/${back}` as const);
/** `GET /extensions?q=&show=&tag=&pool=`: the extensions page's filters (text, bounded; junk shows everything). */
const filterText = z.string().trim().max(200).catch('').default('');
export const extensionFiltersQuery = z.object({ q: filterText, show: filterText, tag: filterText, pool: filterText });
/**
 * `GET /jobs/:id/events?after=<stream id>` (the first page load) and the `Last-Event-ID` header (a reconnect): the
 * history stream entry a viewer has seen. Anything that is not a Redis stream id reads as "nothing seen".
 */
export const STREAM_ID = /^\d{1,16}-\d{1,10}$/;
export const streamIdValue = z.string().regex(STREAM_ID).optional().catch(undefined);
export const afterQuery = z.object({ after: streamIdValue });
/**
 * `GET /login?next=` (and the login form's `next` field): where to go after logging in — only a path of ours,
 * never `//evil.example`, `/\evil.example` or `https://…` (open redirect), nor back to the login or setup page.
 */
export const localPath = z
  .string()
  .max(2048)
  .refine((next) => next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !/[\r\n]/.test(next) && !next.startsWith('/login') && !next.startsWith('/setup'))
  .catch('/');
/** `GET /login?out=1` / `?expired=1`: why the login page is shown. */
export const loginQuery = z.object({
  next: localPath.default('/'),
  out: z.string().max(8).optional().catch(undefined),
  expired: z.string().max(8).optional().catch(undefined),
});

/** The request's query through `schema` (whose fields all fall back, so this never fails). */
export function pageQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return schema.parse(c.req.query());
}
