/**
 * The dashboard pages' query strings as zod schemas. A page asked with a junk query still renders: each field
 * falls back (`.catch`) to what the page shows without it, as the links and htmx requests that build these
 * queries never send junk. Ids reuse src/web/route-params.ts, the time zone the JSON API's analytics schema.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { analyticsQuerySchema } from './analytics-api.ts';
import { DEFAULT_TIME_ZONE } from './analytics.ts';
import { destinationId, poolId } from './route-params.ts';

const MAX_LINES = 70;

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

/** The request's query through `schema` (whose fields all fall back, so this never fails). */
export function pageQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return schema.parse(c.req.query());
}
