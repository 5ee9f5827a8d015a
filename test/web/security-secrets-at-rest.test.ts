/**
 * RingCentral credentials are never at rest in Redis: the SDK keeps its access and refresh tokens in the
 * process's memory only, so after a real login (official SDK against the simulator) and a directory sync that
 * writes the product's usual state, no Redis key or value holds the access token, the refresh token, the JWT or
 * the client secret. Users' secrets are stored only as hashes (passwords argon2id, tokens and sessions SHA-256).
 * (docs/security.md: if RingCentral tokens are ever persisted, they must be sealed with AES-256-GCM first.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { RedisRateBudget } from '../../src/telephony/redis-rate-budget.ts';
import { RingCentralTelephony } from '../../src/telephony/ringcentral-telephony.ts';
import { connectRingCentral } from '../../src/telephony/ringcentral-platform.ts';
import { syncDirectory } from '../../src/engine/extension-directory.ts';
import { startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

let sim: RunningSimulator;
let priv: PrivateRedis;
let redis: Redis;

beforeAll(async () => {
  sim = await startTestSimulator();
  priv = await startPrivateRedis();
  redis = new Redis(priv.url);
}, 30_000);

afterAll(async () => {
  redis?.disconnect();
  await priv?.close();
  await sim?.close();
});

async function everything(): Promise<string> {
  const parts: string[] = [];
  for (const key of await redis.keys('*')) parts.push(key, (await redis.dumpBuffer(key))?.toString('latin1') ?? '');
  return parts.join('\n');
}

describe('RingCentral credentials at rest', () => {
  it('are never written to Redis, whatever the product stores there', async () => {
    const log = pino({ level: 'silent' });
    const credentials = { server: sim.url, ...TEST_CREDENTIALS };
    const { platform } = await connectRingCentral(credentials);
    // The product's telephony on that login, with its Redis rate budget, writes the directory as a sync does.
    const telephony = new RingCentralTelephony({ platform, credential: 'at-rest', budget: new RedisRateBudget(redis), log });
    await syncDirectory(telephony, redis, log);
    const auth = await platform.auth().data();
    const stored = await everything();
    expect(stored.length).toBeGreaterThan(1000);
    for (const secret of [auth.access_token, auth.refresh_token, TEST_CREDENTIALS.jwt, TEST_CREDENTIALS.clientSecret]) {
      expect(secret && secret.length > 8).toBe(true);
      expect(stored).not.toContain(secret);
    }
  }, 60_000);
});
