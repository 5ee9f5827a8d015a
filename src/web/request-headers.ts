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

/** The media types of a dashboard form post (what `parseBody` reads). */
export const FORM_MEDIA_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'] as const;
export const formMediaType = mediaType.pipe(z.enum(FORM_MEDIA_TYPES));

/** `X-CSRF-Token` (htmx and fetch posts): bounded; an empty or oversize value reads as absent. */
export const csrfHeader = z.string().min(1).max(256).optional().catch(undefined);

/**
 * The caller's address from the proxy's header (`CLIENT_IP_HEADER`, e.g. `Fly-Client-IP` or `X-Forwarded-For`):
 * the first entry, trimmed, at most 64 characters (it keys rate limits and audit entries); empty reads as absent.
 */
export const clientAddress = z
  .string()
  .transform((header) => header.split(',')[0]?.trim().slice(0, 64) ?? '')
  .pipe(z.string().min(1))
  .optional()
  .catch(undefined);
