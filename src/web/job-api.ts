/**
 * The jobs part of the JSON API (`/api/v1`, behind `apiAuth`): create, list and read hunts, and queue operator
 * commands. Every command goes through `JobCommands`, which routes it to the job's owner on whichever instance
 * holds it; the API itself keeps no state.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { z } from 'zod';
import { JobRequestError } from '../engine/job-commands.ts';
import type { CreateJobRequest, JobCommands, OperatorCommand } from '../engine/job-commands.ts';
import type { ApiVariables } from './api-auth.ts';
import { apiError, payloadTooLarge, readJsonBody, validationError } from './api-errors.ts';
import { JOB_ID, jobParams, lineParams, pathParams } from './route-params.ts';

export const JOB_API_MAX_BODY_BYTES = 16 * 1024;
export const MAX_LINES = 70;

/** Ids in paths and bodies: the dashboard's rule (src/web/route-params.ts), one definition. */
const ID = JOB_ID;

const extensionNumber = z
  .string({ error: 'must be a string of 2 to 8 digits' })
  .regex(/^\d{2,8}$/, { error: 'must be 2 to 8 digits' });

const transferTarget = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.enum(['queue', 'extension']), extensionNumber }),
    z.strictObject({
      kind: z.literal('number'),
      phoneNumber: z
        .string({ error: 'must be a string in E.164 form (+ and 7 to 15 digits)' })
        .regex(/^\+[1-9]\d{6,14}$/, { error: 'must be in E.164 form: + and 7 to 15 digits, e.g. +12125550123' }),
    }),
  ],
  {
    // zod types this as a union issue only, but a non-object target arrives here as `invalid_type`.
    error: (issue) =>
      (issue.code as string) === 'invalid_type'
        ? 'must be an object: {kind, extensionNumber} or {kind: "number", phoneNumber}'
        : "must be one of 'queue', 'extension' or 'number'",
  },
);

export const createJobSchema = z.strictObject({
  lines: z
    .int({ error: `must be a whole number from 1 to ${MAX_LINES}` })
    .min(1, { error: `must be at least 1` })
    .max(MAX_LINES, { error: `must be at most ${MAX_LINES}` }),
  destinationId: z
    .string({ error: 'must be a string' })
    .regex(ID, { error: 'must be 1 to 64 letters, digits, "_" or "-"' })
    .optional(),
  target: transferTarget.optional(),
  extensionIds: z
    .array(z.string({ error: 'must be a string of digits' }).regex(/^\d{1,20}$/, { error: 'must be an extension id (digits only)' }), {
      error: 'must be an array of extension ids',
    })
    .max(MAX_LINES, { error: `must list at most ${MAX_LINES} extensions` })
    .refine((ids) => new Set(ids).size === ids.length, { error: 'must not list an extension twice' })
    .optional(),
  pool: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(100, { error: 'must be at most 100 characters' })
    .optional(),
  handoff: z.enum(['transfer', 'standby-bridge'], { error: "must be 'transfer' or 'standby-bridge'" }).optional(),
  deadlineMinutes: z
    .int({ error: 'must be a whole number of minutes from 1 to 720' })
    .min(1, { error: 'must be at least 1 minute' })
    .max(720, { error: 'must be at most 720 minutes (12 hours)' })
    .optional(),
});

export interface JobApiDeps {
  jobs: JobCommands;
  /** Unexpected failures are logged here (with the request path), never shown to the caller. */
  log?: Logger;
  maxBodyBytes?: number;
}

type CommandType = OperatorCommand['type'];

export function jobApi(deps: JobApiDeps): Hono<{ Variables: ApiVariables }> {
  const { jobs, log } = deps;
  const maxBodyBytes = deps.maxBodyBytes ?? JOB_API_MAX_BODY_BYTES;
  const api = new Hono<{ Variables: ApiVariables }>();

  api.use('*', bodyLimit({ maxSize: maxBodyBytes, onError: (c) => payloadTooLarge(c, maxBodyBytes) }));

  api.onError((error, c) => {
    if (error instanceof JobRequestError) {
      return apiError(c, error.status, jobErrorCode(error.status), error.message, error.field === undefined ? {} : { field: error.field });
    }
    if (error instanceof HTTPException && error.status === 413) return payloadTooLarge(c, maxBodyBytes);
    log?.error({ err: error, method: c.req.method, path: c.req.path }, 'job API request failed');
    return apiError(c, 500, 'internal', 'Something went wrong on the server; the error has been logged.');
  });

  api.post('/jobs', async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = createJobSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    const request: CreateJobRequest = parsed.data;
    const view = await jobs.create(request, principal(c));
    return c.json(view, 201, { Location: `/api/v1/jobs/${encodeURIComponent(view.id)}` });
  });

  api.get('/jobs', async (c) => c.json({ jobs: await jobs.list() }));

  api.get('/jobs/:id', async (c) => {
    const params = pathParams(c, jobParams);
    if (!params) return invalidId(c, 'id');
    const jobId = params.id;
    const view = await jobs.get(jobId);
    if (!view) return apiError(c, 404, 'not_found', `No job with id ${jobId}.`, { field: 'id' });
    return c.json(view);
  });

  api.post('/jobs/:id/cancel', async (c) => {
    const params = pathParams(c, jobParams);
    if (!params) return invalidId(c, 'id');
    await jobs.send(params.id, { type: 'cancel' }, principal(c));
    return c.json({ accepted: true }, 202);
  });

  const callCommand = (type: Exclude<CommandType, 'cancel'>) =>
    api.post(`/jobs/:id/calls/:callId/${type}`, async (c) => {
      const params = lineParams.safeParse(c.req.param());
      if (!params.success) return invalidId(c, params.error.issues[0]?.path[0] === 'callId' ? 'callId' : 'id');
      await jobs.send(params.data.id, { type, callId: params.data.callId }, principal(c));
      return c.json({ accepted: true }, 202);
    });
  callCommand('confirm');
  callCommand('hangup');
  callCommand('transfer-now');

  return api;
}

function principal(c: Context<{ Variables: ApiVariables }>): string {
  return c.get('principal') ?? 'api';
}

function invalidId(c: Context, field: 'id' | 'callId'): Response {
  const what = field === 'id' ? 'job id' : 'call id';
  return apiError(c, 400, 'invalid_id', `The ${what} must be 1 to 64 letters, digits, "_" or "-".`, { field });
}

function jobErrorCode(status: JobRequestError['status']): string {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 422:
      return 'unprocessable';
  }
}
