/**
 * Everything a hunt needs, real: the simulator, the official SDK logged in to it, the RingCentral adapter, Redis
 * (a database of its own per test file, so global keys never collide), the extension pool and the engine.
 */
import { LineListening } from '../../src/engine/line-listening.ts';
import { LiveListenRelay } from '../../src/engine/live-listen-relay.ts';
import { TalkThrough } from '../../src/engine/talk-through.ts';
import type { KnownPromptLibrary } from '../../src/detection/index.ts';
import type { Redis } from 'ioredis';
import pino from 'pino';
import type { LevelWithSilent } from 'pino';
import type { RunningSimulator, StartSimulatorOptions } from '../../src/simulator/simulator-server.ts';
import { connectRingCentral } from '../../src/telephony/ringcentral-platform.ts';
import { RingCentralTelephony } from '../../src/telephony/ringcentral-telephony.ts';
import { ringCentralAccount } from '../../src/telephony/ringcentral-account.ts';
import type { Telephony } from '../../src/telephony/telephony-port.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import type { RateBudget } from '../../src/telephony/rate-budget.ts';
import { RedisExtensionPool } from '../../src/store/redis-extension-pool.ts';
import { createRedis } from '../../src/store/redis-client.ts';
import { flushTestRedis, testRedisUrl } from './redis-url.ts';
import { startEngineThreads } from '../../src/engine/engine-thread.ts';
import type { EngineThread } from '../../src/engine/engine-thread.ts';
import { CallAudioHub } from '../../src/media/call-audio.ts';
import { SoftphoneTelephony } from '../../src/telephony/softphone/softphone-telephony.ts';
import { HuntEngine } from '../../src/engine/hunt-engine.ts';
import type { HuntEngineOptions } from '../../src/engine/hunt-engine.ts';
import { syncDevices, syncDirectory } from '../../src/engine/extension-directory.ts';
import { RINGCENTRAL_DEFAULT_LIMITS } from '../../src/simulator/rate-limit/rate-limiter.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';
import type { CallView, Destination, JobView } from '../../src/engine/hunt-types.ts';
import { expect } from 'vitest';
import { eventually } from './eventually.ts';

export { eventually } from './eventually.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from './simulator-harness.ts';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/web/create-app.tsx';
import { WEBHOOK_PATH } from '../../src/web/webhook-receiver.ts';
import { WebhookSubscriptionKeeper } from '../../src/web/webhook-subscription-keeper.ts';

export interface EngineHarness {
  sim: RunningSimulator;
  redis: Redis;
  redisUrl: string;
  telephony: Telephony;
  engine: HuntEngine;
  /** The webhook subscription's keeper (tests run its periodic check by calling `ensure()`). */
  keeper: WebhookSubscriptionKeeper;
  /** What softphone lines hear (lineMode `softphone`). */
  audio: CallAudioHub;
  /** With `engineInThread`: the engine threads (their reports carry workers and metrics). */
  thread?: EngineThread;
  /** Starts another engine (a second instance) on the same Redis and simulator. */
  startEngine(overrides?: Partial<HuntEngineOptions>): HuntEngine;
  close(): Promise<void>;
}

/** A quick IVR for tests: both digits typed ahead right after the answer (the PPS script waits 45 s). */
export const QUICK_IVR_DESTINATION: Destination = {
  id: 'test-pps',
  name: 'IRS PPS (quick IVR)',
  phoneNumber: '+18668604259',
  ivr: [
    { digits: '1', afterMs: 500 },
    { digits: '2', afterMs: 500 },
  ],
};

