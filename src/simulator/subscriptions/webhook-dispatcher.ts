/**
 * Sends notifications to webhook addresses with the injected faults (loss, duplication, reordering, delay), logs
 * every attempt and reports each outcome so the hub can blacklist.
 *
 * Order: POSTs to one subscription start in publish order (each waits until the previous one has been written, at
 * most 50 ms), but responses are never awaited before the next POST, as RingCentral does not serialise either.
 * Nothing is retried: RingCentral publishes no retry schedule.
 */
import type { Logger } from 'pino';
import type { SimClock } from '../sim-clock.ts';
import type { FaultInjector } from '../faults.ts';
import type { DeliveryLog, DeliveryRecord } from './delivery-log.ts';
import type { TelephonySessionsNotification } from './subscription-types.ts';
import { notificationJson } from './notification.ts';
import { WEBHOOK_USER_AGENT } from './handshake.ts';
import { postWebhook } from './webhook-http.ts';
import type { WebhookPostResult } from './webhook-http.ts';

export interface DispatchTarget {
  subscriptionId: string;
  address: string;
  verificationToken?: string;
  /** Checked right before each POST: a subscription deleted, expired or blacklisted meanwhile gets nothing. */
  isActive(): boolean;
}

export interface DispatcherDeps {
  clock: SimClock;
  faults: FaultInjector;
  log: Logger;
  deliveries: DeliveryLog;
  /** Wall ms a receiver has to answer a notification. */
  timeoutMs: number;
  maxResponseBytes: number;
  /** How long a reordered notification waits for the next one of its session before it goes anyway. */
  reorderHoldMs: number;
  onOutcome(subscriptionId: string, ok: boolean, reason: string | undefined): void;
}

/** Longest a POST waits for the previous one to the same subscription to be written out. */
const ORDER_GATE_MS = 50;

interface Held {
  release(): void;
}

export class WebhookDispatcher {
  private readonly held = new Map<string, Held>();
  private readonly gates = new Map<string, Promise<void>>();
  private readonly timers = new Set<() => void>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private closed = false;

  constructor(private readonly deps: DispatcherDeps) {}

  dispatch(target: DispatchTarget, notification: TelephonySessionsNotification): void {
    if (this.closed) return;
    const { faults, deliveries, clock } = this.deps;
    const settings = faults.current();
    const party = notification.body.parties[0];
    const base: DeliveryRecord = {
      subscriptionId: target.subscriptionId,
      uuid: notification.uuid,
      sequence: notification.body.sequence,
      telephonySessionId: notification.body.telephonySessionId,
      partyId: party?.id ?? '',
      event: notification.event,
      outcome: 'pending',
      duplicated: false,
      reordered: false,
      lost: false,
      delayMs: 0,
      at: new Date(clock.now()).toISOString(),
    };
    const key = `${target.subscriptionId}\u0000${notification.body.telephonySessionId}`;
    const heldBefore = this.held.get(key);
    if (faults.roll(settings.webhookLoss)) {
      deliveries.add({ ...base, outcome: 'lost', lost: true });
      // The held one was waiting for "the next one"; that one is gone, so it goes now.
      heldBefore?.release();
      return;
    }
    const duplicate = faults.roll(settings.webhookDuplication);
    // At most one held notification per (subscription, session): the next one always goes, then releases it.
    const reorder = heldBefore === undefined && faults.roll(settings.webhookReorder);
    const delayMs = reorder ? 0 : Math.round(faults.delay(settings.webhookDelayMs));

    const record = deliveries.add({ ...base, reordered: reorder, delayMs });
    const copy = duplicate ? deliveries.add({ ...base, duplicated: true, reordered: reorder, delayMs }) : undefined;
    const send = (): void => {
      this.send(target, notification, record);
      if (copy) this.send(target, notification, copy);
    };

    if (reorder) {
      let cancel = (): void => {};
      const entry: Held = {
        release: () => {
          if (this.held.get(key) === entry) this.held.delete(key);
          cancel();
          send();
        },
      };
      this.held.set(key, entry);
      cancel = this.timer(() => entry.release(), this.deps.reorderHoldMs);
      return;
    }
    const sendThenRelease = (): void => {
      send();
      heldBefore?.release();
    };
    if (delayMs > 0) this.timer(sendThenRelease, delayMs);
    else sendThenRelease();
  }

