/**
 * `hold-hunter serve`: the dashboard, the JSON API, the webhook receiver and the hunt engine. In demo mode it
 * first starts the simulator and logs in to it, exactly as it would to RingCentral.
 */
import { labelledLineRecordings } from '../simulator/line/audio/labelled-recordings.ts';
import { randomBytes } from 'node:crypto';
import { getRequestListener } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startSimulator } from '../simulator/simulator-server.ts';
import type { RunningSimulator } from '../simulator/simulator-server.ts';
import { simulatorOptionsFromConfig } from './simulator-options.ts';
import { onShutdown } from './on-shutdown.ts';
import { createApp } from '../web/create-app.tsx';
import { AuthServices } from '../web/auth/auth-services.ts';
import { prepareFirstAdmin } from '../web/auth/bootstrap.ts';
import { connectionProbe } from '../telephony/connection-probe.ts';
import type { RingCentralCredentials } from '../telephony/ringcentral-platform.ts';
import { ringCentralAccount } from '../telephony/ringcentral-account.ts';
import type { Telephony } from '../telephony/telephony-port.ts';
import { RedisRateBudget } from '../telephony/redis-rate-budget.ts';
import { closeRedis, createRedis } from '../store/redis-client.ts';
import { RedisExtensionPool } from '../store/redis-extension-pool.ts';
import { HuntEngine } from '../engine/hunt-engine.ts';
import { startEngineThreads } from '../engine/engine-thread.ts';
import { keepPresenceFresh, syncDevices, syncDirectory } from '../engine/extension-directory.ts';
import { WEBHOOK_PATH } from '../web/webhook-receiver.ts';
import { webhookFirstServer, webhookListener } from '../web/webhook-listener.ts';
import { WebhookSubscriptionKeeper } from '../web/webhook-subscription-keeper.ts';
import { JobLiveFeed } from '../web/job-live-feed.ts';
import { instanceOps } from '../observability/instance-ops.ts';
import { watchEventLoop } from '../observability/metrics.ts';
import { startErrorTracking } from '../observability/error-tracking.ts';
import { DAY_MS, RetentionKeeper } from '../store/data-retention.ts';
import { loadBranding, setBranding } from '../web/branding.ts';