export async function startEngineHarness(options: {
  db: number;
  /** A Redis of the test's own (test/support/private-redis.ts) instead of `db` on the shared one. */
  redisUrl?: string;
  sim?: Partial<StartSimulatorOptions>;
  budget?: RateBudget;
  relaxLimits?: boolean;
  /** Dial through this many users' credentials (the owner plus minted JWTs of other users). */
  credentials?: number;
  /** false: `engine` only serves commands; hunts are owned by engines started later (or other processes). */
  ownEngine?: boolean;
  /** `softphone`: lines are SIP calls from their devices (the simulator's SIP listener on a free port). */
  lineMode?: 'softphone' | 'call-out';
  /** Run the hunts in the engine thread `serve` uses (its own logins, Redis connection and rate budget). */
  engineInThread?: boolean;
  /** With `engineInThread`: how many engine threads (HUNT_THREADS). */
  engineThreads?: number;
  /** Options for every engine the harness starts. */
  engineOptions?: Partial<HuntEngineOptions>;
  /** Softphone lines: run live-agent detection on what they hear, as the engine thread of `serve` does. */
  detection?: { knownPrompts?: KnownPromptLibrary };
}): Promise<EngineHarness> {
  const redisUrl = options.redisUrl ?? testRedisUrl(options.db);
  const redis = createRedis(redisUrl);
  await flushTestRedis(redis);
  const sim = await startTestSimulator({ scenario: 'fast-agent', timeScale: 60, ...(options.lineMode === 'softphone' ? { sipPort: 0 } : {}), ...options.sim });
  // The directory sync (one device list per user) runs unthrottled; the hunt itself meets RingCentral's limits
  // unless the test relaxes them.
  const relaxed = { limit: 100_000, windowSeconds: 60, penaltySeconds: 60 };
  await control(sim, 'PUT', '/_sim/rate-limits', { Light: relaxed, Medium: relaxed, Heavy: relaxed, Auth: relaxed });
  const { platform } = await connectRingCentral({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: TEST_CREDENTIALS.jwt });
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const budget = options.budget ?? new InMemoryRateBudget(options.relaxLimits ? { limits: { Light: { limit: 100_000, windowMs: 60_000 }, Medium: { limit: 100_000, windowMs: 60_000 }, Heavy: { limit: 100_000, windowMs: 60_000 } } } : {});
  // Several users' JWTs in one RC_JWT-style list, wired exactly as `serve` wires them.
  const jwts: string[] = [TEST_CREDENTIALS.jwt];
  const users = (await (await platform.get('/restapi/v1.0/account/~/extension', { type: 'User', status: 'Enabled', perPage: 100 })).json()) as { records: { id: number }[] };
  for (let i = 1; i < (options.credentials ?? 1); i++) {
    const user = users.records[i];
    if (!user) break;
    jwts.push((await control<{ jwt: string }>(sim, 'POST', '/_sim/jwt', { extensionId: user.id })).jwt);
  }
  const account = ringCentralAccount({ server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: jwts.join(',') }, budget, log);
  await account.loginAll();
  const audio = new CallAudioHub();
  const softphone = options.lineMode === 'softphone' ? new SoftphoneTelephony({ rest: account.telephony, audio, ignoreTlsCertErrors: true, log }) : undefined;
  const telephony: Telephony = softphone ?? account.telephony;
  const syncTelephony = new RingCentralTelephony({ platform, credential: 'sync', budget: new InMemoryRateBudget({ limits: { Light: { limit: 100_000, windowMs: 60_000 }, Medium: { limit: 100_000, windowMs: 60_000 } } }), log });
  await syncDirectory(syncTelephony, redis, log);
  await syncDevices(syncTelephony, redis, log);
  if (!options.relaxLimits) await control(sim, 'PUT', '/_sim/rate-limits', RINGCENTRAL_DEFAULT_LIMITS);
  await redis.hset(globalKeys.destinations, QUICK_IVR_DESTINATION.id, JSON.stringify(QUICK_IVR_DESTINATION));
  // The product's own webhook receiver, subscribed through the real handshake: events reach hunts as in production.
  const verificationToken = 'engine-harness-token';
  const app = createApp({ connectionStatus: () => Promise.resolve({ mode: 'demo', server: sim.url, connected: true }), webhooks: { redis, verificationToken, log } });
  let server: ReturnType<typeof serve> | undefined;
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  const keeper = new WebhookSubscriptionKeeper({ telephony: syncTelephony, redis, address: `http://127.0.0.1:${address.port}${WEBHOOK_PATH}`, verificationToken, log });
  await keeper.ensure();
  const engines: HuntEngine[] = [];
  const startEngine = (overrides: Partial<HuntEngineOptions> = {}): HuntEngine => {
    const engine = new HuntEngine({ redisUrl, redis, telephony, pool: new RedisExtensionPool(redis), log, lockDurationMs: 5_000, stalledIntervalMs: 2_000, ...(options.lineMode ? { lineMode: options.lineMode } : {}), ...options.engineOptions, ...overrides });
    engine.start();
    engines.push(engine);
    return engine;
  };
  const commandsOnly = options.ownEngine === false || options.engineInThread === true;
  const engine = commandsOnly ? new HuntEngine({ redisUrl, redis, telephony, pool: new RedisExtensionPool(redis), log, runWorkers: false, ...(options.lineMode ? { lineMode: options.lineMode } : {}) }) : startEngine();
  if (commandsOnly) engines.push(engine);
  const thread = options.engineInThread
    ? startEngineThreads(
        options.engineThreads ?? 1,
        {
          redisUrl,
          credentials: { server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, jwt: jwts.join(',') },
          logLevel: (process.env.TEST_LOG_LEVEL as LevelWithSilent | undefined) ?? 'silent',
          engine: { lockDurationMs: 5_000, stalledIntervalMs: 2_000, ...(options.engineOptions?.sweep ? { sweep: options.engineOptions.sweep } : {}) },
          ...(options.relaxLimits ? { rateLimits: { Light: 100_000, Medium: 100_000, Heavy: 100_000 } } : {}),
          ...(options.lineMode ? { lineMode: options.lineMode, sip: { codec: 'PCMU/8000' as const, ignoreTlsCertErrors: true } } : {}),
        },
        { log },
      )
    : undefined;
  await thread?.ready;
  const listening = options.detection ? new LineListening({ redis, audio, log, clips: false, ...options.detection }) : undefined;
  listening?.start();
  const relay = softphone ? new LiveListenRelay({ redis, audio, log, refreshMs: 200 }) : undefined;
  relay?.start();
  // Talk-through: an operator's voice onto the softphone lines, as the engine thread of `serve` wires it.
  const talk = softphone ? new TalkThrough({ redis, lines: softphone, log, onTalk: (sessionId, state) => listening?.operatorTalk(sessionId, state) }) : undefined;
  await talk?.start();
  return {
    sim,
    redis,
    redisUrl,
    telephony,
    engine,
    keeper,
    audio,
    ...(thread ? { thread } : {}),
    startEngine,
    async close() {
      relay?.close();
      await talk?.close();
      await listening?.close();
      await thread?.close();
      softphone?.close();
      await Promise.all(engines.map((e) => e.close()));
      await keeper.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await sim.close();
      await redis.quit();
    },
  };
}

