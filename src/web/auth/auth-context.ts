/**
 * Who is making the request, as the handlers and views see it (`c.get('auth')`), and the request-scoped values the
 * page layout reads (CSRF token, signed-in user) through Hono's context storage.
 */
import { tryGetContext } from 'hono/context-storage';
import type { Role } from './roles.ts';

export interface Principal {
  /** Username; `api-token` for the bootstrap API_TOKEN, `metrics-token` for METRICS_TOKEN. */
  username: string;
  role: Role;
  via: 'session' | 'api-token' | 'bootstrap-token' | 'metrics-token';
  /** The API token's id when `via` is `api-token`. */
  tokenId?: string;
}

export interface AuthVariables {
  auth: Principal;
  /** The session's CSRF token (session requests only): sent back by forms and htmx. */
  csrfToken: string;
  /** The username again, under the names the dashboard (`operator`) and the API (`principal`) read. */
  operator: string;
  principal: string;
  /** What a handler changed when the path does not say (e.g. the username of a new user), for the audit log. */
  auditTarget: string;
}

/** The signed-in user and CSRF token of the request being rendered, if any (for the layout). */
export function currentViewer(): { username: string; role: Role; csrfToken?: string } | undefined {
  const c = tryGetContext<{ Variables: Partial<AuthVariables> }>();
  const auth = c?.var.auth;
  if (!auth) return undefined;
  const csrfToken = c?.var.csrfToken;
  return { username: auth.username, role: auth.role, ...(csrfToken ? { csrfToken } : {}) };
}
