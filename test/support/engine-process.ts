/**
 * A hunt engine in a process of its own, for tests that kill an owner with SIGKILL:
 * `node --import tsx test/support/engine-process.ts <redisUrl> <simulatorUrl>`. Prints "engine-ready".
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
if (!redisUrl || !server) throw new Error('usage: engine-process.ts <redisUrl> <simulatorUrl>');
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const redis = createRedis(redisUrl);
const { platform } = await connectRingCentral({ server, clientId: DEMO_CREDENTIALS.clientId, clientSecret: DEMO_CREDENTIALS.clientSecret, jwt: DEMO_CREDENTIALS.jwt });
const telephony = new RingCentralTelephony({ platform, credential: 'child', budget: new InMemoryRateBudget(), log });
const engine = new HuntEngine({ redisUrl, redis, telephony, pool: new RedisExtensionPool(redis), log, lockDurationMs: 5_000, stalledIntervalMs: 2_000 });
engine.start();
console.log('engine-ready');
