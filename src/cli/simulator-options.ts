import type { Config } from '../config.ts';
import type { Logger } from 'pino';
import type { StartSimulatorOptions } from '../simulator/simulator-server.ts';
import { RINGCENTRAL_DEFAULT_LIMITS } from '../simulator/rate-limit/rate-limiter.ts';

/** The simulator's settings from the environment, RingCentral's own limits and token lifetimes by default. */
export function simulatorOptionsFromConfig(config: Config, log: Logger): StartSimulatorOptions {
  return {
    port: config.SIM_PORT,
    host: config.SIM_HOST,
    sipPort: config.SIM_SIP_PORT,
    seed: config.SIM_SEED,
    scenario: config.SIM_SCENARIO,
    timeScale: config.SIM_TIME_SCALE,
    clientId: config.SIM_CLIENT_ID,
    clientSecret: config.SIM_CLIENT_SECRET,
    jwt: config.SIM_JWT,
    rateLimits: RINGCENTRAL_DEFAULT_LIMITS,
    accessTokenTtl: { min: 600, max: 3600, default: 3600 },
    refreshTokenTtl: { max: 2_592_000, default: 604_800 },
    log: log.child({ part: 'simulator' }),
  };
}
