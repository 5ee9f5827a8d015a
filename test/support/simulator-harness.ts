/** Starts a simulator on a free port with test-friendly defaults (silent logs, RingCentral's real limits). */
import pino from 'pino';
import { startSimulator } from '../../src/simulator/simulator-server.ts';
import type { RunningSimulator, StartSimulatorOptions } from '../../src/simulator/simulator-server.ts';
import { RINGCENTRAL_DEFAULT_LIMITS } from '../../src/simulator/rate-limit/rate-limiter.ts';
import { DEMO_CREDENTIALS } from '../../src/simulator/sim-options.ts';

export const TEST_CREDENTIALS = DEMO_CREDENTIALS;
/** The seed every test simulator draws its calls and hold loops from. */
export const SIMULATOR_SEED = 42;

export function startTestSimulator(overrides: Partial<StartSimulatorOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({
    port: 0,
    seed: SIMULATOR_SEED,
    scenario: 'fast-agent',
    timeScale: 1,
    ...DEMO_CREDENTIALS,
    rateLimits: RINGCENTRAL_DEFAULT_LIMITS,
    accessTokenTtl: { min: 600, max: 3600, default: 3600 },
    refreshTokenTtl: { max: 2_592_000, default: 604_800 },
    log: pino({ level: 'silent' }),
    ...overrides,
  });
}

/** JSON call to the simulator's control API. */
export async function control<T = any>(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
