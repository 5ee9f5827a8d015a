/**
 * SIP fault hooks for product tests (`/_sim/sip/faults`): refuse TLS connections, answer the next INVITEs busy.
 * They live beside the SIP listener, not in the scenario: a reset keeps them, `DELETE /_sim/sip/faults` clears them.
 */
export interface SipFaultSettings {
  /** New TLS connections are cut before the handshake (the client sees a reset), existing ones stay. */
  refuseTls: boolean;
  /** This many coming INVITEs get 183 and then 486 Busy Here (the call is placed, the network answers busy). */
  busyNextInvites: number;
}

export const NO_SIP_FAULTS: SipFaultSettings = { refuseTls: false, busyNextInvites: 0 };

export class SipFaults {
  private settings: SipFaultSettings = { ...NO_SIP_FAULTS };

  current(): SipFaultSettings {
    return { ...this.settings };
  }

  update(change: Partial<SipFaultSettings>): SipFaultSettings {
    this.settings = { ...this.settings, ...change };
    return this.current();
  }

  reset(): SipFaultSettings {
    this.settings = { ...NO_SIP_FAULTS };
    return this.current();
  }

  /** Takes one "busy" off the counter: true when this INVITE is to be answered busy. */
  takeBusy(): boolean {
    if (this.settings.busyNextInvites <= 0) return false;
    this.settings.busyNextInvites -= 1;
    return true;
  }
}
