/**
 * Extensions and named pools in the JSON API (`/api/v1`, behind the auth gate): list extensions with availability,
 * tags, pools and reservations; sync them from RingCentral; enable/disable and tag them in bulk; create, rename and delete pools and change
 * their members in bulk. A hunt started with `pool` dials only from that pool (`RedisJobCommands`).
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { JobCommands } from '../engine/job-commands.ts';
import { changePoolMembers, createPool, deletePool, getPool, listPools, PoolError, renamePool } from '../engine/extension-pools.ts';
import type { ApiVariables } from './api-auth.ts';
import { apiError, readJsonBody, validationError } from './api-errors.ts';
import { changeTags, MAX_TAGS, normalTag, setExtensionsEnabled, TAG } from './extension-settings.ts';
import { extensionRows } from './extension-rows.ts';
import { pathParams, poolParams } from './route-params.ts';
import type { LineMode } from './dial-estimate.ts';

export const extensionIds = z
  .array(z.string({ error: 'must be a string of digits' }).regex(/^\d{1,20}$/, { error: 'must be an extension id (digits only)' }), { error: 'must be an array of extension ids' })
  .max(1000, { error: 'must list at most 1000 extensions' });

/** One tag as stored (trimmed, lower-case); also the dashboard's bulk tag form. */
export const tag = z
  .string({ error: 'must be a string' })
  .transform(normalTag)
  .pipe(z.string().regex(TAG, { error: 'must be 1 to 30 letters, digits, spaces, "-" or "_", starting with a letter or digit' }));

const tags = z
  .array(tag, { error: 'must be an array of tags' })
  .max(MAX_TAGS, { error: `must list at most ${MAX_TAGS} tags` });

/** A pool's name; also the dashboard's pool forms. */
export const poolName = z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' }).max(60, { error: 'must be at most 60 characters' });

export const createPoolSchema = z.strictObject({ name: poolName, extensionIds: extensionIds.optional() });
export const renamePoolSchema = z.strictObject({ name: poolName });
export const poolMembersSchema = z
  .strictObject({ add: extensionIds.optional(), remove: extensionIds.optional() })
  .refine((b) => (b.add?.length ?? 0) + (b.remove?.length ?? 0) > 0, { error: 'give "add" or "remove" with at least one extension id' });
export const extensionsBulkSchema = z
  .strictObject({ ids: extensionIds.min(1, { error: 'must list at least one extension' }), enabled: z.boolean({ error: 'must be true or false' }).optional(), addTags: tags.optional(), removeTags: tags.optional() })
  .refine((b) => b.enabled !== undefined || b.addTags !== undefined || b.removeTags !== undefined, { error: 'give "enabled", "addTags" or "removeTags"' });

export interface PoolApiDeps {
  redis: Redis;
  jobs: JobCommands;
  lineMode: LineMode;
  /** Pulls users and queues from RingCentral (devices and presence follow in the background); absent = 503. */
  syncDirectory?: () => Promise<{ extensions: number; queues: number }>;
}

export function poolApi(deps: PoolApiDeps): Hono<{ Variables: ApiVariables }> {
  const { redis } = deps;
  const api = new Hono<{ Variables: ApiVariables }>();

  api.onError((error, c) => {
    if (error instanceof PoolError) return apiError(c, error.status, error.status === 404 ? 'not_found' : error.status === 409 ? 'conflict' : 'unprocessable', error.message, error.field ? { field: error.field } : {});
    throw error;
  });

  api.get('/extensions', async (c) => {
    const { rows } = await extensionRows(redis, deps.jobs, deps.lineMode);
    return c.json({ extensions: rows });
  });

  api.post('/extensions/bulk', async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = extensionsBulkSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    const { ids, enabled, addTags, removeTags } = parsed.data;
    const result: Record<string, number> = {};
    if (enabled !== undefined) result.enabledChanged = await setExtensionsEnabled(redis, ids, enabled);
    if (addTags || removeTags) result.tagsChanged = await changeTags(redis, ids, { ...(addTags ? { add: addTags } : {}), ...(removeTags ? { remove: removeTags } : {}) });
    return c.json(result);
  });

  api.post('/extensions/sync', async (c) => {
    if (!deps.syncDirectory) return apiError(c, 503, 'unavailable', 'Directory sync is not available on this instance.');
    return c.json(await deps.syncDirectory());
  });

  api.get('/pools', async (c) => c.json({ pools: await listPools(redis) }));

  api.post('/pools', async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = createPoolSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    const pool = await createPool(redis, parsed.data.name);
    if (parsed.data.extensionIds?.length) {
      try {
        await changePoolMembers(redis, pool.id, { add: parsed.data.extensionIds });
      } catch (error) {
        // No half-made pool: an unknown extension undoes the creation.
        await deletePool(redis, pool.id);
        throw error;
      }
    }
    return c.json(await getPool(redis, pool.id), 201, { Location: `/api/v1/pools/${pool.id}` });
  });

  api.get('/pools/:id', async (c) => {
    const id = checkedId(c);
    if (id instanceof Response) return id;
    const pool = await getPool(redis, id);
    return pool ? c.json(pool) : apiError(c, 404, 'not_found', `No pool with id ${id}.`, { field: 'id' });
  });

  api.patch('/pools/:id', async (c) => {
    const id = checkedId(c);
    if (id instanceof Response) return id;
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = renamePoolSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    return c.json(await renamePool(redis, id, parsed.data.name));
  });

  api.delete('/pools/:id', async (c) => {
    const id = checkedId(c);
    if (id instanceof Response) return id;
    return (await deletePool(redis, id)) ? c.body(null, 204) : apiError(c, 404, 'not_found', `No pool with id ${id}.`, { field: 'id' });
  });

  api.post('/pools/:id/extensions', async (c) => {
    const id = checkedId(c);
    if (id instanceof Response) return id;
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = poolMembersSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    const counts = await changePoolMembers(redis, id, parsed.data);
    return c.json({ ...counts, pool: await getPool(redis, id) });
  });

  return api;
}

function checkedId(c: Context): string | Response {
  const params = pathParams(c, poolParams);
  return params ? params.id : apiError(c, 400, 'invalid_id', 'A pool id looks like "pool-" and 8 hex digits, e.g. pool-1a2b3c4d.', { field: 'id' });
}
