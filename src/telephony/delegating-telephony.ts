/**
 * A Telephony that forwards every operation to another one: wrappers (softphone lines, instrumentation) extend it
 * and override only what they change, so a new port method is forwarded in one place.
 */
import type { CallRef, SessionLookupOptions, Telephony, TransferTarget } from './telephony-port.ts';

export class DelegatingTelephony<Inner extends Telephony = Telephony> implements Telephony {
  constructor(protected readonly inner: Inner) {}

  placeCall(request: Parameters<Telephony['placeCall']>[0]): Promise<CallRef> {
    return this.inner.placeCall(request);
  }

  getSession(telephonySessionId: string, options?: SessionLookupOptions) {
    return this.inner.getSession(telephonySessionId, options);
  }

  transfer(call: CallRef, target: TransferTarget): Promise<void> {
    return this.inner.transfer(call, target);
  }

  bridge(call: CallRef, standby: CallRef): Promise<void> {
    return this.inner.bridge(call, standby);
  }

  hangup(telephonySessionId: string): Promise<void> {
    return this.inner.hangup(telephonySessionId);
  }

  listExtensions() {
    return this.inner.listExtensions();
  }

  listDevices(extensionId: string) {
    return this.inner.listDevices(extensionId);
  }

  listQueues() {
    return this.inner.listQueues();
  }

  presence(extensionId: string) {
    return this.inner.presence(extensionId);
  }

  createSubscription(request: Parameters<Telephony['createSubscription']>[0]) {
    return this.inner.createSubscription(request);
  }

  getSubscription(id: string) {
    return this.inner.getSubscription(id);
  }

  renewSubscription(id: string) {
    return this.inner.renewSubscription(id);
  }

  deleteSubscription(id: string): Promise<void> {
    return this.inner.deleteSubscription(id);
  }
}
