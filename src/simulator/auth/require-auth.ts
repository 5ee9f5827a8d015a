/** Bearer-token check for every /restapi/v1.0 route: 401 with RingCentral's OAU codes otherwise. */
import type { MiddlewareHandler } from 'hono';
import type { SimEnv } from '../sim-env.ts';
import { RcError } from '../rc-error.ts';

export const requireAuth: MiddlewareHandler<SimEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  if (!header) throw new RcError(401, 'OAU-123', 'Authorization header is not specified');
  const match = /^bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw new RcError(401, 'OAU-129', 'Access token corrupted');
  const accessToken = match[1];
  const check = c.get('sim').tokens.checkAccess(accessToken);
  if (!check.ok) {
    throw check.reason === 'expired'
      ? new RcError(401, 'OAU-128', 'Access token expired')
      : new RcError(401, 'OAU-129', 'Access token corrupted');
  }
  c.set('auth', {
    accessToken,
    clientId: check.clientId,
    extensionId: check.extensionId,
    rateSubject: `${check.extensionId}:${check.clientId}`,
  });
  await next();
};
