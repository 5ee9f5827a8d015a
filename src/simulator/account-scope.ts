import type { MiddlewareHandler } from 'hono';
import type { SimEnv } from './sim-env.ts';
import { notFound } from './rc-error.ts';

/** `:accountId` must be `~` or the simulated account's id, as on RingCentral. */
export const accountScope: MiddlewareHandler<SimEnv> = async (c, next) => {
  const accountId = c.req.param('accountId');
  if (accountId !== undefined && accountId !== '~' && accountId !== c.get('sim').directory.accountId) {
    throw notFound('accountId', accountId);
  }
  await next();
};
