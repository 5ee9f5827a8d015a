/**
 * The one hook every dashboard route passes through. Today it lets everyone in as "operator"; the users-and-roles
 * issue replaces the body of `dashboardAuth` (session cookie, role checks) and nothing else needs to change.
 */
import type { MiddlewareHandler } from 'hono';

export interface DashboardVariables {
  /** Who is at the dashboard, recorded as `by` on hunts and operator commands. */
  operator: string;
}

export const ANONYMOUS_OPERATOR = 'operator';

export function dashboardAuth(): MiddlewareHandler<{ Variables: DashboardVariables }> {
  return async (c, next) => {
    c.set('operator', ANONYMOUS_OPERATOR);
    await next();
  };
}
