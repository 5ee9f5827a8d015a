/**
 * Bearer-token check for every /restapi/v1.0 route: 401 with RingCentral's codes otherwise. The API reference's
 * error tables give AGW-401 "Authorization header is not specified" and OAU-129 "Access token corrupted"; real
 * 401 replies also carry `WWW-Authenticate: Bearer realm="RingCentral REST API"` (RFC 6750) and no rate-limit
 * headers (the request is refused before it is counted).
 */
import type { MiddlewareHandler } from 'hono';
import type { SimEnv } from '../sim-env.ts';
import { RcError } from '../rc-error.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="RingCentral REST API"' };

function unauthorized(errorCode: string, message: string): RcError {
  return new RcError(401, errorCode, message, {}, undefined, CHALLENGE);
}

export const requireAuth: MiddlewareHandler<SimEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  if (!header?.trim()) throw unauthorized('AGW-401', 'Authorization header is not specified');
  const match = /^bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw unauthorized('AGW-402', 'Invalid Authorization header');
  const accessToken = match[1];
  const check = c.get('sim').tokens.checkAccess(accessToken);
  if (!check.ok) {
    throw check.reason === 'expired'
      ? unauthorized('OAU-128', 'Access token expired')
      : unauthorized('OAU-129', 'Access token corrupted');
  }
  c.set('auth', {
    accessToken,
    clientId: check.clientId,
    extensionId: check.extensionId,
    rateSubject: `${check.extensionId}:${check.clientId}`,
  });
  await next();
};
