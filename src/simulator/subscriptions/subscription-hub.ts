/**
 * RingCentral WebHook subscriptions: create (with the Validation-Token handshake), read, update, renew, delete,
 * and fan-out of telephony-session events to every matching subscription. Wall time (clock.now()) decides expiry
 * and blacklisting; see docs/simulator-webhooks.md for every place this departs from or guesses at RingCentral.
 */
import type { Logger } from 'pino';
import type { SimClock } from '../sim-clock.ts';
import type { FaultInjector } from '../faults.ts';
import type { Random } from '../random.ts';
import { RcError, notFound } from '../rc-error.ts';
import type { SessionEvent, SessionEventSink } from '../telephony/session-event.ts';
import { DEFAULT_BLACKLIST_POLICY, FailureStreak } from './blacklist-policy.ts';
import type { BlacklistPolicy } from './blacklist-policy.ts';
import { DeliveryLog, DEFAULT_DELIVERY_LOG_LIMIT } from './delivery-log.ts';
import type { DeliveryRecord, DeliveryTotals } from './delivery-log.ts';
import { matchesEvent, parseEventFilters } from './event-filter.ts';
import type { EventFilter } from './event-filter.ts';
import { HANDSHAKE_TIMEOUT_MS, MAX_WEBHOOK_RESPONSE_BYTES, validateWebhookAddress } from './handshake.ts';
import { buildNotification } from './notification.ts';
import { parseCreateRequest, parseUpdateRequest } from './subscription-request.ts';
import type { SubscriptionInfo } from './subscription-types.ts';
import { WebhookDispatcher } from './webhook-dispatcher.ts';

export interface SubscriptionHubDeps {
  clock: SimClock;
  accountId: string;
  /** Base URL for `uri` fields, e.g. http://127.0.0.1:4010. */
  publicUrl: string;
  faults: FaultInjector;
  random: Random;
  log: Logger;
  /** Defaults: 20 consecutive failures, or consecutive failures spanning 10 min wall, whichever comes first. */
  blacklist?: Partial<BlacklistPolicy>;
  /** Validation-Token handshake deadline, wall ms (RingCentral: 3000). */
  handshakeTimeoutMs?: number;
  /** Per-notification deadline, wall ms. RingCentral publishes none; default 3000 like the handshake. */
  deliveryTimeoutMs?: number;
  /** Responses this many bytes or larger (status line + headers + body) fail. Default 1024. */
  maxResponseBytes?: number;
  /** Longest a reordered notification is held back, wall ms. Default 2000. */
  reorderHoldMs?: number;
  /** Require `Content-Type: application/json` on the handshake response (RC's SUB-525 warning). Default true. */
  requireJsonContentType?: boolean;
  /** Per owner extension (RingCentral: 30 per user and app). Default 30. */
  maxSubscriptionsPerOwner?: number;
  /** Entries the delivery log keeps. Default 5000. */
  deliveryLogLimit?: number;
}


interface Subscription {
  id: string;
  ownerExtensionId: string;
  creationTime: number;
  expiresAt: number;
  /** Requested lifetime in seconds; renew starts it again. */
  lifetime: number;
  filters: EventFilter[];
  address: string;
  verificationToken?: string;
  status: 'Active' | 'Blacklisted';
  blacklistedData?: { blacklistedAt: string; reason: string };
  streak: FailureStreak;
}

const API_PATH = '/restapi/v1.0/subscription';

export class SubscriptionHub implements SessionEventSink {
  /** `uri` of the subscription collection. */
  readonly collectionUri: string;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly deliveryLog: DeliveryLog;
  private readonly dispatcher: WebhookDispatcher;
  private readonly policy: BlacklistPolicy;
  private closed = false;

  constructor(private readonly deps: SubscriptionHubDeps) {
    this.collectionUri = `${deps.publicUrl.replace(/\/+$/, '')}${API_PATH}`;
    this.policy = { ...DEFAULT_BLACKLIST_POLICY, ...deps.blacklist };
    this.deliveryLog = new DeliveryLog(deps.deliveryLogLimit ?? DEFAULT_DELIVERY_LOG_LIMIT);
    this.dispatcher = new WebhookDispatcher({
      clock: deps.clock,
      faults: deps.faults,
      log: deps.log,
      deliveries: this.deliveryLog,
      timeoutMs: deps.deliveryTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      maxResponseBytes: deps.maxResponseBytes ?? MAX_WEBHOOK_RESPONSE_BYTES,
      reorderHoldMs: deps.reorderHoldMs ?? 2000,
      onOutcome: (id, ok, reason) => this.onOutcome(id, ok, reason),
    });
  }

