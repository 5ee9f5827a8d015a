/**
 * Everything the auth routes and the gate share, built once per app: the stores (users, sessions, API tokens),
 * login throttling, rate limits, the audit log, the session cookie's settings and the client-address rule.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import { clientAddress } from '../request-headers.ts';
import type { Logger } from 'pino';
import pino from 'pino';
import { ApiTokenStore } from './api-token-store.ts';
import { AuditLog } from './audit-log.ts';
import type { AuditInput } from './audit-log.ts';
import { LoginThrottle } from './login-throttle.ts';
import type { ThrottleRules } from './login-throttle.ts';
import { RedisRateLimiter } from './rate-limiter.ts';
import type { RateDecision, RateLimit } from './rate-limiter.ts';
import { PolicyTable } from './route-policy.ts';
import { SessionStore } from './session-store.ts';
import type { SessionLimits } from './session-store.ts';
import { UserStore } from './user-store.ts';

export interface RateLimits {
  /** Requests of one signed-in caller (user or token) to the JSON API. */
  api: RateLimit;
  /** API requests from one address that carry no valid credential (slows token guessing). */
  anonymous: RateLimit;
  /** Login attempts from one address (before any password is checked). */
  login: RateLimit;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  api: { limit: 1200, windowMs: 60_000 },
  anonymous: { limit: 120, windowMs: 60_000 },
  login: { limit: 30, windowMs: 60_000 },
};

export interface AuthOptions {
  /** Where users, sessions and tokens live; without it only public routes and the bootstrap API_TOKEN work. */
  redis?: Redis;
  /** Signs session cookies (SESSION_SECRET); a random one per process when absent (sessions then die with it). */
  sessionSecret?: string;
  /** Secure cookies (https deployments); off for plain-http local runs and tests. */
  secureCookies?: boolean;
  /** API_TOKEN: the bootstrap bearer token, acting as an admin. */
  apiToken?: string;
  /** METRICS_TOKEN: a bearer token that may read /metrics only. */
  metricsToken?: string;
  /** Origins allowed to call the JSON API from a browser (CORS_ORIGINS); none by default. */
  corsOrigins?: string[];
  /** Header naming the client address when behind a proxy (CLIENT_IP_HEADER, e.g. fly-client-ip). */
  clientIpHeader?: string;
  sessionLimits?: SessionLimits;
  throttle?: ThrottleRules;
  rateLimits?: Partial<RateLimits>;
  log?: Logger;
  policy?: PolicyTable;
}

/** Stands in for Redis when there is none: any use fails loudly (the gate and routes check `redis` first). */
const NO_REDIS = new Proxy({}, { get: () => { throw new Error('auth needs Redis'); } }) as Redis;

/** The address of a request with no network peer (`app.request` in tests): never rate-limited or locked by address. */
export const IN_PROCESS = 'in-process';

export class AuthServices {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: ApiTokenStore;
  readonly throttle: LoginThrottle;
  readonly limiter: RedisRateLimiter;
  readonly auditLog: AuditLog;
  readonly policy: PolicyTable;
  readonly rateLimits: RateLimits;
  readonly sessionSecret: string;
  readonly secureCookies: boolean;
  /** `__Host-` cookies must be Secure, host-only and on `/`: a sibling subdomain cannot plant one. */
  readonly cookieName: string;
  readonly log: Logger;

  /** The Redis behind the stores (absent: no users exist, nobody can log in). */
  readonly redis: Redis | undefined;

  constructor(readonly options: AuthOptions) {
    this.redis = options.redis;
    // Without Redis the stores are never reached (the gate checks `redis` first); a placeholder keeps types simple.
    const redis = options.redis ?? NO_REDIS;
    this.users = new UserStore(redis);
    this.sessions = new SessionStore(redis, options.sessionLimits);
    this.tokens = new ApiTokenStore(redis);
    this.throttle = new LoginThrottle(redis, options.throttle);
    this.limiter = new RedisRateLimiter(redis);
    this.auditLog = new AuditLog(redis);
    this.policy = options.policy ?? new PolicyTable();
    this.rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.sessionSecret = options.sessionSecret || randomBytes(32).toString('base64url');
    this.secureCookies = options.secureCookies ?? false;
    this.cookieName = this.secureCookies ? '__Host-hh_session' : 'hh_session';
    this.log = options.log ?? pino({ level: 'silent' });
  }

  /** The Redis of the auth routes (mounted only when there is one). */
  get store(): Redis {
    if (!this.redis) throw new Error('auth needs Redis');
    return this.redis;
  }

  /** The caller's address: the proxy's header when configured, else the socket's peer. */
  clientIp(c: Context): string {
    const header = this.options.clientIpHeader;
    if (header) {
      const value = clientAddress.parse(c.req.header(header));
      if (value) return value;
    }
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    return env?.incoming?.socket?.remoteAddress ?? IN_PROCESS;
  }

  /** Counts a request against a per-address limit; in-process requests (no network peer: tests) are not counted. */
  async hitAddress(bucket: 'login' | 'anonymous', ip: string): Promise<RateDecision> {
    if (ip === IN_PROCESS) return { allowed: true, retryAfterSeconds: 0 };
    return this.limiter.hit(bucket, ip, this.rateLimits[bucket]);
  }

  /** Records an audit entry; a Redis failure is logged, never fails the request that already happened. */
  async audit(entry: AuditInput, everyMs?: number): Promise<void> {
    if (!this.redis) return;
    try {
      await (everyMs === undefined ? this.auditLog.record(entry) : this.auditLog.recordAtMostEvery(entry, everyMs));
    } catch (error) {
      this.log.error({ err: error, action: entry.action }, 'audit entry not recorded');
    }
  }
}
