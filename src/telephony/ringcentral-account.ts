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
  /** Logs every user in now (at start: a bad JWT shows at once, not at the first dial through it). */
  loginAll(): Promise<void>;
}

/** `RC_JWT` may name several users: JWTs separated by commas or white space. */
export function splitJwts(value: string): string[] {
  return value.split(/[\s,]+/).filter((jwt) => jwt !== '');
}

export function ringCentralAccount(credentials: RingCentralCredentials, budget: RateBudget, log: Logger): RingCentralAccount {
  const jwts = splitJwts(credentials.jwt);
  if (jwts.length === 0) throw new Error('no RingCentral JWT configured');
  const logins = jwts.map((jwt) => sharedLogin({ ...credentials, jwt }));
  const members = logins.map(
    (connect, index) =>
      new RingCentralTelephony({
        platform: lazyPlatform(connect),
        // RingCentral counts its limits per user and app: each login gets a budget of its own.
        credential: jwts.length === 1 ? credentials.clientId : `${credentials.clientId}#${index + 1}`,
        budget,
        log: log.child({ part: 'telephony', user: index + 1 }),
      }),
  );
  return {
    telephony: members.length === 1 ? (members[0] as RingCentralTelephony) : new PooledTelephony(members),
    connect: logins[0] as () => Promise<ConnectedPlatform>,
    users: members.length,
    async loginAll() {
      await Promise.all(logins.map((login) => login()));
    },
  };
}

/** One login per user, shared by every caller, retried on the next use after a failure. */
function sharedLogin(credentials: RingCentralCredentials): () => Promise<ConnectedPlatform> {
  let connection: Promise<ConnectedPlatform> | undefined;
  return () => {
    connection ??= connectRingCentral(credentials).catch((error: unknown) => {
      connection = undefined;
      throw error;
    });
    return connection;
  };
}

/** A platform whose every request first waits for the shared login. */
function lazyPlatform(connect: () => Promise<ConnectedPlatform>): ConnectedPlatform['platform'] {
  return new Proxy({} as ConnectedPlatform['platform'], {
    get(_target, property: string | symbol) {
      return async (...args: unknown[]) => {
        const { platform } = await connect();
        const member = (platform as unknown as Record<string | symbol, (...a: unknown[]) => unknown>)[property];
        if (typeof member !== 'function') throw new Error(`platform.${String(property)} is not a function`);
        return member.apply(platform, args);
      };
    },
  });
}
