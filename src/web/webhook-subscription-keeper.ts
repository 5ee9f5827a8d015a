/**
 * Keeps exactly one live RingCentral webhook subscription for this deployment, whatever the number of instances:
 * the id lives in Redis (`globalKeys.subscription`), a short Redis lock stops two instances from creating one
 * each, and a periodic check renews it before it expires and recreates it when it is gone, blacklisted, or
 * points at another address.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { globalKeys } from '../store/redis-keys.ts';
import { metrics } from '../observability/metrics.ts';
import { TelephonyError } from '../telephony/telephony-port.ts';
import type { Telephony, WebhookSubscription } from '../telephony/telephony-port.ts';

export const DEFAULT_EVENT_FILTERS = ['/restapi/v1.0/account/~/telephony/sessions'];
export const DEFAULT_EXPIRES_IN_SECONDS = 604_800;
export const DEFAULT_RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;
/**
 * A blacklisted or vanished subscription leaves every hunt deaf until it is noticed: check every minute (one Light
 * request per instance), not the 15 minutes RingCentral's old guide suggested.
 */
export const DEFAULT_CHECK_EVERY_MS = 60 * 1000;
const LOCK_TTL_MS = 30_000;
const LOCK_RETRY_MS = 100;

export interface WebhookSubscriptionKeeperOptions {
  telephony: Telephony;
  redis: Redis;
  /** The public URL of `POST /webhooks/ringcentral`. */
  address: string;
  verificationToken: string;
  log: Logger;
  eventFilters?: string[];
  expiresIn?: number;
  renewBeforeMs?: number;
  checkEveryMs?: number;
  /** How long `ensure` waits for another instance's lock before giving up (default: the lock's 30 s TTL). */
  lockWaitMs?: number;
  now?: () => number;
  /** Hash holding the subscription id (default `globalKeys.subscription`; tests use their own); lock at `<key>:lock`. */
  redisKey?: string;
}

