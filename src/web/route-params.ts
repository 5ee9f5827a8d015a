/**
 * The dashboard's path parameters as zod schemas: one definition per kind of id, shared by every route that takes
 * it, so a malformed id (oversize, control characters, `..`) is refused before it reaches Redis or a lookup. Each
 * route keeps its own answer to a refused id (a 404 page, or a 400 naming what was wrong).
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { USERNAME } from './auth/user-store.ts';
import { POOL_ID } from '../engine/extension-pools.ts';

/** Hunt (job) and line (call) ids: what the engine mints, word characters and dashes. */
export const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const jobId = z.string().regex(JOB_ID);
export const callId = jobId;
/** Destination ids: lower-case slugs such as `irs-pps`. */
export const DESTINATION_ID = /^[a-z0-9][a-z0-9-]{0,47}$/;
export const destinationId = z.string().regex(DESTINATION_ID);
/** RingCentral extension ids (digits), and call-queue extension numbers (digits too). */
export const extensionId = z.string().regex(/^\d{1,20}$/);
export const extensionNumber = z.string().regex(/^\d{1,20}$/);
/** Named pools: `pool-` and 8 hex digits, as the pool store mints them. */
export const poolId = z.string().regex(POOL_ID);
/** API token ids (alphanumeric): generous, but bounded and printable. */
export const tokenId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const LINE_COMMANDS = ['confirm', 'hangup', 'transfer-now'] as const;

export const jobParams = z.object({ id: jobId });
export const lineParams = z.object({ id: jobId, callId });
export const lineCommandParams = lineParams.extend({ command: z.enum(LINE_COMMANDS) });
export const destinationParams = z.object({ id: destinationId });
export const detectionSettingsParams = z.object({ destinationId });
export const queueParams = z.object({ ext: extensionNumber });
export const extensionParams = z.object({ id: extensionId });
export const poolParams = z.object({ id: poolId });
export const poolMemberParams = z.object({ id: poolId, extensionId });
export const tokenParams = z.object({ id: tokenId });
export const usernameParams = z.object({ username: z.string().regex(USERNAME) });

/** The route's path params through `schema`, or undefined when any is malformed (the caller answers 4xx). */
export function pathParams<S extends z.ZodType>(c: Context, schema: S): z.infer<S> | undefined {
  const parsed = schema.safeParse(c.req.param());
  return parsed.success ? parsed.data : undefined;
}
