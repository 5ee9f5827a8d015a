/**
 * Request headers the app acts on, as zod schemas: the bearer token of `Authorization` (API, metrics) and the media
 * type of `Content-Type`. A header that does not fit reads as absent or malformed, and each route answers that
 * with its own 4xx; the webhook's headers are checked by its intake (src/web/webhook-intake.ts).
 */
import { z } from 'zod';

/** `Authorization: Bearer <token>` → the token; any other value (or none) → undefined. */
export const bearerToken = z
  .string()
  .max(4096)
  .transform((header) => /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1])
  .optional()
  .catch(undefined);

/** `Content-Type: application/octet-stream; x=y` → `application/octet-stream` ('' when absent or unreadable). */
export const mediaType = z
  .string()
  .max(256)
  .transform((header) => header.split(';')[0]?.trim().toLowerCase() ?? '')
  .catch('')
  .default('');
