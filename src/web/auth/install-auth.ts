/**
 * Puts the locked door on an app, in front of every route registered after it: hardening headers and CSP, CORS
 * for allow-listed origins only, one body size limit, unreadable form bodies refused with a 400, request-scoped
 * context for the views, the auth gate, and the auth routes themselves (login, users, account, audit pages and the users API). Call it first in createApp.
 */
import type { Hono } from 'hono';
import { contextStorage } from 'hono/context-storage';
import { authGate } from './auth-gate.ts';
import { AuthServices } from './auth-services.ts';
import type { AuthOptions } from './auth-services.ts';
import { apiCors, bodySizeLimit, formBodyGuard, hardeningHeaders } from './http-hardening.ts';
import { loginRoutes } from './login-routes.tsx';
import { userApi } from './user-api.ts';
import { userRoutes } from './user-routes.tsx';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's Variables: the gate sets its own
export function installAuth(app: Hono<any>, options: AuthOptions): AuthServices {
  const auth = new AuthServices(options);
  app.use('*', hardeningHeaders({ https: auth.secureCookies }));
  app.use('/api/*', apiCors(options.corsOrigins ?? []));
  app.use('*', bodySizeLimit());
  app.use('*', formBodyGuard());
  app.use('*', contextStorage());
  app.use('*', authGate(auth));
  if (auth.redis) {
    app.route('/', loginRoutes(auth));
    app.route('/', userRoutes(auth));
    app.route('/api/v1', userApi(auth));
  }
  return auth;
}
