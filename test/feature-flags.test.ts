/** FEATURES: parsed strictly; standby-bridge=off refuses such hunts with a 422; detection.<strategy>=off zeroes that strategy on every line. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { parseFeatureFlags } from '../src/feature-flags.ts';
import { loadConfig, ConfigError } from '../src/config.ts';
import { HuntEngine } from '../src/engine/hunt-engine.ts';
import { JobRequestError } from '../src/engine/job-commands.ts';
import { withStrategiesOff } from '../src/engine/line-listening.ts';
import { createLineDetector } from '../src/detection/index.ts';
import { RedisExtensionPool } from '../src/store/redis-extension-pool.ts';
import type { Telephony } from '../src/telephony/telephony-port.ts';
import { startPrivateRedis } from './support/private-redis.ts';
import type { PrivateRedis } from './support/private-redis.ts';

describe('FEATURES', () => {
  it('defaults every flag to on', () => {
    expect(loadConfig({}).features).toEqual({ standbyBridge: true, detectionOff: [] });
  });

  it('reads name=on|off pairs', () => {
    expect(parseFeatureFlags(' standby-bridge=off, detection.keywords=off,detection.speech=off ,detection.speech=on')).toEqual({ flags: { standbyBridge: false, detectionOff: ['keywords'] } });
  });

  it('names every bad entry and the flags that exist, and stops the start', () => {
    const result = parseFeatureFlags('standby-bridge=maybe,telepathy=on');
    expect('problems' in result && result.problems).toEqual([
      'FEATURES: "standby-bridge=maybe" is not <flag>=on|off with a flag among standby-bridge, detection.speech, detection.loopMatch, detection.progress, detection.keywords',
      'FEATURES: "telepathy=on" is not <flag>=on|off with a flag among standby-bridge, detection.speech, detection.loopMatch, detection.progress, detection.keywords',
    ]);
    expect(() => loadConfig({ FEATURES: 'telepathy=on' })).toThrow(ConfigError);
  });

  it('detection.<strategy>=off weighs that strategy 0 over the destination settings, and the detector takes it', () => {
    expect(withStrategiesOff(undefined, [])).toBeUndefined();
    const config = withStrategiesOff({ weights: { speech: 0.5, keywords: 0.7 } }, ['keywords', 'progress']);
    expect(config?.weights).toEqual({ speech: 0.5, keywords: 0, progress: 0 });
    expect(() => createLineDetector({ config: withStrategiesOff(undefined, ['loopMatch'])! })).not.toThrow();
  });
});

describe('standby-bridge=off', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let engine: HuntEngine;
  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url);
    // Refused before anything is read from the phone system.
    const telephony = {} as Telephony;
    engine = new HuntEngine({ redisUrl: server.url, redis, telephony, pool: new RedisExtensionPool(redis), log: pino({ level: 'silent' }), runWorkers: false, standbyBridge: false });
  });
  afterAll(async () => {
    await engine?.close();
    redis?.disconnect();
    await server?.close();
  });

  it('refuses a hunt that asks for the standby bridge with a 422 naming the flag', async () => {
    const refused = engine.commands.create({ lines: 2, handoff: 'standby-bridge' }, 'operator');
    await expect(refused).rejects.toBeInstanceOf(JobRequestError);
    await expect(refused).rejects.toMatchObject({ status: 422, field: 'handoff', message: expect.stringMatching(/standby-bridge=off/) });
    expect(await redis.zcard('hh:jobs')).toBe(0);
  });
});
