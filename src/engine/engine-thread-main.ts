/** Entry of the engine thread (see engine-thread.ts): builds the engine from plain input and runs it. */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../logger.ts';
import { closeRedis, createRedis } from '../store/redis-client.ts';
import { RedisExtensionPool } from '../store/redis-extension-pool.ts';
import { RedisRateBudget } from '../telephony/redis-rate-budget.ts';
import { RINGCENTRAL_DEFAULT_POLICY } from '../telephony/rate-budget-policy.ts';
import { ringCentralAccount } from '../telephony/ringcentral-account.ts';
import { HuntEngine } from './hunt-engine.ts';
import { readExtensions } from './extension-directory.ts';
import { CallAudioHub } from '../media/call-audio.ts';
import { SoftphoneTelephony } from '../telephony/softphone/softphone-telephony.ts';
import { LineHangupRelay } from '../telephony/softphone/line-hangup-relay.ts';
import type { EngineThreadInput, EngineThreadMessage } from './engine-thread.ts';
import { LineListening, knownPromptsFrom } from './line-listening.ts';
import { LiveListenRelay } from './live-listen-relay.ts';
import { TalkThrough } from './talk-through.ts';
import { metrics, observeHunts, registry, watchEventLoop } from '../observability/metrics.ts';
import { startErrorTracking } from '../observability/error-tracking.ts';
import pino from 'pino';
import { startStatechartInspector } from './statechart-inspector.ts';

const port = parentPort;
if (!port) throw new Error('engine-thread-main runs only as a worker thread');
const input = workerData as EngineThreadInput;
const tracking = input.errorTracking ? startErrorTracking(input.errorTracking) : undefined;
const log = createLogger(input.logLevel, tracking ? pino.multistream([{ stream: process.stdout }, { level: 'error', stream: tracking.stream }]) : undefined).child({ thread: 'engine' });
const redis = createRedis(input.redisUrl, { name: 'hold-hunter-engine', logger: log });
const budget = new RedisRateBudget(redis, input.rateLimits ? { policies: { defaults: { ...RINGCENTRAL_DEFAULT_POLICY, limits: { ...RINGCENTRAL_DEFAULT_POLICY.limits, ...input.rateLimits } } } } : {});
const account = ringCentralAccount(input.credentials, budget, log);
// Detection (issue 5) subscribes here: audio stays in the thread whose softphones receive it.
const audio = new CallAudioHub();
const softphone =
  input.lineMode === 'softphone'
    ? new SoftphoneTelephony({ rest: account.telephony, audio, codec: input.sip?.codec ?? 'PCMU/8000', ignoreTlsCertErrors: input.sip?.ignoreTlsCertErrors ?? false, log: log.child({ part: 'softphone' }) })
    : undefined;
const telephony = softphone ?? account.telephony;
const post = (message: EngineThreadMessage): void => port.postMessage(message);
const stamp = (kind: 'decision' | 'transfer-sent') => (jobId: string, callId: string) => post({ kind, jobId, callId, at: performance.timeOrigin + performance.now(), wall: Date.now() });

// Development (XSTATE_INSPECT_URL): the hunts' statecharts streamed to a Stately inspector, sanitized.
const inspector = input.inspectUrl ? await startStatechartInspector(input.inspectUrl, log) : undefined;

/** When each line was confirmed live, until its hand-off request goes out (transfer latency). */
const decidedAt = new Map<string, number>();
const engine = new HuntEngine({
  redisUrl: input.redisUrl,
  redis,
  telephony,
  pool: new RedisExtensionPool(redis),
  log,
  ...input.engine,
  ...(inspector ? { inspect: inspector.inspect } : {}),
  onDecision: (jobId, callId) => {
    decidedAt.set(`${jobId}/${callId}`, performance.now());
    // Lines confirmed but never handed off (the operator chose another) must not pile up.
    if (decidedAt.size > 1_000) decidedAt.delete(decidedAt.keys().next().value as string);
    if (input.instrument) stamp('decision')(jobId, callId);
  },
  onTransferSent: (jobId, callId) => {
    const key = `${jobId}/${callId}`;
    const decided = decidedAt.get(key);
    decidedAt.delete(key);
    // A hand-off resumed by a new owner has no decision time here: not counted rather than guessed.
    if (decided !== undefined) metrics.transferLatency.observe((performance.now() - decided) / 1000);
    if (input.instrument) stamp('transfer-sent')(jobId, callId);
  },
});
engine.start();
observeHunts(() => engine.summaries());
watchEventLoop();

