import type { RateLimitTable } from './rate-limit/rate-limiter.ts';

/** Everything a simulator instance is configured with; `/_sim/reset` may change seed and scenario. */
export interface SimOptions {
  seed: number | string;
  scenario: string;
  timeScale: number;
  /** The app credentials the token endpoint accepts (SIM_CLIENT_ID / SIM_CLIENT_SECRET). */
  clientId: string;
  clientSecret: string;
  /** A JWT the token endpoint accepts for the account owner (SIM_JWT). */
  jwt: string;
  /** Base URL the simulator is reachable at, used in `uri` fields and navigation links. */
  publicUrl: string;
  rateLimits: RateLimitTable;
  /** Access token TTL bounds in seconds (RingCentral: 600..3600, default 3600). */
  accessTokenTtl: { min: number; max: number; default: number };
  refreshTokenTtl: { max: number; default: number };
  /**
   * The bound port of the SIP-over-TLS listener, which sip-info names (startSimulator fills it in once bound);
   * unset when no listener runs, and sip-info then names RingCentral's 5096.
   */
  sipPort?: number;
}

export const DEMO_CREDENTIALS = {
  clientId: 'hh-sim-client',
  clientSecret: 'hh-sim-secret',
  jwt: 'hh-sim-owner-jwt',
} as const;
