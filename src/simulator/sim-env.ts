import type { SimContext } from './sim-context.ts';

/** Who a request acts as, from its bearer token. */
export interface AuthInfo {
  accessToken: string;
  clientId: string;
  /** The logged-in user's extension id. */
  extensionId: number;
  /** Rate-limit subject: RingCentral counts per (user, app). */
  rateSubject: string;
}

export interface SimEnv {
  Variables: { sim: SimContext; auth: AuthInfo };
}
