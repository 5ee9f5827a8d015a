/** Shared pieces of the web tests: real Redis with key clean-up, a capturing logger, notification bodies. */
import { randomUUID } from 'node:crypto';
import { captureLines } from '../support/log-capture.ts';
import pino from 'pino';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { closeRedis, createRedis, scanKeys } from '../../src/store/redis-client.ts';

/** SCAN MATCH on every master (the shared helper of the product). */
export { scanKeys };

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A short unique tag for ids of one test run. */
export function runTag(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

/** Hands out a fresh notification uuid and telephony session id on each call, unique to the run `tag` names. */
export function notificationIds(tag: string = runTag()): () => { uuid: string; telephonySessionId: string } {
  let seq = 0;
  return () => {
    seq += 1;
    return { uuid: `${tag}${seq}`, telephonySessionId: `s-${tag}-${seq}` };
  };
}

export interface TestRedis {
  redis: Redis;
  /** Keys to delete at close. */
  track(...keys: string[]): void;
  /** Hash fields to delete at close (fields of global hashes such as the session map). */
  trackField(key: string, field: string): void;
  close(): Promise<void>;
}

export function testRedis(): TestRedis {
  const redis = createRedis(REDIS_URL, { name: 'hh-test-web' });
  const keys = new Set<string>();
  const fields: [string, string][] = [];
  return {
    redis,
    track: (...added) => added.forEach((key) => keys.add(key)),
    trackField: (key, field) => fields.push([key, field]),
    async close() {
      if (keys.size > 0) await redis.del(...keys);
      for (const [key, field] of fields) await redis.hdel(key, field);
      await closeRedis(redis);
    },
  };
}

/** Deletes every key matching `pattern` (SCAN, never KEYS or FLUSHALL); returns how many there were. */
export async function deleteMatching(redis: Redis, pattern: string): Promise<number> {
  const found = await scanKeys(redis, pattern);
  if (found.length > 0) await redis.del(...found);
  return found.length;
}


/** A response body as JSON, typed loosely for assertions. */
export async function json(response: Response): Promise<any> {
  return response.json();
}

/** A pino logger whose lines the test can read. */
export function capturingLogger(level: pino.LevelWithSilent = 'trace'): { log: Logger; lines: string[] } {
  const { lines, stream } = captureLines();
  return { log: pino({ level }, stream), lines };
}

export const silentLogger: Logger = pino({ level: 'silent' });

export interface NotificationInput {
  uuid: string;
  telephonySessionId: string;
  sequence?: number;
  code?: string;
  reason?: string;
  partyId?: string;
  extensionId?: string;
  direction?: 'Inbound' | 'Outbound';
}

/** A telephony-session notification shaped exactly as the simulator (and RingCentral) sends it. */
export function notification(input: NotificationInput) {
  const party = {
    accountId: '400111222333',
    ...(input.extensionId === undefined ? {} : { extensionId: input.extensionId }),
    id: input.partyId ?? `p-${input.telephonySessionId}-1`,
    direction: input.direction ?? 'Outbound',
    to: { phoneNumber: '+18668604259' },
    from: { phoneNumber: '+12125550123', name: 'Hold Hunter 1', extensionId: '400111222444' },
    status: { code: input.code ?? 'Proceeding', ...(input.reason === undefined ? {} : { reason: input.reason }), rcc: false },
    park: {},
    missedCall: false,
    standAlone: false,
    muted: false,
  };
  return {
    uuid: input.uuid,
    event: '/restapi/v1.0/account/400111222333/telephony/sessions',
    timestamp: '2026-03-03T15:01:12.704Z',
    subscriptionId: '2461434a-276a-4073-bd26-34089effbad5',
    ownerId: '400111222444',
    body: {
      sequence: input.sequence ?? 1,
      sessionId: '429182699016',
      telephonySessionId: input.telephonySessionId,
      serverId: '10.13.22.243.TAM',
      eventTime: '2026-03-03T15:01:12.663Z',
      origin: { type: 'CallOut' },
      parties: [party],
    },
  };
}
