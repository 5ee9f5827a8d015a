/**
 * Replaying and labelling detection decisions (`/api/v1/jobs/:id/detections`): every decision of a job's
 * detectors with its evidence, the audio around it as a WAV file, and an engineer's label of what it really was.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ApiVariables } from './api-auth.ts';
import { apiError, readJsonBody, validationError } from './api-errors.ts';
import { DETECTION_LABELS, labelDetection, readDetectionEntries, readDetectionEntry } from '../engine/detection-records.ts';
import { readJob } from '../engine/job-records.ts';
import { muLawWav } from '../media/wav-writer.ts';
import { callId, jobParams, pathParams } from './route-params.ts';

/** `/jobs/:id/detections/:entryId/…`: the job, and one decision's stream id. */
const entryParams = jobParams.extend({ entryId: z.string().regex(/^\d{1,20}-\d{1,20}$/) });
/** `GET /jobs/:id/detections?callId=`: one line's decisions. */
const detectionsQuery = z.object({ callId: callId.optional() });

const labelSchema = z.strictObject({
  label: z.enum(DETECTION_LABELS, { error: `must be one of ${DETECTION_LABELS.join(', ')}` }),
  note: z.string({ error: 'must be a string' }).max(500, { error: 'must be at most 500 characters' }).optional(),
});

export function detectionReviewApi(deps: { redis: Redis }): Hono<{ Variables: ApiVariables }> {
  const api = new Hono<{ Variables: ApiVariables }>();
  const { redis } = deps;
  /** The decision the path names; undefined when either id is malformed or nothing is there. */
  const entryOf = (c: Context) => {
    const params = pathParams(c, entryParams);
    return params ? readDetectionEntry(redis, params.id, params.entryId) : Promise.resolve(undefined);
  };

  api.get('/jobs/:id/detections', async (c) => {
    const jobId = c.req.param('id');
    if (!pathParams(c, jobParams) || !(await readJob(redis, jobId))) return apiError(c, 404, 'not_found', `No job with id ${jobId}.`, { field: 'id' });
    const query = c.req.query();
    const parsed = detectionsQuery.safeParse(query);
    if (!parsed.success) return validationError(c, parsed.error, query);
    return c.json({ jobId, detections: await readDetectionEntries(redis, jobId, parsed.data.callId) });
  });

  api.get('/jobs/:id/detections/:entryId/clip', async (c) => {
    const { id: jobId, entryId } = c.req.param();
    const entry = await entryOf(c);
    if (!entry) return apiError(c, 404, 'not_found', `Job ${jobId} has no detection decision ${entryId}.`, { field: 'entryId' });
    const clip = entry.clip ? await redis.getBuffer(entry.clip) : null;
    if (!clip) {
      const why = entry.clip ? 'its clip has expired (clips are kept DETECTION_CLIP_RETENTION_DAYS days)' : 'no clip was kept (DETECTION_CLIPS=off)';
      return apiError(c, 404, 'not_found', `Decision ${entryId} has no audio: ${why}.`, { field: 'entryId' });
    }
    return c.body(muLawWav(clip), 200, { 'Content-Type': 'audio/wav', 'Content-Disposition': `inline; filename="${jobId}-${entry.callId}-${entryId}.wav"` });
  });

  api.put('/jobs/:id/detections/:entryId/label', async (c) => {
    const { id: jobId, entryId } = c.req.param();
    const entry = await entryOf(c);
    if (!entry) return apiError(c, 404, 'not_found', `Job ${jobId} has no detection decision ${entryId}.`, { field: 'entryId' });
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = labelSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    const label = { ...parsed.data, by: c.get('principal') ?? 'api', at: Date.now() };
    await labelDetection(redis, jobId, entryId, label);
    return c.json({ ...entry, label });
  });

  return api;
}
