/** Everything a simulator instance holds; rebuilt whole by `/_sim/reset`. */
import type { SimClock } from './sim-clock.ts';
import type { SimOptions } from './sim-options.ts';
import type { Directory } from './directory/directory-types.ts';
import type { TokenStore } from './auth/token-store.ts';
import type { RateLimiter } from './rate-limit/rate-limiter.ts';
import type { FaultInjector } from './faults.ts';
import type { LineModel } from './line/index.ts';
import type { CallRegistry } from './telephony/call-registry.ts';
import type { SubscriptionHub } from './subscriptions/subscription-hub.ts';
import type { Logger } from 'pino';

export interface SimContext {
  options: SimOptions;
  clock: SimClock;
  log: Logger;
  directory: Directory;
  tokens: TokenStore;
  limiter: RateLimiter;
  faults: FaultInjector;
  line: LineModel;
  calls: CallRegistry;
  subscriptions: SubscriptionHub;
}
