/**
 * OAuth sessions as RingCentral keeps them: access tokens with a TTL, single-use refresh tokens that stay
 * usable for ~10 s after their replacement is first used (or 60 min if it never is), revoke killing the whole
 * session (docs refresh-tokens.md, tokens.md).
 */
import { randomBytes } from 'node:crypto';

export interface TokenGrant {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  /** Absent when the request asked for refresh_token_ttl=0. */
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope: string;
  owner_id: string;
  endpoint_id: string;
  session_id: string;
}

interface Session {
  id: string;
  clientId: string;
  extensionId: number;
  endpointId: string;
  revoked: boolean;
}

interface AccessToken {
  session: Session;
  expiresAt: number;
  ttlSeconds: number;
  dead: boolean;
  firstUsedAt?: number;
}

interface RefreshToken {
  session: Session;
  expiresAt: number;
  ttlSeconds: number;
  /** Set once it has been exchanged: it then lives only for the grace period. */
  replacedBy?: AccessToken;
  replacedAt?: number;
}

export type TokenCheck =
  | { ok: true; clientId: string; extensionId: number; sessionId: string }
  | { ok: false; reason: 'unknown' | 'expired' };

export type RefreshCheck =
  | { ok: true; session: Session }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' };

export const SCOPE = 'CallControl ReadAccounts ReadPresence TelephonySessions WebhookSubscriptions VoipCalling ReadCallLog';
const REFRESH_GRACE_AFTER_USE_MS = 10_000;
const REFRESH_GRACE_UNUSED_MS = 60 * 60_000;

export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private sessionCounter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Opens a new session for a user (JWT grant). */
  openSession(clientId: string, extensionId: number, endpointId?: string): Session {
    this.sessionCounter += 1;
    return {
      id: `${Date.now()}${String(this.sessionCounter).padStart(4, '0')}`,
      clientId,
      extensionId,
      endpointId: endpointId ?? token(11),
      revoked: false,
    };
  }

  /** A new token pair; `refreshTtl` 0 issues no refresh token (refresh_token_ttl=0). */
  issue(session: Session, accessTtl: number, refreshTtl: number): TokenGrant {
    const now = this.now();
    const accessToken = `SIMAT-${token(32)}`;
    const at: AccessToken = { session, expiresAt: now + accessTtl * 1000, ttlSeconds: accessTtl, dead: false };
    this.access.set(accessToken, at);
    let refresh: Pick<TokenGrant, 'refresh_token' | 'refresh_token_expires_in'> = {};
    if (refreshTtl > 0) {
      const refreshToken = `SIMRT-${token(32)}`;
      this.refresh.set(refreshToken, { session, expiresAt: now + refreshTtl * 1000, ttlSeconds: refreshTtl });
      refresh = { refresh_token: refreshToken, refresh_token_expires_in: refreshTtl };
    }
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: accessTtl,
      ...refresh,
      scope: SCOPE,
      owner_id: String(session.extensionId),
      endpoint_id: session.endpointId,
      session_id: session.id,
    };
  }

  checkAccess(accessToken: string): TokenCheck {
    const at = this.access.get(accessToken);
    if (!at || at.session.revoked || at.dead) return { ok: false, reason: 'unknown' };
    const now = this.now();
    if (now >= at.expiresAt) return { ok: false, reason: 'expired' };
    at.firstUsedAt ??= now;
    return { ok: true, clientId: at.session.clientId, extensionId: at.session.extensionId, sessionId: at.session.id };
  }

  /** Exchanges a refresh token; the old access tokens of the session die at once. */
  redeemRefresh(refreshToken: string, clientId: string): RefreshCheck {
    const rt = this.refresh.get(refreshToken);
    if (!rt || rt.session.revoked || rt.session.clientId !== clientId) return { ok: false, reason: 'unknown' };
    const now = this.now();
    if (now >= rt.expiresAt) return { ok: false, reason: 'expired' };
    if (rt.replacedBy && rt.replacedAt !== undefined) {
      const used = rt.replacedBy.firstUsedAt;
      const graceEnds = used !== undefined ? used + REFRESH_GRACE_AFTER_USE_MS : rt.replacedAt + REFRESH_GRACE_UNUSED_MS;
      if (now >= graceEnds) return { ok: false, reason: 'reused' };
    }
    return { ok: true, session: rt.session };
  }

  /** The user a refresh or access token belongs to (for rate limiting), without using it up. */
  userOf(anyToken: string): number | undefined {
    return (this.refresh.get(anyToken) ?? this.access.get(anyToken))?.session.extensionId;
  }

  /** Records that `refreshToken` was exchanged for `grant`, and kills the session's older access tokens. */
  markRefreshed(refreshToken: string, grant: TokenGrant): void {
    const rt = this.refresh.get(refreshToken);
    const fresh = this.access.get(grant.access_token);
    if (!rt || !fresh) return;
    rt.replacedBy ??= fresh;
    rt.replacedAt ??= this.now();
    for (const at of this.access.values()) {
      if (at.session === rt.session && at !== fresh) at.dead = true;
    }
  }

  /** Revoke by access or refresh token: the whole session ends. Unknown tokens are ignored, as RingCentral does. */
  revoke(anyToken: string): void {
    const session = this.access.get(anyToken)?.session ?? this.refresh.get(anyToken)?.session;
    if (session) session.revoked = true;
  }

  /** Control API: JWT logins answer OAU-140 while true (an outage of the firm's credentials, for recovery tests). */
  refuseLogins = false;

  /** Control API: end every session (as an admin revoking the app's tokens); the next request needs a new login. */
  revokeAll(): number {
    const sessions = new Set([...this.access.values(), ...this.refresh.values()].map((t) => t.session).filter((s) => !s.revoked));
    for (const session of sessions) session.revoked = true;
    return sessions.size;
  }

  /** Control API: expire every live access token now (to exercise refresh without waiting an hour). */
  expireAllAccessTokens(): number {
    let count = 0;
    const now = this.now();
    for (const at of this.access.values()) {
      if (!at.dead && !at.session.revoked && at.expiresAt > now) {
        at.expiresAt = now;
        count += 1;
      }
    }
    return count;
  }
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
