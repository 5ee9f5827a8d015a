/**
 * The hunt engine in a worker thread of its own. Node accepts about one new connection per event-loop turn, and
 * RingCentral opens a connection per notification: sharing a loop with dozens of hunts (each step a snapshot
 * write and several Redis round trips) made webhook replies miss RingCentral's 3 s deadline under load, and the
 * subscription got blacklisted (docs/benchmarks.md). The web side (webhooks, dashboard, API) keeps the main
 * thread; everything between the two goes through Redis, exactly as between two instances.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LevelWithSilent, Logger } from 'pino';
import type { RingCentralCredentials } from '../telephony/ringcentral-platform.ts';
import type { ThrottleGroup } from '../telephony/telephony-port.ts';
import type { HuntEngineOptions } from './hunt-engine.ts';
import type { SipCodec } from '../telephony/softphone/sip-device.ts';
import type { LabelledRecording } from '../simulator/line/audio/labelled-recordings.ts';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { DetectionStrategy } from '../feature-flags.ts';

/** Plain data, cloned into the thread (credentials never leave memory). */
export interface EngineThreadInput {
  redisUrl: string;
  credentials: RingCentralCredentials;
  logLevel: LevelWithSilent;
  engine?: Pick<HuntEngineOptions, 'huntConcurrency' | 'dialConcurrency' | 'lockDurationMs' | 'stalledIntervalMs' | 'sweep'>;
  /** Request limits per group for the shared rate budget (default: RingCentral's). */
  rateLimits?: Partial<Record<ThrottleGroup, number>>;
  /** How lines are placed (see LINE_MODE); softphone lines also need the SIP settings. */
  lineMode?: 'softphone' | 'call-out';
  sip?: { codec: SipCodec; ignoreTlsCertErrors: boolean };
  /** Live-agent detection on softphone lines (call-out lines carry no audio: manual confirmation only). */
  detection?: {
    clips: { beforeMs: number; afterMs: number; retentionSeconds: number } | false;
    /** Known recordings by fingerprint: the IRS voice-check prompts escalate, other recordings are not a person. */
    knownPrompts?: LabelledRecording[];
    /** FEATURES detection.<strategy>=off. */
    strategiesOff?: DetectionStrategy[];
  };
  /** SENTRY_DSN: the thread's error lines go to Sentry too (the thread has a logger of its own). */
  errorTracking?: { dsn: string; environment: string };
  /** XSTATE_INSPECT_URL (development): stream the hunts' statecharts to a Stately inspector there. */
  inspectUrl?: string;
  /** Register softphone devices ahead of the first job (default true). */
  warmUpDevices?: boolean;
  /** Post `decision` / `transfer-sent` messages (bench:transfer). */
  instrument?: boolean;
}

/** `at` is `performance.timeOrigin + performance.now()`: comparable across threads, unlike `performance.now()`. */
export type EngineThreadMessage =
  | { kind: 'ready' }
  | { kind: 'closed' }
  | { kind: 'report'; id: number; report: EngineThreadReport }
  | { kind: 'decision' | 'transfer-sent'; jobId: string; callId: string; at: number; wall: number };

/** What the thread tells the web thread on request: its workers (for /readyz) and its metrics (for /metrics). */
export interface EngineThreadReport {
  workers: Record<string, boolean>;
  /** The thread's own RingCentral logins (it dials and hands off through them). */
  auth?: { ok: boolean; error?: string };
  metrics: MetricObjectWithValues<MetricValue<string>>[];
}

export interface EngineThread {
  /** Resolves once the engine runs in the thread; rejects if the thread failed to start. */
  ready: Promise<void>;
  /** Each thread's report; rejects when a thread does not answer within `timeoutMs` (busy or dead). */
  report(timeoutMs?: number): Promise<EngineThreadReport[]>;
  /** Stops taking work (running hunts stay resumable), then ends the thread. */
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 20_000;

export function startEngineThread(input: EngineThreadInput, options: { log: Logger; onMessage?: (message: EngineThreadMessage) => void; onExit?: (code: number) => void }): EngineThread {
  const { log } = options;
  const worker = new Worker(bootstrap(new URL('./engine-thread-main.ts', import.meta.url)), { eval: true, workerData: input, name: 'hunt-engine' });
  let closing = false;
  let markReady!: () => void;
  let failStart!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const pending = new Map<number, (report: EngineThreadReport) => void>();
  let nextRequest = 0;
  worker.on('message', (message: EngineThreadMessage) => {
    if (message.kind === 'ready') markReady();
    else if (message.kind === 'closed') markClosed();
    else if (message.kind === 'report') pending.get(message.id)?.(message.report);
    else options.onMessage?.(message);
  });
  worker.on('error', (error) => {
    log.fatal({ err: error }, 'hunt engine thread failed');
    failStart(error);
  });
  worker.on('exit', (code) => {
    markClosed();
    failStart(new Error(`hunt engine thread exited with code ${code}`));
    if (!closing) {
      log.fatal({ code }, 'hunt engine thread exited');
      options.onExit?.(code);
    }
  });
  return {
    ready,
    report(timeoutMs = 2_000) {
      if (closing) return Promise.reject(new Error('engine thread is shutting down'));
      const id = ++nextRequest;
      return new Promise<EngineThreadReport[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`engine thread did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, (report) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve([report]);
        });
        worker.postMessage({ kind: 'report', id });
      });
    },
    async close() {
      if (closing) return closed;
      closing = true;
      worker.postMessage({ kind: 'close' });
      const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      await closed;
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

/**
 * Several engine threads (HUNT_THREADS): hunts and dials spread over them through BullMQ exactly as over several
 * instances, so one hunt's burst of work (a hand-off hangs up 69 lines) never queues another hunt's decision
 * behind it on the same event loop. Ready when all are; closes all.
 */
export function startEngineThreads(count: number, input: EngineThreadInput, options: Parameters<typeof startEngineThread>[1]): EngineThread {
  const threads = Array.from({ length: Math.max(1, count) }, () => startEngineThread(input, options));
  return {
    ready: Promise.all(threads.map((thread) => thread.ready)).then(() => undefined),
    report: async (timeoutMs) => (await Promise.all(threads.map((thread) => thread.report(timeoutMs)))).flat(),
    close: async () => {
      await Promise.all(threads.map((thread) => thread.close()));
    },
  };
}

/**
 * The thread runs TypeScript like the main thread does: tsx's loader is per thread, so register it before
 * importing the entry module.
 */
function bootstrap(entry: URL): string {
  const tsx = tsxEsmApi();
  return `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}

/** tsx's ESM API (its CommonJS build cannot register the ESM loader), found through tsx's own package.json. */
function tsxEsmApi(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const entry = manifest.exports['./esm/api']?.import.default;
  if (!entry) throw new Error('tsx has no ESM API entry');
  return pathToFileURL(join(dirname(manifestPath), entry)).href;
}
