/**
 * Turns whatever @ringcentral/sdk throws into a TelephonyError: RingCentral's status, errorCode and message
 * (from the error body), and for a 429 how long to wait.
 */
import { TelephonyError } from './telephony-port.ts';

/** RingCentral: "if Retry-After is absent, wait at least 30 s" (basics/rate-limits.md). */
export const DEFAULT_RETRY_AFTER_MS = 30_000;

/** Status of a failure that never reached an HTTP answer (connection refused, reset, DNS). */
export const NETWORK_FAILURE_STATUS = 0;

/** The parts of the SDK's ApiError we read; the SDK adds `retryAfter` (ms) on a 429. */
interface SdkError {
  message?: unknown;
  response?: Response | null;
  retryAfter?: unknown;
}

interface RcErrorBody {
  errorCode?: unknown;
  message?: unknown;
  errors?: { errorCode?: unknown; message?: unknown }[];
  error?: unknown;
  error_description?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function readBody(response: Response): Promise<RcErrorBody> {
  try {
    const body: unknown = await response.clone().json();
    return body !== null && typeof body === 'object' ? body : {};
  } catch {
    return {};
  }
}

/** Retry-After as delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function toTelephonyError(error: unknown): Promise<TelephonyError> {
  if (error instanceof TelephonyError) return error;
  const sdkError = (error ?? {}) as SdkError;
  const response = sdkError.response ?? undefined;
  const fallbackMessage = text(sdkError.message) ?? String(error);
  if (!response) return new TelephonyError(fallbackMessage, NETWORK_FAILURE_STATUS);

  const body = await readBody(response);
  const first = body.errors?.[0];
  const message = text(body.message) ?? text(first?.message) ?? text(body.error_description) ?? fallbackMessage;
  const errorCode = text(body.errorCode) ?? text(first?.errorCode) ?? text(body.error);
  if (response.status !== 429) return new TelephonyError(message, response.status, errorCode);

  const retryAfterMs =
    (typeof sdkError.retryAfter === 'number' && Number.isFinite(sdkError.retryAfter) ? sdkError.retryAfter : undefined) ??
    parseRetryAfter(response.headers.get('retry-after')) ??
    DEFAULT_RETRY_AFTER_MS;
  return new TelephonyError(message, 429, errorCode ?? 'CMN-301', retryAfterMs);
}
