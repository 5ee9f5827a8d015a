/** Shared setup for subscription tests: a hub on a manual clock, seeded faults, and session events to publish. */
import { pino } from 'pino';
import { ManualClock } from '../../../src/simulator/sim-clock.ts';
import { Random } from '../../../src/simulator/random.ts';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.ts';
import { SubscriptionHub } from '../../../src/simulator/subscriptions/subscription-hub.ts';
import type { SubscriptionHubDeps } from '../../../src/simulator/subscriptions/subscription-hub.ts';
import type { NotificationParty, SessionEvent } from '../../../src/simulator/telephony/session-event.ts';

export const ACCOUNT_ID = '400111222333';
export const OWNER = '400111222444';
export const OTHER_EXT = '400111222555';
export const PUBLIC_URL = 'http://127.0.0.1:4010';

export interface HubFixture {
  hub: SubscriptionHub;
  clock: ManualClock;
  faults: FaultInjector;
}

export function makeHub(overrides: Partial<SubscriptionHubDeps> = {}): HubFixture {
  const clock = new ManualClock();
  const faults = new FaultInjector(NO_FAULTS, Random.derive('subs-test', 'faults'));
  const hub = new SubscriptionHub({
    clock,
    accountId: ACCOUNT_ID,
    publicUrl: PUBLIC_URL,
    faults,
    random: Random.derive('subs-test', 'hub'),
    log: pino({ level: 'silent' }),
    ...overrides,
  });
  return { hub, clock, faults };
}

/** Our extension's outbound party (-1) of a CallOut session. */
export function ourParty(overrides: Partial<NotificationParty> = {}): NotificationParty {
  return {
    accountId: ACCOUNT_ID,
    extensionId: OWNER,
    id: 'p-c23b203d62db4f6aaee00717bafa99be-1',
    direction: 'Outbound',
    from: { phoneNumber: '+12125550123', name: 'Hold Hunter 1', extensionId: OWNER },
    to: { phoneNumber: '+18005550100' },
    status: { code: 'Setup', rcc: false },
    park: {},
    missedCall: false,
    standAlone: false,
    muted: false,
    ...overrides,
  };
}

/** The PSTN party (-2): in our account, no extension. */
export function pstnParty(overrides: Partial<NotificationParty> = {}): NotificationParty {
  return {
    accountId: ACCOUNT_ID,
    id: 'p-c23b203d62db4f6aaee00717bafa99be-2',
    direction: 'Inbound',
    from: { phoneNumber: '+12125550123', name: 'Hold Hunter 1', extensionId: OWNER },
    to: { phoneNumber: '+18005550100' },
    status: { code: 'Proceeding', rcc: false },
    park: {},
    missedCall: false,
    standAlone: false,
    muted: false,
    ...overrides,
  };
}

export function sessionEvent(sequence: number, party: NotificationParty, session = 'c23b203d62db4f6aaee00717bafa99be'): SessionEvent {
  return {
    telephonySessionId: `s-${session}`,
    sessionId: '429182699016',
    serverId: '10.13.22.243.TAM',
    origin: { type: 'CallOut' },
    eventTime: new Date(Date.UTC(2026, 2, 3, 15, 0, sequence)).toISOString(),
    sequence,
    party,
  };
}

export function webhookRequest(address: string, eventFilters: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { eventFilters, deliveryMode: { transportType: 'WebHook', address, ...extra }, expiresIn: 3600 };
}

/** Runs `fn` and returns the RcError-like object it throws. */
export async function rejection(fn: () => unknown): Promise<{ status: number; errorCode: string; message: string; detail: Record<string, unknown> }> {
  try {
    await fn();
  } catch (err) {
    return err as { status: number; errorCode: string; message: string; detail: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}