  /** POST /subscription: validates, runs the handshake, then stores. Throws RcError; nothing is kept on failure. */
  async create(ownerExtensionId: string | number, request: unknown): Promise<SubscriptionInfo> {
    const owner = String(ownerExtensionId);
    const input = parseCreateRequest(asBody(request));
    const filters = parseEventFilters(input.eventFilters, { accountId: this.deps.accountId, extensionId: owner });
    const limit = this.deps.maxSubscriptionsPerOwner ?? 30;
    if (this.list(owner).length >= limit) throw new RcError(403, 'SUB-505', 'Subscriptions limit exceeded');

    await validateWebhookAddress(input.address, uuid(this.deps.random), {
      timeoutMs: this.deps.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      maxResponseBytes: this.deps.maxResponseBytes ?? MAX_WEBHOOK_RESPONSE_BYTES,
      requireJsonContentType: this.deps.requireJsonContentType ?? true,
    });

    const now = this.deps.clock.now();
    const sub: Subscription = {
      id: uuid(this.deps.random),
      ownerExtensionId: owner,
      creationTime: now,
      expiresAt: now + input.expiresIn * 1000,
      lifetime: input.expiresIn,
      filters,
      address: input.address,
      ...(input.verificationToken === undefined ? {} : { verificationToken: input.verificationToken }),
      status: 'Active',
      streak: new FailureStreak(this.policy),
    };
    this.subscriptions.set(sub.id, sub);
    this.deps.log.info(
      { subscriptionId: sub.id, owner, eventFilters: filters.map((f) => f.normalized), address: sub.address },
      'webhook subscription created',
    );
    return this.info(sub, now);
  }

  /** Live (unexpired) subscriptions, oldest first; only `owner`'s when given. */
  list(owner?: string | number): SubscriptionInfo[] {
    const now = this.deps.clock.now();
    const out: SubscriptionInfo[] = [];
    for (const sub of this.subscriptions.values()) {
      if (now >= sub.expiresAt) continue;
      if (owner !== undefined && sub.ownerExtensionId !== String(owner)) continue;
      out.push(this.info(sub, now));
    }
    return out;
  }

  get(id: string, owner?: string | number): SubscriptionInfo {
    return this.info(this.live(id, owner), this.deps.clock.now());
  }

  /** PUT: new filters and/or lifetime, and always a renewal. A blacklisted subscription stays blacklisted. */
  update(id: string, request: unknown, owner?: string | number): SubscriptionInfo {
    const sub = this.live(id, owner);
    const input = parseUpdateRequest(asBody(request));
    if (input.eventFilters !== undefined) {
      sub.filters = parseEventFilters(input.eventFilters, { accountId: this.deps.accountId, extensionId: sub.ownerExtensionId });
    }
    if (input.expiresIn !== undefined) sub.lifetime = input.expiresIn;
    return this.renewNow(sub);
  }

  /** POST /renew: expiration starts again from now with the subscription's lifetime. */
  renew(id: string, owner?: string | number): SubscriptionInfo {
    return this.renewNow(this.live(id, owner));
  }

  /** DELETE. An expired subscription is purged too, but answers 404 SUB-507 like every other call on it. */
  delete(id: string, owner?: string | number): void {
    const sub = this.find(id, owner);
    this.subscriptions.delete(id);
    const wasExpired = this.deps.clock.now() >= sub.expiresAt;
    this.deps.log.info({ subscriptionId: id, wasExpired }, 'webhook subscription deleted');
    if (wasExpired) throw expired(id);
  }