// Softphone lines are heard here: detection listens to each and sends its decisions to the job's owner.
const listening =
  softphone && input.detection
    ? new LineListening({
        redis,
        audio,
        log: log.child({ part: 'detection' }),
        clips: input.detection.clips,
        ...(input.detection.knownPrompts?.length ? { knownPrompts: knownPromptsFrom(input.detection.knownPrompts) } : {}),
        ...(input.detection.strategiesOff?.length ? { strategiesOff: input.detection.strategiesOff } : {}),
      })
    : undefined;
listening?.start();
// Live listening: a line's frames go out over Redis only while an operator listens to it.
const relay = softphone ? new LiveListenRelay({ redis, audio, log: log.child({ part: 'listen' }) }) : undefined;
relay?.start();
// Talk-through: an operator's voice onto the lines this thread holds (the machine itself never speaks on a line).
const talk = softphone
  ? new TalkThrough({ redis, lines: softphone, log: log.child({ part: 'talk' }), onTalk: (sessionId, state) => listening?.operatorTalk(sessionId, state) })
  : undefined;
talk?.start().catch((error: unknown) => log.error({ err: error }, 'talk-through not started'));
// Hang-ups of lines another thread or instance dialled go to that holder as a BYE, not to the REST quota.
const hangups = softphone ? new LineHangupRelay({ redis, lines: { holds: (id) => softphone.holds(id), hangUpHeld: (id) => softphone.hangup(id) }, log: log.child({ part: 'hangup' }) }) : undefined;
hangups
  ?.start()
  .then(() => softphone?.useHangupRequests(hangups))
  .catch((error: unknown) => log.error({ err: error }, 'line hang-up relay not started'));

// Softphone lines: register the hunt-enabled Existing Phones ahead of the first job, and again as the directory
// changes (already registered devices cost nothing).
const warmUp = new AbortController();
const WARM_UP_EVERY_MS = 5 * 60_000;
async function registerDevices(): Promise<void> {
  if (!softphone) return;
  const deviceIds = (await readExtensions(redis)).filter((e) => e.enabled && e.deviceType === 'OtherPhone' && e.deviceId).map((e) => e.deviceId as string);
  const ready = await softphone.prepare(deviceIds, warmUp.signal);
  log.info({ devices: deviceIds.length, ready }, 'softphone devices registered ahead of hunts');
}
const warmUpTimer = softphone && input.warmUpDevices !== false ? setInterval(() => void registerDevices().catch(() => undefined), WARM_UP_EVERY_MS) : undefined;
if (warmUpTimer) void registerDevices().catch((error: unknown) => log.warn({ err: error }, 'softphone warm-up failed'));

// The web thread's /readyz and /metrics ask for a report; a thread too busy to answer counts as not ready.
port.on('message', (message: { kind: string; id?: number }) => {
  if (message.kind !== 'report' || message.id === undefined) return;
  const id = message.id;
  void registry.getMetricsAsJSON().then((metricsJson) => post({ kind: 'report', id, report: { workers: engine.workersRunning(), auth: account.authHealth(), metrics: metricsJson } }));
});

port.on('message', (message: { kind: string }) => {
  if (message.kind !== 'close') return;
  warmUp.abort();
  clearInterval(warmUpTimer);
  engine
    .close()
    .then(() => {
      relay?.close();
      softphone?.useHangupRequests(undefined);
      return Promise.all([talk?.close(), listening?.close(), hangups?.close()]);
    })
    .then(() => {
      inspector?.stop();
      return softphone?.close();
    })
    .then(() => closeRedis(redis))
    .then(() => tracking?.flush())
    .catch((error: unknown) => log.error({ err: error }, 'engine thread close failed'))
    .finally(() => post({ kind: 'closed' }));
});
post({ kind: 'ready' });