export async function runServe(config: Config): Promise<void> {
  // With SENTRY_DSN, error lines also go to Sentry (redacted as in the logs); without it Sentry is never loaded.
  const tracking = config.SENTRY_DSN ? startErrorTracking({ dsn: config.SENTRY_DSN, environment: config.APP_ENV }) : undefined;
  const log = createLogger(config.LOG_LEVEL, tracking ? pino.multistream([{ stream: process.stdout }, { level: 'error', stream: tracking.stream }]) : undefined);
  let simulator: RunningSimulator | undefined;
  let credentials: RingCentralCredentials;
  if (config.demoMode) {
    simulator = await startSimulator(simulatorOptionsFromConfig(config, log));
    credentials = { server: simulator.url, clientId: config.SIM_CLIENT_ID, clientSecret: config.SIM_CLIENT_SECRET, jwt: config.SIM_JWT };
    log.warn({ simulator: simulator.url }, 'no RingCentral credentials set: demo mode against the embedded simulator');
  } else {
    credentials = {
      server: config.RC_SERVER_URL ?? 'https://platform.ringcentral.com',
      clientId: config.RC_CLIENT_ID ?? '',
      clientSecret: config.RC_CLIENT_SECRET ?? '',
      jwt: config.RC_JWT ?? '',
    };
  }

  setBranding(loadBranding({ ...(config.FIRM_NAME ? { firmName: config.FIRM_NAME } : {}), ...(config.FIRM_LOGO_FILE ? { logoFile: config.FIRM_LOGO_FILE } : {}) }));
  const redis = createRedis(config.REDIS_URL, { name: 'hold-hunter', logger: log });
  const verificationToken = config.RC_WEBHOOK_TOKEN ?? randomBytes(24).toString('base64url');
  const apiToken = config.API_TOKEN ?? (config.demoMode ? randomBytes(18).toString('base64url') : undefined);
  // The first admin: demo mode prints a demo admin's fresh password; a real start with no users prints a one-time
  // bootstrap secret for /setup. Printed to stdout (never the log), before the server answers.
  await prepareFirstAdmin(new AuthServices({ redis }), { demoMode: config.demoMode, url: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`, print: (line) => console.log(line) });
  if (!config.SESSION_SECRET && !config.demoMode) log.warn('SESSION_SECRET is not set: sessions are signed with a random key and end when this instance restarts (and do not work across instances)');
  // One login per user, shared by the probe and the engine: RingCentral allows only a few sessions per user.
  const account = ringCentralAccount(credentials, new RedisRateBudget(redis), log);
  const { telephony, connect } = account;
  account.loginAll().then(
    () => log.info({ users: account.users }, 'RingCentral users whose quota hunts may use are logged in'),
    (error: unknown) => log.error({ err: error, users: account.users }, 'a RingCentral login failed; it is retried on its next use'),
  );
  // Hunts run in a thread of their own, so webhooks and pages are answered promptly however busy they are;
  // this thread only sends them commands (through Redis, as another instance would).
  const engine = new HuntEngine({ redisUrl: config.REDIS_URL, redis, telephony, pool: new RedisExtensionPool(redis), log: log.child({ part: 'engine' }), runWorkers: false, lineMode: config.LINE_MODE, standbyBridge: config.features.standbyBridge });
  const engineThread = startEngineThreads(
    config.HUNT_THREADS,
    {
      redisUrl: config.REDIS_URL,
      credentials,
      logLevel: config.LOG_LEVEL,
      lineMode: config.LINE_MODE,
      ...(config.SENTRY_DSN ? { errorTracking: { dsn: config.SENTRY_DSN, environment: config.APP_ENV } } : {}),
      ...(config.XSTATE_INSPECT_URL ? { inspectUrl: config.XSTATE_INSPECT_URL } : {}),
      // The embedded simulator's certificate is self-signed; RingCentral's always verifies.
      sip: { codec: config.SIP_CODEC, ignoreTlsCertErrors: config.demoMode },
      detection: {
        clips:
          config.DETECTION_CLIPS === 'on'
            ? { beforeMs: config.DETECTION_CLIP_SECONDS * 1000, afterMs: config.DETECTION_CLIP_SECONDS * 1000, retentionSeconds: Math.round(config.DETECTION_CLIP_RETENTION_DAYS * 86_400) }
            : false,
        // Demo: the simulated IRS line's recordings, labelled as an engineer labels the real line's.
        ...(config.demoMode ? { knownPrompts: labelledLineRecordings() } : {}),
        ...(config.features.detectionOff.length ? { strategiesOff: config.features.detectionOff } : {}),
      },
    },
    // A dead engine thread means no hunt progresses here: exit, so the platform restarts the instance (another
    // instance, or this one after restart, resumes its hunts from Redis).
    { log, onExit: () => process.exit(1) },
  );
  await engineThread.ready;

  const sync = new AbortController();
  // Live job boards on this instance hear every engine step through one Redis subscriber connection.
  const feed = new JobLiveFeed(redis);
  // Ended hunts: live-only keys go after a day, everything after HISTORY_RETENTION_DAYS (hourly, one instance).
  const retention = new RetentionKeeper(redis, { historyRetentionMs: config.HISTORY_RETENTION_DAYS * DAY_MS, log: log.child({ part: 'retention' }) });
  // Set on SIGTERM: /readyz turns 503 so the platform sends no new work while running hunts move elsewhere.
  let draining = false;
  let keeper: WebhookSubscriptionKeeper | undefined;
  watchEventLoop();
  const ops = instanceOps({
    redis,
    authHealth: () => account.authHealth(),
    subscription: () => keeper?.health(),
    engine: engineThread,
    draining: () => draining,
    budgetCredentials: account.budgetCredentials,
  });
  const webhooks = { redis, verificationToken, log: log.child({ part: 'webhooks' }) };
  // The webhook listener's own connection, so its one script per notification never queues behind the web thread's
  // other commands; auto-pipelined: a hunt's start sends hundreds of notifications at once, and the scripts of one
  // event-loop turn then go out in one write (at a steady 2,000/s it measured the same either way; docs/benchmarks.md).
  const webhookRedis = createRedis(config.REDIS_URL, { name: 'hold-hunter-webhooks', logger: log, autoPipelining: true });
  const app = createApp({
    ops: { ...ops, ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}) },
    connectionStatus: connectionProbe({ mode: config.demoMode ? 'demo' : 'live', server: credentials.server, ...(simulator ? { simulatorUrl: simulator.url } : {}) }, connect),
    webhooks,
    jobs: engine.commands,
    dashboard: {
      redis,
      feed,
      lineMode: config.LINE_MODE,
      credentials: account.users,
      // The dashboard's "Sync" button: the directory now, devices paced in the background as at start.
      syncDirectory: async () => {
        const result = await syncDirectory(telephony, redis, log);
        void syncDevices(telephony, redis, log, sync.signal).catch((error: unknown) => log.error({ err: error }, 'device sync failed'));
        return result;
      },
    },
    ...(apiToken ? { apiToken } : {}),
    auth: {
      ...(config.SESSION_SECRET ? { sessionSecret: config.SESSION_SECRET } : {}),
      // Secure cookies wherever browsers reach us over https; a plain-http local run would never send them back.
      secureCookies: config.PUBLIC_URL?.startsWith('https://') ?? false,
      ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
      corsOrigins: config.CORS_ORIGINS,
      ...(config.CLIENT_IP_HEADER ? { clientIpHeader: config.CLIENT_IP_HEADER } : {}),
    },
    log,
  });

  // RingCentral's notifications take the plain node:http path ahead of the app's middleware (webhook-listener.ts);
  // everything else, the webhook's other methods and queries too, goes to the app.
  const server = webhookFirstServer(webhookListener({ ...webhooks, redis: webhookRedis }), getRequestListener(app.fetch));
  server.listen(config.PORT, () => {
    const info = server.address() as AddressInfo;
    const url = `http://localhost:${info.port}`;
    log.info({ url }, 'IRS Hold Hunter dashboard listening');
    if (config.demoMode && !config.API_TOKEN && apiToken) {
      // Demo only: a throwaway token so the JSON API can be tried; set API_TOKEN to choose one.
      console.log(`Demo API token (this run only): ${apiToken}`);
    }
    const publicUrl = config.PUBLIC_URL ?? `http://127.0.0.1:${info.port}`;
    keeper = new WebhookSubscriptionKeeper({ telephony, redis, address: `${publicUrl}${WEBHOOK_PATH}`, verificationToken, log: log.child({ part: 'subscription' }) });
    keeper.start();
    retention.start();
    void refreshDirectory(telephony, redis, log, sync.signal);
    // Availability between syncs: presence re-read every 5 minutes (one instance per round).
    void keepPresenceFresh(telephony, redis, log.child({ part: 'presence' }), sync.signal);
  });

  onShutdown(log, async () => {
    draining = true;
    sync.abort();
    await keeper?.stop();
    await retention.stop();
    await engineThread.close();
    await engine.close();
    await feed.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Live boards hold SSE streams open for good: end them, or closing would wait for every viewer to leave.
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
    await simulator?.close();
    await closeRedis(webhookRedis);
    await closeRedis(redis);
    await tracking?.flush();
  });
}

/** How long an instance's startup look-up of one extension's devices stands for every instance. */
const STARTUP_DEVICE_CLAIM_MS = 10 * 60_000;

/** The directory first (two requests), then devices one by one at the lowest priority. */
async function refreshDirectory(telephony: Telephony, redis: ReturnType<typeof createRedis>, log: Logger, signal: AbortSignal): Promise<void> {
  try {
    await syncDirectory(telephony, redis, log);
    // Instances started together (a deploy) share the look-ups: each extension once per 10 minutes, not once each.
    const withDevice = await syncDevices(telephony, redis, log, signal, { claimMs: STARTUP_DEVICE_CLAIM_MS });
    log.info({ withDevice }, 'extension devices synced');
  } catch (error) {
    log.error({ err: error }, 'directory sync failed');
  }
}
