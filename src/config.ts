/**
 * The environment, parsed once at start. Every bad variable is reported on its own line, so an operator fixes
 * them all in one go; nothing starts with a half-valid configuration.
 */
import { z } from 'zod';
import { DEMO_CREDENTIALS } from './simulator/sim-options.ts';
import { parseFeatureFlags } from './feature-flags.ts';
import { logoFileProblem } from './web/branding.ts';
import type { FeatureFlags } from './feature-flags.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = (fallback: number) =>
  z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0, 'must be 0..65535').max(65535, 'must be 0..65535').default(fallback);
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const url = (what: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .optional()
    .refine((v) => v === undefined || /^https?:\/\/[^\s/]+/.test(v), `must be an http(s) URL (${what})`);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'staging', 'production']).default('development'),
  /**
   * Where this deployment runs. staging and production refuse to start without what a real deployment needs
   * (RingCentral credentials, an https PUBLIC_URL, the webhook token and session secret; production also
   * METRICS_TOKEN); development allows demo mode and defaults.
   */
  APP_ENV: z.enum(['development', 'staging', 'production'], { error: 'must be development, staging or production' }).default('development'),
  /** The firm's name on every dashboard page. */
  FIRM_NAME: z.string().trim().max(80, 'must be at most 80 characters').optional().transform((v) => (v === '' ? undefined : v)),
  /** The firm's logo on every dashboard page: a PNG, JPEG or WebP file of at most 256 KB. */
  FIRM_LOGO_FILE: optionalText.refine((v) => v === undefined || logoFileProblem(v) === undefined, { error: (issue) => logoFileProblem(String(issue.input)) ?? 'unusable logo file' }),
  /** Feature flags, e.g. `standby-bridge=off,detection.keywords=off` (src/feature-flags.ts). */
  FEATURES: optionalText,
  /**
   * Development only: stream every hunt's statecharts (sanitized) to a Stately inspector bridge at this WebSocket
   * URL, e.g. ws://localhost:8080 from `npm run inspect:statecharts`.
   */
  XSTATE_INSPECT_URL: optionalText.refine((v) => v === undefined || /^wss?:\/\/[^\s/]+/.test(v), 'must be a ws:// or wss:// URL (the statechart inspector bridge)'),
  /** Sentry DSN: error and fatal log lines are sent there (off when unset). */
  SENTRY_DSN: url('Sentry DSN, e.g. https://key@o1.ingest.sentry.io/2'),
  PORT: port(3000),
  REDIS_URL: z
    .string()
    .trim()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?(\+cluster)?:\/\//.test(v), 'must start with redis://, rediss://, redis+cluster:// or rediss+cluster://'),
  PUBLIC_URL: url('where RingCentral and browsers reach this app'),
  RC_SERVER_URL: url('RingCentral API server, e.g. https://platform.ringcentral.com'),
  RC_CLIENT_ID: optionalText,
  RC_CLIENT_SECRET: optionalText,
  RC_JWT: optionalText,
  RC_WEBHOOK_TOKEN: optionalText,
  /**
   * How lines are placed: `softphone` = SIP from each line's own "Existing Phone" device (the product hears the
   * line, keys the IVR, hangs up without REST quota); `call-out` = REST RingOut-style call-out.
   */
  LINE_MODE: z.enum(['softphone', 'call-out'], { error: 'must be softphone or call-out' }).default('softphone'),
  /**
   * Hunt engine threads in this instance (1–8). Hunts spread over them as over instances; more than one helps an
   * instance with spare cores that runs many large hunts at once (docs/benchmarks.md, bench:transfer).
   */
  HUNT_THREADS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be >= 1').max(8, 'must be <= 8').default(1),
  /** Codec softphone lines offer: PCMU/8000 (no decoding cost) or OPUS/16000. */
  SIP_CODEC: z.enum(['PCMU/8000', 'OPUS/16000'], { error: 'must be PCMU/8000 or OPUS/16000' }).default('PCMU/8000'),
  /**
   * Keep the audio around each detection decision (DETECTION_CLIP_SECONDS before and after) so engineers can
   * replay and label it; `off` where consent rules forbid recording calls.
   */
  DETECTION_CLIPS: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  DETECTION_CLIP_SECONDS: z.coerce.number({ error: 'must be a number' }).min(1, 'must be >= 1').max(30, 'must be <= 30').default(5),
  /** Ended hunts (record, history, detections, summary) are kept this many days, then deleted (src/store/data-retention.ts). */
  HISTORY_RETENTION_DAYS: z.coerce.number({ error: 'must be a number' }).min(1, 'must be >= 1').max(3650, 'must be <= 3650').default(90),
  /** How long clips are kept, in days. */
  DETECTION_CLIP_RETENTION_DAYS: z.coerce.number({ error: 'must be a number' }).min(0.01, 'must be > 0').max(365, 'must be <= 365').default(7),
  API_TOKEN: optionalText,
  /** Bearer token Prometheus sends to GET /metrics; unset = /metrics refused (open in demo mode). */
  METRICS_TOKEN: optionalText,
  /** Signs dashboard session cookies; every instance needs the same one (random per process when unset). */
  SESSION_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters (e.g. openssl rand -base64 48)'),
  /** Origins (comma separated) whose pages may call the JSON API from a browser; unset = none (CORS closed). */
  CORS_ORIGINS: z
    .string()
    .trim()
    .default('')
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine((list) => list.every((o) => /^https?:\/\/[^\s/]+$/.test(o)), 'must list origins like https://ops.example.com (scheme and host, no path)'),
  /** Header that carries the client's address behind a proxy (e.g. fly-client-ip); unset = the socket's peer. */
  CLIENT_IP_HEADER: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v === '' ? undefined : v))
    .optional()
    .refine((v) => v === undefined || /^[a-z0-9-]{1,64}$/.test(v), 'must be a header name, e.g. fly-client-ip'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  SIM_PORT: port(4010),
  SIM_HOST: z.string().trim().default('127.0.0.1'),
  /** SIP over TLS for softphone lines (RingCentral's port is 5096); 0 picks a free one, which sip-info names. */
  SIM_SIP_PORT: port(5096),
  SIM_TIME_SCALE: z.coerce.number({ error: 'must be a number' }).min(1, 'must be >= 1 (1 = real time)').default(1),
  SIM_SEED: z.string().trim().default('1'),
  SIM_SCENARIO: z.string().trim().default('default'),
  SIM_CLIENT_ID: z.string().trim().default(DEMO_CREDENTIALS.clientId),
  SIM_CLIENT_SECRET: z.string().trim().default(DEMO_CREDENTIALS.clientSecret),
  SIM_JWT: z.string().trim().default(DEMO_CREDENTIALS.jwt),
});

