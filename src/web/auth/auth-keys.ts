/**
 * The Redis keys of users, sessions, API tokens, login throttling, rate limits and the audit log (design §7:
 * the "users/sessions/API tokens" family). Secrets are never part of a key or a value: session ids and token
 * secrets are stored as SHA-256 digests, passwords as argon2id hashes.
 */
import { PREFIX } from '../../store/redis-keys.ts';

export const authKeys = {
  /** Set of every username. */
  users: `${PREFIX}:users`,
  /** Hash: one user's record (role, password hash, created by/at). */
  user: (username: string) => `${PREFIX}:user:${username}`,
  /** Hash (with TTL = idle expiry): one session, keyed by the SHA-256 of its id. */
  session: (digest: string) => `${PREFIX}:session:${digest}`,
  /** Set: digests of one user's sessions ("log out everywhere" deletes them all). */
  userSessions: (username: string) => `${PREFIX}:user-sessions:${username}`,
  /** Hash: one API token (user, scope, name, SHA-256 of its secret). */
  apiToken: (tokenId: string) => `${PREFIX}:api-token:${tokenId}`,
  /** Set: ids of one user's API tokens. */
  userTokens: (username: string) => `${PREFIX}:user-tokens:${username}`,
  /** String (with TTL): argon2id hash of the one-time secret that creates the first admin. */
  bootstrap: `${PREFIX}:auth:bootstrap`,
  /** String counter (with TTL): failed logins of one account or one address in the current window. */
  loginFailures: (kind: 'account' | 'ip', id: string) => `${PREFIX}:login-failures:${kind}:${id}`,
  /** String (with TTL): present while an account or an address is locked out of logging in. */
  loginLock: (kind: 'account' | 'ip', id: string) => `${PREFIX}:login-lock:${kind}:${id}`,
  /** String counter (with TTL): requests of one caller in one fixed window. */
  rate: (bucket: string, id: string, window: number) => `${PREFIX}:rate:${bucket}:${id}:${window}`,
  /** Stream: the audit log (who did what, when), capped. */
  audit: `${PREFIX}:audit`,
} as const;
