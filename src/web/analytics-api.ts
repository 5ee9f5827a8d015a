/**
 * `GET /api/v1/analytics` (behind `apiAuth`): the numbers behind the analytics page — time to agent by hour and
 * weekday, courtesy-disconnect rate, lines against time to agent, detection outcomes, queue usage and the "best
 * time to call" advice — over the hunts started in `from`..`to` (UTC days, inclusive) for `destination`, with
 * hours in `tz` (an IANA zone; default America/New_York). Bad parameters are a 400 naming the parameter.
 */
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { readSummaries } from '../engine/hunt-summary.ts';
import type { ApiVariables } from './api-auth.ts';
import { validationError } from './api-errors.ts';
import { analytics, checkTimeZone, DEFAULT_TIME_ZONE } from './analytics.ts';
import { filterRows, NO_FILTERS } from './job-rows.ts';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date such as 2026-11-26' })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), { error: 'must be a real date' });

export const analyticsQuerySchema = z
  .strictObject({
    from: day.optional(),
    to: day.optional(),
    destination: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, { error: 'must be a destination id' })
      .optional(),
    tz: z
      .string()
      .max(64, { error: 'must be an IANA time zone such as America/New_York' })
      .refine(
        (v) => {
          try {
            checkTimeZone(v);
            return true;
          } catch {
            return false;
          }
        },
        { error: 'must be an IANA time zone such as America/New_York' },
      )
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: 'to must not be before from', path: ['to'] });

export function analyticsApi(deps: { redis: Redis }): Hono<{ Variables: ApiVariables }> {
  const api = new Hono<{ Variables: ApiVariables }>();
  api.get('/analytics', async (c) => {
    const query = c.req.query();
    const parsed = analyticsQuerySchema.safeParse(query);
    if (!parsed.success) return validationError(c, parsed.error, query);
    const { from = '', to = '', destination = '', tz = DEFAULT_TIME_ZONE } = parsed.data;
    const rows = filterRows(await readSummaries(deps.redis), { ...NO_FILTERS, from, to, destination });
    return c.json({ filters: { from: from || null, to: to || null, destination: destination || null }, ...analytics(rows, tz) });
  });
  return api;
}
