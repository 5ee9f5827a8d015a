/**
 * The locked door: one middleware in front of every route. For each request it finds the route's row in the
 * policy table (none → refused), identifies the caller (bearer token for the API, signed session cookie for the
 * dashboard), checks the role, the CSRF token of session requests that change something, and the API's rate
 * limit; after the handler it writes the audit entry of a successful change and adds the CSRF field to forms.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getSignedCookie } from 'hono/cookie';
import { apiErrorBody } from '../api-errors.ts';
import { secretsEqual } from '../api-auth.ts';
import { bearerToken } from '../request-headers.ts';
import type { AuthServices } from './auth-services.ts';
import type { AuthVariables, Principal } from './auth-context.ts';
import { addCsrfFields, csrfTokensMatch, presentedCsrfToken } from './csrf.ts';
import { roleAllows, weakerRole } from './roles.ts';
import type { MatchedPolicy } from './route-policy.ts';
import { TOKEN_SCOPES } from './api-token-store.ts';
import { forbiddenPage } from './forbidden.tsx';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type Identified = { principal: Principal; csrfToken?: string; sessionId?: string } | { refused: 'bad-token' } | undefined;

export function authGate(auth: AuthServices): MiddlewareHandler<{ Variables: AuthVariables }> {
  const { apiToken, metricsToken } = auth.options;

  /** A bearer header decides alone (a wrong token is refused even with a cookie); else the session cookie. */
  const identify = async (c: Context): Promise<Identified> => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const token = bearerToken.parse(header);
      if (!token) return { refused: 'bad-token' };
      if (apiToken && secretsEqual(token, apiToken)) return { principal: { username: 'api-token', role: 'admin', via: 'bootstrap-token' } };
      if (metricsToken && secretsEqual(token, metricsToken)) return { principal: { username: 'metrics-token', role: 'viewer', via: 'metrics-token' } };
      if (!auth.redis) return { refused: 'bad-token' };
      const info = await auth.tokens.verify(token);
      const user = info ? await auth.users.get(info.username) : undefined;
      if (!info || !user) return { refused: 'bad-token' };
      return { principal: { username: user.username, role: weakerRole(user.role, TOKEN_SCOPES[info.scope]), via: 'api-token', tokenId: info.id } };
    }
    if (!auth.redis) return undefined;
    const id = await getSignedCookie(c, auth.sessionSecret, auth.cookieName);
    if (!id) return undefined;
    const session = await auth.sessions.touch(id);
    const user = session ? await auth.users.get(session.username) : undefined;
    if (!session || !user) return undefined;
    return { principal: { username: user.username, role: user.role, via: 'session' }, csrfToken: session.csrfToken, sessionId: session.id };
  };

  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    const isApi = path.startsWith('/api/');
    const policy = auth.policy.match(method, path);
    if (policy?.access === 'public' || policy?.access === 'webhook') {
      await next();
      return auditAfter(c, policy, undefined);
    }

    const ip = auth.clientIp(c);
    const found = await identify(c);
    const principal = found && 'principal' in found ? found.principal : undefined;

    if (!principal) {
      if (auth.redis && (isApi || policy?.access === 'metrics')) {
        const limited = await auth.hitAddress('anonymous', ip);
        if (!limited.allowed) return tooMany(c, limited.retryAfterSeconds, isApi);
      }
      if (found && 'refused' in found) auth.log.warn({ method, path, ip }, 'request refused: invalid bearer token');
      return unauthenticated(c, isApi || policy?.access === 'metrics', found !== undefined);
    }

    if (policy?.fallback) return c.json(apiErrorBody('not_found', `No API route ${method} ${path}.`), 404);
    if (!policy) {
      auth.log.warn({ method, path }, 'request refused: the route has no row in the access policy (src/web/auth/route-policy.ts)');
      return isApi ? c.json(apiErrorBody('not_found', `No API route ${method} ${path}.`), 404) : c.text('Not found.', 404);
    }

    const metricsOnly = principal.via === 'metrics-token';
    const allowed = policy.access === 'metrics' ? metricsOnly || principal.role === 'admin' : !metricsOnly && roleAllows(principal.role, policy.access);
    if (!allowed) {
      auth.log.warn({ method, path, user: principal.username, role: principal.role, needs: policy.access }, 'request refused: role');
      const need = policy.access === 'metrics' ? 'admin (or METRICS_TOKEN)' : policy.access;
      const message = `Your role (${principal.role}) may not do this: it needs ${need}.`;
      if (isApi) return c.json(apiErrorBody('forbidden', message), 403);
      // A page opened in the browser gets a page (with the user's nav); htmx and form posts get the text.
      if (method === 'GET' && !c.req.header('HX-Request') && principal.via === 'session') {
        c.set('auth', principal);
        return c.html(forbiddenPage(message), 403);
      }
      return c.text(message, 403);
    }

    const csrfToken = found && 'csrfToken' in found ? found.csrfToken : undefined;
    if (principal.via === 'session' && csrfToken && !SAFE_METHODS.has(method)) {
      let presented: string | undefined;
      try {
        presented = await presentedCsrfToken(c);
      } catch {
        presented = undefined;
      }
      if (!csrfTokensMatch(presented, csrfToken)) {
        auth.log.warn({ method, path, user: principal.username }, 'request refused: CSRF token missing or wrong');
        const message = 'This form has expired or did not come from this dashboard: reload the page and try again.';
        return isApi ? c.json(apiErrorBody('csrf', message), 403) : c.text(message, 403);
      }
    }

    if (isApi && auth.redis) {
      const who = principal.tokenId ? `token:${principal.tokenId}` : `user:${principal.username}`;
      const limited = await auth.limiter.hit('api', who, auth.rateLimits.api);
      if (!limited.allowed) return tooMany(c, limited.retryAfterSeconds, true);
    }

    c.set('auth', principal);
    c.set('operator', principal.username);
    c.set('principal', principal.username);
    if (csrfToken) c.set('csrfToken', csrfToken);
    await next();

    if (found && 'sessionId' in found && found.sessionId && (c.res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      keepAliveWhileStreaming(c, found.sessionId);
    }
    if (csrfToken && (c.res.headers.get('content-type') ?? '').startsWith('text/html')) {
      const html = await c.res.text();
      const headers = new Headers(c.res.headers);
      headers.delete('content-length');
      const status = c.res.status;
      // Cleared first: Hono's setter would copy the old headers (a stale Content-Length) onto the new response.
      c.res = undefined;
      c.res = new Response(addCsrfFields(html, csrfToken), { status, headers });
    }
    return auditAfter(c, policy, principal, ip);
  };

  /**
   * A live board is watched for hours without a click (a hunt can hold two hours): while its event stream is open
   * the session counts as in use, so the operator's "Confirm" at the agent's pickup does not meet a login page.
   * The absolute expiry still applies (touch fails after it, and the refresh stops).
   */
  function keepAliveWhileStreaming(c: Context, sessionId: string): void {
    const body = c.res.body;
    if (!body) return;
    const every = Math.max(1_000, Math.floor(auth.sessions.limits.idleMs / 3));
    const stop = () => clearInterval(timer);
    const timer = setInterval(() => {
      auth.sessions.touch(sessionId).then(
        (session) => session ?? stop(),
        () => undefined,
      );
    }, every);
    timer.unref();
    c.req.raw.signal.addEventListener('abort', stop, { once: true });
    const { status, headers } = c.res;
    c.res = undefined;
    c.res = new Response(body.pipeThrough(new TransformStream({ flush: stop })), { status, headers });
  }

  async function auditAfter(c: Context, policy: MatchedPolicy, principal: Principal | undefined, ip = auth.clientIp(c)): Promise<void> {
    // Successful changes by a known caller; public routes (login, setup) write their own entries.
    if (!principal || SAFE_METHODS.has(c.req.method) || c.res.status >= 400) return;
    const given = (c.get('auditTarget') as string | undefined) ?? '';
    const target = [given, ...Object.entries(policy.params).map(([k, v]) => `${k}=${decodeSafe(v)}`)].filter(Boolean).join(' ');
    const location = c.res.headers.get('location');
    const command = policy.params.command ? `.${policy.params.command}` : '';
    await auth.audit({
      actor: principal.username,
      action: `${policy.audit ?? `${c.req.method} ${policy.route}`}${command}`,
      target: location && /^\/(api\/v1\/)?jobs\//.test(location) && !target ? location.replace(/^.*\/jobs\//, 'id=') : target,
      outcome: String(c.res.status),
      ip,
    }, policy.auditEveryMs);
  }
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value).slice(0, 128);
  } catch {
    return value.slice(0, 128);
  }
}

function unauthenticated(c: Context, api: boolean, stale: boolean): Response {
  if (api) return c.json(apiErrorBody('unauthorized', 'Sign in first: send "Authorization: Bearer <token>" (an API token from your account page, or API_TOKEN).'), 401, { 'WWW-Authenticate': 'Bearer realm="hold-hunter"' });
  const next = `${c.req.path}${new URL(c.req.url).search}`;
  const login = `/login?next=${encodeURIComponent(next)}${stale ? '&expired=1' : ''}`;
  if (c.req.header('HX-Request')) return c.body(null, 401, { 'HX-Redirect': login });
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(login, 303);
  return c.text('Your session has ended: log in again.', 401);
}

function tooMany(c: Context, retryAfterSeconds: number, api: boolean): Response {
  const message = `Too many requests: try again in ${retryAfterSeconds} s.`;
  const headers = { 'Retry-After': String(retryAfterSeconds) };
  return api ? c.json(apiErrorBody('rate_limited', message), 429, headers) : c.text(message, 429, headers);
}
