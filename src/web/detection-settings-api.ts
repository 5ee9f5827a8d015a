/**
 * Detection settings per destination (`/api/v1/settings/detection/:destinationId`): the live thresholds and
 * weights new lines listen with, the shadow (candidate) set run beside them, who changed what, and the report
 * comparing the two on the firm's own calls. A change is validated whole before it is saved.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { ApiVariables } from './api-auth.ts';
import { apiError, readJsonBody } from './api-errors.ts';
import { getDestination } from '../engine/destination-store.ts';
import { DetectionSettingsStore } from '../engine/detection-settings.ts';
import type { DetectionSettingsKind } from '../engine/detection-settings.ts';
import { shadowReport } from '../engine/shadow-report.ts';
import { DEFAULT_DETECTION_CONFIG, resolveDetectionConfig } from '../detection/index.ts';
import { DetectionSettingsError } from '../detection/settings-input.ts';
import { detectionSettingsParams, pathParams } from './route-params.ts';

/** `PUT …/:destinationId` and `…/shadow`: the overrides to save, checked whole by the detection settings schema. */
export const detectionSettingsBodySchema = z.object({ config: z.unknown().refine((v) => v !== undefined) });
/** `GET …/shadow-report?jobs=`: how many of the destination's latest hunts to compare on. */
export const shadowReportQuery = z.object({ jobs: z.coerce.number().int().min(1).max(1000).default(100) });

export function detectionSettingsApi(deps: { redis: Redis }): Hono<{ Variables: ApiVariables }> {
  const api = new Hono<{ Variables: ApiVariables }>();
  const store = new DetectionSettingsStore(deps.redis);
  const base = '/settings/detection/:destinationId';

  /** The path's destination id when it is well formed and saved. */
  const known = async (c: Context): Promise<boolean> => {
    const params = pathParams(c, detectionSettingsParams);
    return params !== undefined && (await getDestination(deps.redis, params.destinationId)) !== undefined;
  };
  const notFound = (c: Parameters<typeof apiError>[0], id: string) => apiError(c, 404, 'not_found', `No saved destination with id ${id}.`, { field: 'destinationId' });

  api.get(base, async (c) => {
    const id = c.req.param('destinationId');
    if (!(await known(c))) return notFound(c, id);
    const [live, shadow] = await Promise.all([store.get(id), store.get(id, 'shadow')]);
    return c.json({ destinationId: id, live: live ?? null, shadow: shadow ?? null, effective: resolveDetectionConfig(live?.config), defaults: DEFAULT_DETECTION_CONFIG });
  });

  const save = (kind: DetectionSettingsKind) =>
    api.put(kind === 'live' ? base : `${base}/shadow`, async (c) => {
      const id = c.req.param('destinationId');
      if (!(await known(c))) return notFound(c, id);
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const envelope = detectionSettingsBodySchema.safeParse(body.value);
      if (!envelope.success) {
        return apiError(c, 400, 'invalid_body', 'Send {"config": {...}} with the settings to override, e.g. {"config": {"confirmThreshold": 0.85}}.', { field: 'config' });
      }
      try {
        // The store checks the overrides with detectionSettingsSchema (as the form and the CLI do) before saving.
        return c.json(await store.save(id, envelope.data.config, c.get('principal') ?? 'api', kind));
      } catch (error) {
        if (error instanceof DetectionSettingsError) return apiError(c, 400, 'invalid_settings', error.message, { field: 'config' });
        throw error;
      }
    });
  save('live');
  save('shadow');

  api.delete(`${base}/shadow`, async (c) => {
    const id = c.req.param('destinationId');
    if (!(await known(c))) return notFound(c, id);
    if (!(await store.clearShadow(id, c.get('principal') ?? 'api'))) return apiError(c, 404, 'not_found', `Destination ${id} runs no shadow settings.`);
    return c.body(null, 204);
  });

  api.get(`${base}/history`, async (c) => {
    const id = c.req.param('destinationId');
    if (!(await known(c))) return notFound(c, id);
    return c.json({ destinationId: id, changes: await store.history(id) });
  });

  api.get(`${base}/shadow-report`, async (c) => {
    const id = c.req.param('destinationId');
    if (!(await known(c))) return notFound(c, id);
    const query = shadowReportQuery.safeParse(c.req.query());
    if (!query.success) return apiError(c, 400, 'invalid_query', 'jobs must be a whole number from 1 to 1000.', { field: 'jobs' });
    return c.json(await shadowReport(deps.redis, id, query.data.jobs));
  });

  return api;
}