/** Deletes the lock only if it is still ours (it may have expired and been taken by another instance). */
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class WebhookSubscriptionKeeper {
  private readonly telephony: Telephony;
  private readonly redis: Redis;
  private readonly address: string;
  private readonly verificationToken: string;
  private readonly log: Logger;
  private readonly eventFilters: string[];
  private readonly expiresIn: number;
  private readonly renewBeforeMs: number;
  private readonly checkEveryMs: number;
  private readonly lockWaitMs: number;
  private readonly now: () => number;
  private readonly key: string;
  private readonly lockKey: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private latest: WebhookSubscription | undefined;
  private lastError: string | undefined;

  constructor(options: WebhookSubscriptionKeeperOptions) {
    if (options.verificationToken === '') throw new Error('a webhook subscription needs a verification token');
    this.telephony = options.telephony;
    this.redis = options.redis;
    this.address = options.address;
    this.verificationToken = options.verificationToken;
    this.log = options.log;
    this.eventFilters = options.eventFilters ?? DEFAULT_EVENT_FILTERS;
    this.expiresIn = options.expiresIn ?? DEFAULT_EXPIRES_IN_SECONDS;
    this.renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
    this.checkEveryMs = options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS;
    this.lockWaitMs = options.lockWaitMs ?? LOCK_TTL_MS;
    this.now = options.now ?? Date.now;
    this.key = options.redisKey ?? globalKeys.subscription;
    this.lockKey = `${this.key}:lock`;
  }

  /** The subscription as of the last successful `ensure` (for readiness checks). */
  get current(): WebhookSubscription | undefined {
    return this.latest;
  }

  /**
   * For /readyz: ok while the last check found (or made) an Active subscription that has not expired since.
   * A failed check (RingCentral down, auth lost, Redis down) is not ok until a later one succeeds.
   */
  health(): { ok: boolean; error?: string } {
    if (this.lastError !== undefined) return { ok: false, error: `last check failed: ${this.lastError}` };
    const latest = this.latest;
    if (!latest) return { ok: false, error: 'not checked yet' };
    if (latest.status !== 'Active') return { ok: false, error: `subscription ${latest.id} is ${latest.status}` };
    if (Date.parse(latest.expirationTime) <= this.now()) return { ok: false, error: `subscription ${latest.id} expired at ${latest.expirationTime}` };
    return { ok: true };
  }

  /** Makes sure one Active subscription to `address` exists and is not about to expire; returns it. */
  async ensure(): Promise<WebhookSubscription> {
    const lockToken = await this.acquireLock();
    try {
      const subscription = await this.ensureLocked();
      this.latest = subscription;
      this.lastError = undefined;
      metrics.subscriptionActive.set(subscription.status === 'Active' ? 1 : 0);
      return subscription;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      metrics.subscriptionActive.set(0);
      throw error;
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, this.lockKey, lockToken).catch((error: unknown) => {
        this.log.warn({ err: error }, 'webhook subscription lock not released (it expires by itself)');
      });
    }
  }

  /** Runs `ensure` now and then every `checkEveryMs`; failures are logged and retried at the next tick. */
  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.checkEveryMs);
    this.timer.unref();
  }

  /** Stops the checks and waits for one in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.ensure()
      .then(
        () => undefined,
        (error: unknown) => {
          this.log.error({ err: error }, 'webhook subscription check failed; retrying at the next check');
        },
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  private async ensureLocked(): Promise<WebhookSubscription> {
    const storedId = await this.redis.hget(this.key, 'id');
    if (storedId) {
      const existing = await this.telephony.getSubscription(storedId);
      if (!existing) {
        this.log.warn({ subscriptionId: storedId }, 'webhook subscription gone (expired or deleted): creating a new one');
        metrics.subscriptionRecreated.inc({ reason: 'gone' });
      } else if (existing.status === 'Blacklisted') {
        this.log.warn({ subscriptionId: storedId }, 'webhook subscription blacklisted: deleting it and creating a new one');
        metrics.subscriptionRecreated.inc({ reason: 'blacklisted' });
        await this.deleteQuietly(storedId);
      } else if (existing.address !== this.address) {
        this.log.warn({ subscriptionId: storedId, from: existing.address, to: this.address }, 'webhook address changed: recreating the subscription');
        metrics.subscriptionRecreated.inc({ reason: 'address' });
        await this.deleteQuietly(storedId);
      } else if (existing.status !== 'Active') {
        this.log.warn({ subscriptionId: storedId, status: existing.status }, 'webhook subscription not active: recreating it');
        metrics.subscriptionRecreated.inc({ reason: 'inactive' });
        await this.deleteQuietly(storedId);
      } else if (this.expiresSoon(existing)) {
        const renewed = await this.renew(storedId);
        if (renewed) return renewed;
      } else {
        return existing;
      }
    }
    const created = await this.telephony.createSubscription({
      address: this.address,
      verificationToken: this.verificationToken,
      eventFilters: this.eventFilters,
      expiresIn: this.expiresIn,
    });
    await this.store(created);
    // Notifications of the gap are lost for good: hunts re-check their lines with the phone system (JobHost sweep).
    if (storedId) await this.redis.hset(this.key, 'recreatedAt', String(this.now()));
    this.log.info({ subscriptionId: created.id, expirationTime: created.expirationTime, address: created.address }, 'webhook subscription created');
    return created;
  }

  /** The renewed subscription, or undefined when it cannot be renewed back to an Active one (then: create). */
  private async renew(id: string): Promise<WebhookSubscription | undefined> {
    let renewed: WebhookSubscription;
    try {
      renewed = await this.telephony.renewSubscription(id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.log.warn({ subscriptionId: id }, 'webhook subscription vanished before renewal: creating a new one');
      return undefined;
    }
    if (renewed.status !== 'Active') {
      this.log.warn({ subscriptionId: id, status: renewed.status }, 'renewed webhook subscription is not active: recreating it');
      await this.deleteQuietly(id);
      return undefined;
    }
    await this.store(renewed);
    this.log.info({ subscriptionId: id, expirationTime: renewed.expirationTime }, 'webhook subscription renewed');
    return renewed;
  }

  private expiresSoon(subscription: WebhookSubscription): boolean {
    const expiresAt = Date.parse(subscription.expirationTime);
    return Number.isNaN(expiresAt) || expiresAt - this.now() <= this.renewBeforeMs;
  }

  private async store(subscription: WebhookSubscription): Promise<void> {
    await this.redis.hset(this.key, {
      id: subscription.id,
      address: subscription.address,
      status: subscription.status,
      expirationTime: subscription.expirationTime,
      updatedAt: new Date(this.now()).toISOString(),
    });
  }

  /** A subscription we are replacing: if it cannot be deleted it stops on its own (expiry, blacklist). */
  private async deleteQuietly(id: string): Promise<void> {
    try {
      await this.telephony.deleteSubscription(id);
    } catch (error) {
      this.log.warn({ err: error, subscriptionId: id }, 'old webhook subscription not deleted');
    }
  }

  private async acquireLock(): Promise<string> {
    const token = randomUUID();
    const giveUpAt = Date.now() + this.lockWaitMs;
    for (;;) {
      if ((await this.redis.set(this.lockKey, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') return token;
      if (Date.now() >= giveUpAt) throw new Error('another instance is still checking the webhook subscription');
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof TelephonyError && error.notFound;
}
