/**
 * Saved destinations and their IVR scripts (`/api/v1/destinations`): what a hunt dials, and which keys it presses
 * when. Only saved destinations can be dialled, so nobody can make the firm call an arbitrary number.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { ApiVariables } from './api-auth.ts';
import { apiError, readJsonBody, validationError } from './api-errors.ts';
import { deleteDestination, getDestination, listDestinations, saveDestination } from '../engine/destination-store.ts';
import { destinationParams, pathParams } from './route-params.ts';

export const destinationSchema = z
  .object({
    name: z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' }).max(80, { error: 'must be at most 80 characters' }),
    phoneNumber: z.string({ error: 'must be a string' }).regex(/^\+[1-9]\d{6,14}$/, { error: 'must be an E.164 number such as +18668604259' }),
    ivr: z
      .array(
        z
          .object({
            digits: z.string({ error: 'must be a string' }).regex(/^[0-9*#]{1,16}$/, { error: 'must be 1 to 16 of 0-9, * and #' }),
            afterMs: z.int({ error: 'must be a whole number of milliseconds' }).min(0, { error: 'must not be negative' }).max(600_000, { error: 'must be at most 600000 (10 minutes)' }),
          })
          .strict(),
        { error: 'must be a list of {digits, afterMs} steps' },
      )
      .max(10, { error: 'must have at most 10 steps' }),
  })
  .strict();

export function destinationApi(deps: { redis: Redis }): Hono<{ Variables: ApiVariables }> {
  const api = new Hono<{ Variables: ApiVariables }>();
  const { redis } = deps;

  api.get('/destinations', async (c) => c.json({ destinations: await listDestinations(redis) }));

  api.get('/destinations/:id', async (c) => {
    const id = c.req.param('id');
    const params = pathParams(c, destinationParams);
    const destination = params ? await getDestination(redis, params.id) : undefined;
    if (!destination) return apiError(c, 404, 'not_found', `No destination with id ${id}.`, { field: 'id' });
    return c.json(destination);
  });

  // PUT creates or replaces: the id is the caller's choice (lower-case letters, digits and dashes).
  api.put('/destinations/:id', async (c) => {
    const params = pathParams(c, destinationParams);
    if (!params) return apiError(c, 400, 'invalid_id', 'The destination id must be 1 to 48 lower-case letters, digits or dashes.', { field: 'id' });
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = destinationSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    const destination = { id: params.id, ...parsed.data };
    await saveDestination(redis, destination);
    return c.json(destination);
  });

  api.delete('/destinations/:id', async (c) => {
    const id = c.req.param('id');
    const params = pathParams(c, destinationParams);
    if (!params || !(await deleteDestination(redis, params.id))) return apiError(c, 404, 'not_found', `No saved destination with id ${id}.`, { field: 'id' });
    return c.body(null, 204);
  });

  return api;
}
