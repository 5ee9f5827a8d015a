/**
 * pino with secrets and phone numbers kept out of every line: known secret paths are redacted by pino, and every
 * logged object is also walked (a few levels deep) so a secret-named field at any depth reads "[redacted]" and an
 * E.164 phone number anywhere in a value keeps only its last two digits. Tested in test/web/security-redaction.test.ts.
 */
import pino from 'pino';
import type { Logger, LevelWithSilent } from 'pino';

export const REDACTED_PATHS = [
  '*.password',
  '*.access_token',
  '*.refresh_token',
  '*.jwt',
  '*.clientSecret',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.Authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers["verification-token"]',
  'headers["validation-token"]',
  'RC_CLIENT_SECRET',
  'RC_JWT',
  'SIM_CLIENT_SECRET',
  'SIM_JWT',
  'API_TOKEN',
  'METRICS_TOKEN',
  'SESSION_SECRET',
  'RC_WEBHOOK_TOKEN',
];

export const CENSOR = '[redacted]';

/** Field names whose values are secrets wherever they appear. */
const SECRET_KEY =
  /^(password|passwd|pass|new_?password|current|secret|client_?secret|token|api_?token|access_?token|refresh_?token|id_?token|jwt|authorization|proxy-authorization|cookie|set-cookie|session_?secret|verification-?token|validation-?token|x-csrf-token|csrf_?token|_csrf|_login_csrf|bootstrap_?secret)$/i;

/** An E.164 number (+ and 7 to 15 digits) inside any text. */
const PHONE = /\+[1-9]\d{4,12}(\d{2})(?!\d)/g;

/** True for a field whose value is a secret wherever it appears (password, token, cookie, …). */
export function isSecretField(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE, (_whole, last: string) => `+…${last}`);
}

/** A copy of `value` with secret-named fields censored and phone numbers masked (depth-bounded, cycle-safe). */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  // Errors and other class instances go to pino's serializers untouched (their fields are not enumerable).
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = isSecretField(key) && field !== undefined ? CENSOR : scrub(field, depth + 1, seen);
  return out;
}

export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      base: { app: 'hold-hunter' },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      // Messages are fixed text as a rule; masking them too catches a number interpolated by mistake.
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskPhoneNumbers(arg) : arg)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
    },
    destination,
  );
}
