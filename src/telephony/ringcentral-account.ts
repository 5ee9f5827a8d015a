/**
 * The firm's RingCentral account as the engine uses it: one logged-in platform per JWT (one per RingCentral user
 * whose quota the hunt may spend — call-out is Heavy, 10 a minute per user), each with its own rate budget,
 * pooled behind one Telephony. Logins happen on first use, so `serve` starts even while RingCentral is down.
 */
import type { Logger } from 'pino';
import type { RateBudget } from './rate-budget.ts';
import { connectRingCentral } from './ringcentral-platform.ts';
import type { ConnectedPlatform, RingCentralCredentials } from './ringcentral-platform.ts';
import { RingCentralTelephony } from './ringcentral-telephony.ts';
import { PooledTelephony } from './pooled-telephony.ts';
import type { SipInfoSource, Telephony } from './telephony-port.ts';

export interface RingCentralAccount {
  telephony: Telephony & SipInfoSource;
  /** The first user's login (shared with the engine), for the connection probe. */
  connect: () => Promise<ConnectedPlatform>;
  /** How many users' credentials the pool holds. */
  users: number;
  /** The rate-budget credential of each user (metrics show each one's headroom). */
  budgetCredentials: string[];
  /** Logs every user in now (at start: a bad JWT shows at once, not at the first dial through it). */
  loginAll(): Promise<void>;
  /** Whether every user's last login or token refresh worked (for /readyz). */
  authHealth(): AuthHealth;
}

/** `RC_JWT` may name several users: JWTs separated by commas or white space. */
export function splitJwts(value: string): string[] {
  return value.split(/[\s,]+/).filter((jwt) => jwt !== '');
}

export function ringCentralAccount(credentials: RingCentralCredentials, budget: RateBudget, log: Logger): RingCentralAccount {
  const jwts = splitJwts(credentials.jwt);
  if (jwts.length === 0) throw new Error('no RingCentral JWT configured');
  const logins = jwts.map((jwt, index) => sharedLogin({ ...credentials, jwt }, log.child({ part: 'login', user: index + 1 })));
  // RingCentral counts its limits per user and app: each login gets a budget of its own.
  const budgetCredentials = jwts.map((_, index) => (jwts.length === 1 ? credentials.clientId : `${credentials.clientId}#${index + 1}`));
  const members = logins.map(
    (login, index) =>
      new RingCentralTelephony({
        platform: lazyPlatform(login),
        credential: budgetCredentials[index] as string,
        budget,
        log: log.child({ part: 'telephony', user: index + 1 }),
      }),
  );
  return {
    telephony: members.length === 1 ? (members[0] as RingCentralTelephony) : new PooledTelephony(members),
    connect: (logins[0] as LoginHandle).connect,
    users: members.length,
    budgetCredentials,
    async loginAll() {
      await Promise.all(logins.map((login) => login.connect()));
    },
    authHealth() {
      const failed = logins.map((login, index) => ({ index, health: login.health() })).filter((l) => !l.health.ok);
      if (failed.length === 0) return { ok: true };
      return { ok: false, error: failed.map((f) => `user ${f.index + 1}: ${f.health.error ?? 'not logged in'}`).join('; ') };
    },
  };
}

/** Where a user's login stands, for /readyz: `ok` after a login or refresh, `failed` after either failed. */
export interface AuthHealth {
  ok: boolean;
  /** Why the last login or refresh failed (a message, never a token). */
  error?: string;
}

const RELOGIN_BACKOFF_MS = { first: 1_000, max: 60_000 };

/**
 * One login per user, shared by every caller. The SDK refreshes an expired access token by itself; when the
 * refresh fails too (the session was revoked, the refresh token expired or was used elsewhere) the login is
 * dropped and the next request logs in again with the JWT. Failed logins back off (1 s doubling to 60 s): the
 * Auth group allows 5 requests a minute, and a burst of retries would lock the firm out for longer.
 */
export function sharedLogin(credentials: RingCentralCredentials, log?: Logger, now: () => number = Date.now): LoginHandle {
  let connection: Promise<ConnectedPlatform> | undefined;
  let generation = 0;
  let failures = 0;
  let retryAt = 0;
  let lastError: Error | undefined;
  let health: AuthHealth = { ok: false, error: 'not logged in yet' };
  const fail = (error: unknown): void => {
    failures += 1;
    retryAt = now() + Math.min(RELOGIN_BACKOFF_MS.max, RELOGIN_BACKOFF_MS.first * 2 ** (failures - 1));
    lastError = error instanceof Error ? error : new Error(String(error));
    health = { ok: false, error: lastError.message };
  };
  const connect = (): Promise<ConnectedPlatform> => {
    if (connection) return connection;
    if (lastError && now() < retryAt) return Promise.reject(lastError);
    const mine = ++generation;
    connection = connectRingCentral(credentials).then(
      (connected) => {
        failures = 0;
        lastError = undefined;
        health = { ok: true };
        const { platform } = connected;
        platform.on(platform.events.refreshSuccess, () => {
          health = { ok: true };
        });
        platform.on(platform.events.refreshError, (error: unknown) => {
          if (generation !== mine) return;
          log?.warn({ err: error }, 'RingCentral token refresh failed: logging in again with the JWT');
          health = { ok: false, error: (error as Error)?.message ?? 'token refresh failed' };
          connection = undefined;
        });
        return connected;
      },
      (error: unknown) => {
        if (generation === mine) connection = undefined;
        fail(error);
        log?.warn({ err: error, retryInMs: retryAt - now() }, 'RingCentral login failed');
        throw error;
      },
    );
    return connection;
  };
  return {
    connect,
    // Asking is what heals an idle login: a readiness probe that finds it down (or never tried) starts a login
    // once the back-off allows, so recovery does not wait for the next hunt to need RingCentral.
    health: () => {
      if (!health.ok && !connection && !(lastError && now() < retryAt)) void connect().catch(() => undefined);
      return health;
    },
    generation: () => generation,
  };
}

export interface LoginHandle {
  connect: () => Promise<ConnectedPlatform>;
  /** The login's state; when down and the back-off allows, also starts a new login in the background. */
  health: () => AuthHealth;
  /** Rises with every new login attempt (a request that failed across a re-login may be retried once). */
  generation: () => number;
}

/**
 * A platform whose every request first waits for the shared login. A request that failed because the login was
 * lost under it (refresh refused: RingCentral answered 401 and never ran it) is sent once more after a new login.
 */
function lazyPlatform(login: LoginHandle): ConnectedPlatform['platform'] {
  return new Proxy({} as ConnectedPlatform['platform'], {
    get(_target, property: string | symbol) {
      return async (...args: unknown[]) => {
        const call = async (): Promise<unknown> => {
          const { platform } = await login.connect();
          const member = (platform as unknown as Record<string | symbol, (...a: unknown[]) => unknown>)[property];
          if (typeof member !== 'function') throw new Error(`platform.${String(property)} is not a function`);
          return member.apply(platform, args);
        };
        const before = login.generation();
        try {
          return await call();
        } catch (error) {
          // Generation first: asking for health may itself start the new login.
          const loginLost = login.generation() === before && !login.health().ok;
          if (!loginLost) throw error;
          return call();
        }
      };
    },
  });
}
