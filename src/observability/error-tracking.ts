/**
 * Optional Sentry error tracking (SENTRY_DSN). The app's error and fatal log lines go to Sentry as events: they are
 * the lines pino already wrote, so secrets are redacted and phone numbers masked exactly as in the logs, and no
 * call site needs to know about Sentry. @sentry/node is imported only when a DSN is set, so a deployment without
 * one loads none of it.
 */
import { Writable } from 'node:stream';
// Types only: the module itself loads in startErrorTracking, when a DSN is set.
import type * as Sentry from '@sentry/node';

export interface ErrorTrackingOptions {
  dsn: string;
  /** APP_ENV: development, staging or production. */
  environment: string;
  release?: string;
}

export interface ErrorTracking {
  /** A pino destination for lines at level error and above (use with pino.multistream). */
  stream: Writable;
  /** Resolves once Sentry is loaded and initialised (events written before are queued); false if it failed to load. */
  ready: Promise<boolean>;
  /** Sends what is queued; call before exit. */
  flush(timeoutMs?: number): Promise<void>;
}

type SentryModule = typeof Sentry;

interface LogLine {
  level?: number;
  msg?: string;
  err?: { type?: string; message?: string; stack?: string };
  [field: string]: unknown;
}

const FATAL = 60;
const SAFE_INTEGRATIONS = new Set(['EventFilters', 'FunctionToString', 'LinkedErrors', 'Dedupe', 'NodeSystemError', 'OnUncaughtException', 'OnUnhandledRejection', 'Context', 'Modules']);

export function startErrorTracking(options: ErrorTrackingOptions): ErrorTracking {
  let sentry: SentryModule | undefined;
  const queued: LogLine[] = [];
  const send = (line: LogLine): void => {
    if (!sentry) {
      if (queued.length < 100) queued.push(line);
      return;
    }
    const { level, msg, err, time: _time, pid: _pid, hostname: _hostname, app: _app, ...context } = line;
    const error = err?.message ? Object.assign(new Error(err.message), { name: err.type ?? 'Error', stack: err.stack ?? `${err.type ?? 'Error'}: ${err.message}` }) : undefined;
    sentry.withScope((scope) => {
      scope.setLevel(level !== undefined && level >= FATAL ? 'fatal' : 'error');
      scope.setExtras(context);
      if (msg) scope.setTag('log_message', msg.slice(0, 200));
      if (error) {
        if (msg) scope.setContext('log', { message: msg });
        sentry?.captureException(error);
      } else {
        sentry?.captureMessage(msg ?? 'error');
      }
    });
  };
  const ready = import('@sentry/node').then((module) => {
    module.init({
      dsn: options.dsn,
      environment: options.environment,
      ...(options.release ? { release: options.release } : {}),
      // Errors only: no tracing, and no module hooks to feed it (they would cost every import).
      tracesSampleRate: 0,
      enableRuntimeChannelInjection: false,
      // Only what describes an error: no source lines or local variables (they may hold a secret), no console,
      // HTTP or request breadcrumbs (URLs and the demo token), no library auto-instrumentation.
      integrations: (defaults) => defaults.filter((integration) => SAFE_INTEGRATIONS.has(integration.name)),
    });
    sentry = module;
    for (const line of queued.splice(0)) send(line);
    return true;
  }, (error: unknown) => {
    // Error tracking is optional: the app runs on without it, and the logs still hold every error.
    process.stderr.write(`Sentry not started: ${(error as Error).message}\n`);
    return false;
  });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) {
        if (text.trim() === '') continue;
        try {
          send(JSON.parse(text) as LogLine);
        } catch {
          // Not a JSON log line: nothing to report.
        }
      }
      done();
    },
  });
  return {
    stream,
    ready,
    async flush(timeoutMs = 2_000) {
      await ready;
      await sentry?.flush(timeoutMs);
    },
  };
}