export type Env = z.infer<typeof schema>;

export interface Config extends Env {
  /** True when no RingCentral credentials are set: the app runs against the embedded simulator. */
  demoMode: boolean;
  /** FEATURES, parsed. */
  features: FeatureFlags;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const RC_CREDENTIALS = ['RC_CLIENT_ID', 'RC_CLIENT_SECRET', 'RC_JWT'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const parsed = result.data;
  const given = RC_CREDENTIALS.filter((name) => parsed[name] !== undefined);
  if (given.length > 0 && given.length < RC_CREDENTIALS.length) {
    const missing = RC_CREDENTIALS.filter((name) => parsed[name] === undefined);
    throw new ConfigError(missing.map((name) => `${name}: is required when ${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} set (or unset all three for demo mode)`));
  }
  const demoMode = given.length === 0;
  if (!demoMode && parsed.RC_SERVER_URL === undefined) parsed.RC_SERVER_URL = 'https://platform.ringcentral.com';
  const features = parseFeatureFlags(parsed.FEATURES);
  const deployed = [...environmentProblems(parsed, demoMode), ...('problems' in features ? features.problems : [])];
  if (deployed.length > 0 || 'problems' in features) throw new ConfigError(deployed);
  return { ...parsed, demoMode, features: features.flags };
}

/** What staging and production need beyond a valid value per variable. */
function environmentProblems(env: Env, demoMode: boolean): string[] {
  if (env.APP_ENV === 'development') return [];
  const where = `APP_ENV=${env.APP_ENV}`;
  const problems: string[] = [];
  if (demoMode) problems.push(`RC_CLIENT_ID, RC_CLIENT_SECRET, RC_JWT: required with ${where} (demo mode is for development)`);
  if (env.PUBLIC_URL === undefined) problems.push(`PUBLIC_URL: required with ${where} (RingCentral posts webhooks there)`);
  else if (!env.PUBLIC_URL.startsWith('https://')) problems.push(`PUBLIC_URL: must be https:// with ${where}`);
  if (env.XSTATE_INSPECT_URL !== undefined) problems.push(`XSTATE_INSPECT_URL: development only (it shows every hunt's state), not with ${where}`);
  const required: (keyof Env)[] = env.APP_ENV === 'production' ? ['RC_WEBHOOK_TOKEN', 'SESSION_SECRET', 'METRICS_TOKEN'] : ['RC_WEBHOOK_TOKEN', 'SESSION_SECRET'];
  for (const name of required) if (env[name] === undefined) problems.push(`${name}: required with ${where}`);
  return problems;
}
