/**
 * POST /restapi/oauth/token (JWT bearer and refresh grants, Basic client auth) and POST /restapi/oauth/revoke,
 * as @ringcentral/sdk 5 sends them (research/ringcentral.md §1).
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import type { SimEnv } from '../sim-env.ts';
import { RcError } from '../rc-error.ts';
import { throttle } from '../rate-limit/throttle.ts';
import { verifyJwt } from './sim-jwt.ts';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function oauthError(status: 400 | 401 | 415, errorCode: string, error: string, description: string): RcError {
  return new RcError(status, errorCode, description, {}, { error, error_description: description });
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Reads the client from Basic auth; every app here has a secret, so Basic auth is required. */
function authenticateClient(c: Context<SimEnv>): string {
  const { clientId, clientSecret } = c.get('sim').options;
  const header = c.req.header('authorization') ?? '';
  const basic = /^basic\s+(\S+)$/i.exec(header.trim());
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = colon >= 0 ? decoded.slice(0, colon) : decoded;
    const secret = colon >= 0 ? decoded.slice(colon + 1) : '';
    if (sameSecret(id, clientId) && sameSecret(secret, clientSecret)) return id;
    throw oauthError(401, 'OAU-123', 'invalid_client', 'Invalid client credentials');
  }
  throw oauthError(401, 'OAU-123', 'invalid_client', 'Client authentication is required');
}

async function readForm(c: Context<SimEnv>): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    // The spec declares 415 for getToken (revokeToken declares only 400; 415 is the honest answer there too).
    throw oauthError(415, 'OAU-250', 'invalid_request', 'Unsupported content type, application/x-www-form-urlencoded expected');
  }
  return new URLSearchParams(await c.req.text());
}

function requestedTtl(raw: string | null, name: string): number | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw oauthError(400, 'OAU-101', 'invalid_request', `Parameter [${name}] value is invalid`);
  return Math.round(value);
}

/** access_token_ttl, clamped to the allowed range: -1 (the SDK after a 401) or anything below the minimum becomes it. */
function accessTtl(raw: string | null, bounds: { min: number; max: number; default: number }): number {
  const value = requestedTtl(raw, 'access_token_ttl');
  return value === undefined ? bounds.default : Math.min(bounds.max, Math.max(bounds.min, value));
}

/**
 * refresh_token_ttl, at most the maximum. 0 asks for no refresh token at all (RingCentral's advice for apps that
 * cannot keep one safe); a negative value is taken the same way. Returns 0 for "no refresh token".
 */
function refreshTtl(raw: string | null, bounds: { max: number; default: number }): number {
  const value = requestedTtl(raw, 'refresh_token_ttl');
  return value === undefined ? bounds.default : Math.min(bounds.max, Math.max(0, value));
}

/**
 * RingCentral counts token requests per (user, app): the user is the JWT's subject or the token's owner. Requests
 * whose user cannot be told (a bad assertion, another content type) count against the app.
 */
async function tokenRequestSubject(c: Context<SimEnv>): Promise<string | undefined> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  const sim = c.get('sim');
  const form = new URLSearchParams(await c.req.text());
  const assertion = form.get('assertion');
  const token = form.get('refresh_token') ?? form.get('token');
  let extensionId: number | undefined;
  if (form.get('grant_type') === JWT_GRANT && assertion) extensionId = sameSecret(assertion, sim.options.jwt) ? sim.directory.owner().id : verifyJwt(assertion);
  else if (token) extensionId = sim.tokens.userOf(token);
  return extensionId === undefined ? undefined : `${extensionId}:${sim.options.clientId}`;
}

export function oauthRoutes(): Hono<SimEnv> {
  const app = new Hono<SimEnv>();

  app.post('/restapi/oauth/token', throttle('Auth', tokenRequestSubject), async (c) => {
    const sim = c.get('sim');
    const form = await readForm(c);
    const clientId = authenticateClient(c);
    const accessSeconds = accessTtl(form.get('access_token_ttl'), sim.options.accessTokenTtl);
    const refreshSeconds = refreshTtl(form.get('refresh_token_ttl'), sim.options.refreshTokenTtl);
    const grantType = form.get('grant_type');

    if (grantType === JWT_GRANT) {
      const assertion = form.get('assertion');
      if (!assertion) throw oauthError(400, 'OAU-101', 'invalid_request', 'Parameter [assertion] is not defined');
      const extensionId = sameSecret(assertion, sim.options.jwt) ? sim.directory.owner().id : verifyJwt(assertion);
      const user = extensionId === undefined ? undefined : sim.directory.userById(extensionId);
      if (!user || user.status !== 'Enabled' || sim.tokens.refuseLogins) {
        throw oauthError(400, 'OAU-140', 'invalid_grant', 'Invalid resource owner credentials');
      }
      const session = sim.tokens.openSession(clientId, user.id, form.get('endpoint_id') ?? undefined);
      return c.json(sim.tokens.issue(session, accessSeconds, refreshSeconds));
    }

    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      if (!refreshToken) throw oauthError(400, 'OAU-101', 'invalid_request', 'Parameter [refresh_token] is not defined');
      const check = sim.tokens.redeemRefresh(refreshToken, clientId);
      if (!check.ok) {
        const description = check.reason === 'expired' ? 'Token is expired' : 'Token not found';
        throw oauthError(400, 'OAU-211', 'invalid_grant', description);
      }
      const grant = sim.tokens.issue(check.session, accessSeconds, refreshSeconds);
      sim.tokens.markRefreshed(refreshToken, grant);
      return c.json(grant);
    }

    throw oauthError(400, 'OAU-250', 'unsupported_grant_type', `Unsupported grant type [${grantType ?? ''}]`);
  });

  app.post('/restapi/oauth/revoke', throttle('Auth', tokenRequestSubject), async (c) => {
    const form = await readForm(c);
    authenticateClient(c);
    const token = form.get('token');
    if (token) c.get('sim').tokens.revoke(token);
    return c.body(null, 200);
  });

  return app;
}
