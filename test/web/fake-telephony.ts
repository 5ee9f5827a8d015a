/**
 * A stand-in for RingCentral's subscription API in keeper unit tests: subscriptions in a map, with knobs to
 * blacklist, expire or slow them. Every other Telephony call fails: the keeper must not use them.
 */
import type { Telephony, WebhookSubscription } from '../../src/telephony/telephony-port.ts';
import { TelephonyError } from '../../src/telephony/telephony-port.ts';

export class FakeSubscriptionTelephony implements Telephony {
  readonly subscriptions = new Map<string, WebhookSubscription & { verificationToken: string; expiresIn?: number }>();
  readonly calls: string[] = [];
  /** Delay of createSubscription (to overlap two keepers). */
  createDelayMs = 0;
  /** Makes getSubscription fail (network trouble). */
  failGet: Error | undefined;
  private next = 1;

  constructor(private readonly now: () => number = Date.now) {}

  async createSubscription(request: { address: string; verificationToken: string; eventFilters: string[]; expiresIn?: number }): Promise<WebhookSubscription> {
    this.calls.push('create');
    if (this.createDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.createDelayMs));
    const id = `sub-${this.next++}`;
    const stored = {
      id,
      status: 'Active',
      address: request.address,
      eventFilters: request.eventFilters,
      expirationTime: new Date(this.now() + (request.expiresIn ?? 604_800) * 1000).toISOString(),
      verificationToken: request.verificationToken,
      ...(request.expiresIn === undefined ? {} : { expiresIn: request.expiresIn }),
    };
    this.subscriptions.set(id, stored);
    return view(stored);
  }

  getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    this.calls.push(`get ${id}`);
    if (this.failGet) return Promise.reject(this.failGet);
    const found = this.subscriptions.get(id);
    return Promise.resolve(found ? view(found) : undefined);
  }

  renewSubscription(id: string): Promise<WebhookSubscription> {
    this.calls.push(`renew ${id}`);
    const found = this.subscriptions.get(id);
    if (!found) return Promise.reject(new TelephonyError('Resource for parameter [subscriptionId] is not found', 404, 'CMN-102'));
    found.expirationTime = new Date(this.now() + (found.expiresIn ?? 604_800) * 1000).toISOString();
    return Promise.resolve(view(found));
  }

  deleteSubscription(id: string): Promise<void> {
    this.calls.push(`delete ${id}`);
    this.subscriptions.delete(id);
    return Promise.resolve();
  }

  /** Changes a stored subscription as RingCentral would (blacklisting, expiry time, address). */
  patch(id: string, changes: Partial<WebhookSubscription>): void {
    const found = this.subscriptions.get(id);
    if (!found) throw new Error(`no subscription ${id}`);
    Object.assign(found, changes);
  }

  placeCall(): never {
    throw new Error('not used by the keeper');
  }
  getSession(): never {
    throw new Error('not used by the keeper');
  }
  transfer(): never {
    throw new Error('not used by the keeper');
  }
  bridge(): never {
    throw new Error('not used by the keeper');
  }
  hangup(): never {
    throw new Error('not used by the keeper');
  }
  listExtensions(): never {
    throw new Error('not used by the keeper');
  }
  listDevices(): never {
    throw new Error('not used by the keeper');
  }
  listQueues(): never {
    throw new Error('not used by the keeper');
  }
  presence(): never {
    throw new Error('not used by the keeper');
  }
}

function view(s: WebhookSubscription): WebhookSubscription {
  return { id: s.id, status: s.status, expirationTime: s.expirationTime, address: s.address, eventFilters: [...s.eventFilters] };
}