  /** From the call registry: one changed party. Each matching live subscription gets one notification. */
  publish(event: SessionEvent): void {
    if (this.closed) return;
    const now = this.deps.clock.now();
    for (const sub of this.subscriptions.values()) {
      if (sub.status !== 'Active' || now >= sub.expiresAt) continue;
      // One notification per subscription even if several of its filters match; `event` names the first.
      const filter = sub.filters.find((f) => f.delivers && matchesEvent(f, event, this.deps.accountId));
      if (!filter) continue;
      const notification = buildNotification(
        { uuid: this.deps.random.digits(19), event: filter.normalized, subscriptionId: sub.id, ownerId: sub.ownerExtensionId },
        event,
      );
      this.dispatcher.dispatch(
        {
          subscriptionId: sub.id,
          address: sub.address,
          ...(sub.verificationToken === undefined ? {} : { verificationToken: sub.verificationToken }),
          isActive: () =>
            this.subscriptions.get(sub.id) === sub && sub.status === 'Active' && this.deps.clock.now() < sub.expiresAt,
        },
        notification,
      );
    }
  }

  /** Every delivery attempt so far (oldest first, capped), for /_sim and tests. */
  deliveries(): DeliveryRecord[] {
    return this.deliveryLog.list();
  }

  /** Attempts per outcome since the hub started, including those the capped log has dropped. */
  deliveryTotals(): DeliveryTotals {
    return this.deliveryLog.totals();
  }

  /** Resolves when every POST already started has an outcome. */
  drain(): Promise<void> {
    return this.dispatcher.drain();
  }

  /** Cancels pending and in-flight deliveries; publish() does nothing afterwards. */
  close(): void {
    this.closed = true;
    this.dispatcher.close();
  }

  private onOutcome(id: string, ok: boolean, reason: string | undefined): void {
    const sub = this.subscriptions.get(id);
    if (!sub || sub.status !== 'Active') return;
    if (ok) return sub.streak.succeeded();
    const now = this.deps.clock.now();
    if (!sub.streak.failed(now)) return;
    sub.status = 'Blacklisted';
    sub.blacklistedData = { blacklistedAt: new Date(now).toISOString(), reason: reason ?? 'Webhook delivery failed' };
    this.deps.log.warn(
      { subscriptionId: id, failures: sub.streak.failures, reason: sub.blacklistedData.reason },
      'webhook subscription blacklisted',
    );
  }

  private renewNow(sub: Subscription): SubscriptionInfo {
    const now = this.deps.clock.now();
    sub.expiresAt = now + sub.lifetime * 1000;
    return this.info(sub, now);
  }

  /** Unknown, or someone else's: 404 CMN-102 (RC: "Resource for parameter [subscriptionId] is not found"). */
  private find(id: string, owner: string | number | undefined): Subscription {
    const sub = this.subscriptions.get(id);
    if (!sub || (owner !== undefined && sub.ownerExtensionId !== String(owner))) throw notFound('subscriptionId', id);
    return sub;
  }

  private live(id: string, owner: string | number | undefined): Subscription {
    const sub = this.find(id, owner);
    if (this.deps.clock.now() >= sub.expiresAt) throw expired(id);
    return sub;
  }

  private info(sub: Subscription, now: number): SubscriptionInfo {
    return {
      uri: `${this.collectionUri}/${sub.id}`,
      id: sub.id,
      creationTime: new Date(sub.creationTime).toISOString(),
      status: sub.status,
      eventFilters: sub.filters.map((f) => f.normalized),
      expirationTime: new Date(sub.expiresAt).toISOString(),
      expiresIn: Math.max(1, Math.floor((sub.expiresAt - now) / 1000)),
      deliveryMode: { transportType: 'WebHook', encryption: false, address: sub.address },
      ...(sub.blacklistedData ? { blacklistedData: { ...sub.blacklistedData } } : {}),
    };
  }
}

/** Request bodies arrive as parsed JSON; anything but an object carries no fields. */
function asBody(request: unknown): Record<string, unknown> {
  return typeof request === 'object' && request !== null && !Array.isArray(request) ? (request as Record<string, unknown>) : {};
}

/** 404 SUB-507 (errors.md: "Subscription with key [...] and assigned session [...] was expired"). */
function expired(id: string): RcError {
  return new RcError(404, 'SUB-507', `Subscription with key [${id}] was expired`, {
    parameterName: 'subscriptionId',
    parameterValue: id,
  });
}

/** A v4-shaped uuid from the seeded stream, so a seed replays subscription ids too. */
function uuid(random: Random): string {
  const hex = random.hex(32);
  const variant = '89ab'[random.int(0, 3)] ?? '8';
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
