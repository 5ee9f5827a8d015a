/**
 * One chaos instance: a hunt engine in a process of its own (as test/support/engine-process.ts) with a quick
 * sweep, so lines that missed a notification are reconciled within seconds.
 * `node --import tsx --import ./skewed-clock.ts chaos-engine.ts <redisUrl> <simulatorUrl>`; prints "engine-ready".
 */
import pino from 'pino';
import { connectRingCentral } from '../../src/telephony/ringcentral-platform.ts';
import { RingCentralTelephony } from '../../src/telephony/ringcentral-telephony.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { RedisExtensionPool } from '../../src/store/redis-extension-pool.ts';
import { createRedis } from '../../src/store/redis-client.ts';
import { HuntEngine } from '../../src/engine/hunt-engine.ts';
import { DEMO_CREDENTIALS } from '../../src/simulator/sim-options.ts';

const [redisUrl, server] = process.argv.slice(2);
if (!redisUrl || !server) throw new Error('usage: chaos-engine.ts <redisUrl> <simulatorUrl>');
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const redis = createRedis(redisUrl);
const { platform } = await connectRingCentral({ server, clientId: DEMO_CREDENTIALS.clientId, clientSecret: DEMO_CREDENTIALS.clientSecret, jwt: DEMO_CREDENTIALS.jwt });
const telephony = new RingCentralTelephony({ platform, credential: `chaos-${process.pid}`, budget: new InMemoryRateBudget(), log });
const engine = new HuntEngine({
  redisUrl,
  redis,
  telephony,
  pool: new RedisExtensionPool(redis),
  log,
  // The chaos run sets the lock (CHAOS_LOCK_MS): an instance stopped longer than this loses its hunts.
  lockDurationMs: Number(process.env.CHAOS_LOCK_MS ?? 5_000),
  stalledIntervalMs: 2_000,
  sweep: { everyMs: 1_000, dialingStaleMs: 3_000, recheckLiveMs: 4_000 },
});
engine.start();
console.log('engine-ready');