  /** Resolves once every POST started so far has an outcome (delayed or held notifications are not waited for). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Cancels timers, held notifications and POSTs in flight; later dispatches are ignored. */
  close(): void {
    this.closed = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.held.clear();
    for (const abort of this.aborts) abort.abort();
  }

  private timer(fn: () => void, wallMs: number): () => void {
    const cancel = this.deps.clock.setTimer(() => {
      this.timers.delete(cancel);
      fn();
    }, wallMs);
    this.timers.add(cancel);
    return () => {
      this.timers.delete(cancel);
      cancel();
    };
  }

  private send(target: DispatchTarget, notification: TelephonySessionsNotification, record: DeliveryRecord): void {
    const id = target.subscriptionId;
    const previous = this.gates.get(id) ?? Promise.resolve();
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    this.gates.set(id, gate);
    void gate.then(() => {
      if (this.gates.get(id) === gate) this.gates.delete(id);
    });

    const attempt = previous.then(async () => {
      if (this.closed || !target.isActive()) {
        openGate();
        record.outcome = 'skipped';
        record.error = this.closed ? 'Simulator closed' : 'Subscription is not active';
        return;
      }
      const now = this.deps.clock.now();
      record.sentAt = new Date(now).toISOString();
      const abort = new AbortController();
      this.aborts.add(abort);
      const started = Date.now();
      const post = postWebhook(target.address, {
        headers: {
          Accept: 'application/json',
          'Accept-Encoding': 'UTF-8',
          'Content-Type': 'application/json; charset=UTF-8',
          'User-Agent': WEBHOOK_USER_AGENT,
          ...(target.verificationToken === undefined ? {} : { 'Verification-Token': target.verificationToken }),
        },
        body: notificationJson(notification, record.sentAt),
        timeoutMs: this.deps.timeoutMs,
        maxResponseBytes: this.deps.maxResponseBytes,
        signal: abort.signal,
      });
      void Promise.race([post.written, wait(ORDER_GATE_MS)]).then(openGate);
      const outcome = await post.result;
      this.aborts.delete(abort);
      record.durationMs = Date.now() - started;
      this.settle(target, record, outcome);
    });
    const tracked = attempt.catch((err: unknown) => {
      openGate();
      record.outcome = 'failed';
      record.error = String(err);
      this.deps.log.error({ err, subscriptionId: id }, 'webhook delivery crashed');
    });
    this.inflight.add(tracked);
    void tracked.then(() => this.inflight.delete(tracked));
  }

  private settle(target: DispatchTarget, record: DeliveryRecord, outcome: WebhookPostResult): void {
    let failure: string | undefined;
    if (outcome.kind === 'response') {
      record.status = outcome.status;
      if (outcome.oversize) failure = `Webhook response exceeds max size. Read bytes count: [${outcome.bytes}]`;
      else if (outcome.status < 200 || outcome.status > 299) {
        failure = `Webhook responses with code: [${outcome.status}], reason: [${outcome.statusText}]`;
      }
    } else if (outcome.error === 'aborted') {
      record.outcome = 'skipped';
      record.error = outcome.message;
      return;
    } else {
      failure = `I/O operation is failed. Details: [${outcome.message}]`;
    }
    record.outcome = failure === undefined ? 'delivered' : 'failed';
    if (failure !== undefined) record.error = failure;
    this.deps.log.debug(
      { subscriptionId: target.subscriptionId, uuid: record.uuid, sequence: record.sequence, outcome: record.outcome, failure },
      'webhook delivery',
    );
    this.deps.onOutcome(target.subscriptionId, failure === undefined, failure);
  }
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
