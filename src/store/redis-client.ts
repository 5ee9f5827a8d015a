/**
 * One place that knows how we connect to Redis. Two roles, because BullMQ and request handlers want opposite
 * things when Redis goes away:
 * - `command` (default): fail fast. A request handler should get an error after a couple of reconnect attempts
 *   rather than hang; commands issued while connecting still queue briefly (offline queue).
 * - `blocking`: BullMQ workers / QueueEvents and XREAD BLOCK consumers. BullMQ requires
 *   `maxRetriesPerRequest: null` so a blocking command waits through reconnects instead of failing the worker.
 *
 * A `redis+cluster://host:port,host:port` URL (`rediss+cluster://` with TLS) connects to a Redis Cluster instead
 * (src/store/redis-cluster-client.ts, docs/resilience.md "Redis Cluster and managed Redis").
 */
import { Redis } from 'ioredis';
import type { Cluster, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { CLUSTER_URL, createCluster } from './redis-cluster-client.ts';

export type RedisRole = 'command' | 'blocking';

export interface CreateRedisOptions {
  role?: RedisRole;
  /** CLIENT SETNAME, so `CLIENT LIST` shows which part of which instance holds a connection. */
  name?: string;
  /** Connection errors are logged here; without a listener ioredis prints them to the console. */
  logger?: Pick<Logger, 'warn'>;
  /**
   * Commands issued in one event-loop turn go out in one write (ioredis enableAutoPipelining; single Redis only):
   * for a connection that many small concurrent requests share, like the webhook listener's.
   */
  autoPipelining?: boolean;
}

export function redisOptions(role: RedisRole, name?: string): RedisOptions {
  return {
    lazyConnect: false,
    connectTimeout: 5_000,
    enableOfflineQueue: true,
    maxRetriesPerRequest: role === 'blocking' ? null : 2,
    ...(name === undefined ? {} : { connectionName: name }),
  };
}

/** Whether `url` names a Redis Cluster (its seed nodes) rather than one Redis. */
export const isClusterUrl = (url: string): boolean => CLUSTER_URL.test(url);

/**
 * The product is typed against `Redis`. A `Cluster` has the same command methods, `multi`, `pipeline`,
 * `duplicate`, `status`, `quit`, `disconnect` and events, which is all the product uses (no `select`, no
 * `options.db`); BullMQ takes either. So a cluster connection is handed out under the `Redis` type rather than
 * widening every signature in the product; `isCluster` tells the two apart where it matters.
 */
export function createRedis(url: string, opts: CreateRedisOptions = {}): Redis {
  const role = opts.role ?? 'command';
  const redis = isClusterUrl(url)
    ? (createCluster(url, redisOptions(role, opts.name)) as unknown as Redis)
    : new Redis(url, { ...redisOptions(role, opts.name), ...(opts.autoPipelining ? { enableAutoPipelining: true } : {}) });
  const { logger } = opts;
  redis.on('error', (error: Error) => {
    logger?.warn({ err: error, role, name: opts.name }, 'redis connection error');
  });
  return redis;
}

export function isCluster(redis: object): boolean {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/**
 * The connections to every master: the connection itself on a single Redis. Whatever walks the whole key space
 * (SCAN, FLUSHDB, INFO keyspace) must walk each of these, since a cluster's SCAN covers one node only.
 */
export function masters(redis: Redis): Redis[] {
  return isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
}

/** Every key matching `pattern` (SCAN MATCH), on every master: a cluster's SCAN covers the node it reaches only. */
export async function scanKeys(redis: Redis, pattern: string, count = 500): Promise<string[]> {
  // A cluster knows its masters once it has loaded the slot map.
  if (isCluster(redis) && redis.status !== 'ready') await redis.ping();
  const found: string[] = [];
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/** BullMQ's `connection` option for REDIS_URL. */
export type BullmqConnection = { url: string; maxRetriesPerRequest: null } | Cluster;

/**
 * On a single Redis, options: BullMQ opens and closes its own connections. BullMQ cannot open a cluster
 * connection from options, so on a cluster it gets one (of the blocking role), which the caller closes.
 */
export function bullmqConnection(url: string, name?: string): BullmqConnection {
  if (!isClusterUrl(url)) return { url, maxRetriesPerRequest: null };
  return createRedis(url, { role: 'blocking', ...(name === undefined ? {} : { name }) }) as unknown as Cluster;
}

/**
 * QUIT lets pending replies arrive; if Redis does not answer within `timeoutMs`, the socket is dropped anyway.
 * Resolves once the client has ended or will not reconnect, never later than about `timeoutMs` + 500 ms.
 */
export async function closeRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  if (redis.status === 'ready') {
    try {
      await withTimeout(redis.quit(), timeoutMs);
    } catch {
      // Already closing or closed: the disconnect below is all that is left to do.
    }
  }
  // Read through a function: the awaits above may have changed the status behind TypeScript's narrowing.
  if (statusOf(redis) === 'end') return;
  // Between reconnect attempts there is no socket: disconnect() only cancels the next attempt and ioredis emits
  // no 'end' (the status stays 'reconnecting'), so there is nothing to wait for.
  const between = redis.status === 'reconnecting';
  redis.disconnect();
  if (!between) await withTimeout(ended, 500);
}

const statusOf = (redis: Redis): string => redis.status;

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