/** Waits until the hunt reaches `status`. */
export function waitForJob(h: EngineHarness, jobId: string, status: JobView['status'], timeoutMs = 60_000): Promise<JobView> {
  return eventually(async () => {
    const view = await h.engine.commands.get(jobId);
    return view?.status === status ? view : undefined;
  }, timeoutMs, 200);
}

/** The operator's move once the IRS agent is on a line: the agent picks up (simulator), the operator confirms. */
export async function agentAnswersAndOperatorConfirms(h: EngineHarness, jobId: string, call: CallView): Promise<void> {
  await control(h.sim, 'POST', `/_sim/calls/${call.telephonySessionId}/pickup`);
  await h.engine.commands.send(jobId, { type: 'confirm', callId: call.callId }, 'test-operator');
}

/**
 * The simulator's truth after a hunt: exactly one call was handed to the firm (the winner's), every other call
 * has ended, and (within moments) no extension is still reserved.
 */
export async function expectOneTransferAndRestEnded(h: EngineHarness, winnerSessionId: string | undefined): Promise<void> {
  const { records } = await control<{ records: { telephonySessionId: string; endedAt: string | null; milestones: { transferReceivedAt: string | null } }[] }>(h.sim, 'GET', '/_sim/calls');
  const transferred = records.filter((r) => r.milestones.transferReceivedAt !== null);
  expect(transferred.map((r) => r.telephonySessionId)).toEqual([winnerSessionId]);
  expect(records.filter((r) => r.endedAt === null && r.telephonySessionId !== winnerSessionId && !isFirmLeg(r))).toEqual([]);
  // The view says completed once the last line is cleaned; the owner releases the lines' extensions right after.
  await eventually(async () => (await h.redis.hlen(globalKeys.extensionReservations)) === 0, 10_000);
}

/** A standby leg rung to the firm's queue (it stays connected to the agent after the bridge). */
function isFirmLeg(record: { telephonySessionId: string } & Record<string, unknown>): boolean {
  return typeof record.to === 'string' && /^\d{1,8}$/.test(record.to);
}
