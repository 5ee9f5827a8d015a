/**
 * Logging in and out: `/login` (throttled per address, locked out per account and per address after repeated
 * failures), `/logout`, `/logout-everywhere`, and `/setup` (the first admin, with the one-time bootstrap secret).
 * A login always issues a new session id, so an id planted in a victim's browser before login is never promoted
 * (session fixation). The login and setup forms carry a double-submit token against login CSRF.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { deleteCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { z } from 'zod';
import { LoginPage, SetupPage } from '../../../views/login-page.tsx';
import { IN_PROCESS } from './auth-services.ts';
import type { AuthServices } from './auth-services.ts';
import type { AuthVariables } from './auth-context.ts';
import { useBootstrapSecret } from './bootstrap.ts';
import { passwordProblem } from './password.ts';
import { USERNAME, USERNAME_RULE, UserError } from './user-store.ts';
import { localPath, loginQuery, pageQuery } from '../page-queries.ts';

const loginForm = z.object({
  username: z.string().trim().toLowerCase().max(64).catch(''),
  password: z.string().max(1024).catch(''),
  next: localPath,
  _login_csrf: z.string().max(128).catch(''),
});

const setupForm = z.object({
  secret: z.string().trim().max(256).catch(''),
  username: z.string().trim().toLowerCase().max(64).catch(''),
  password: z.string().max(1024).catch(''),
  _login_csrf: z.string().max(128).catch(''),
});

export function loginRoutes(auth: AuthServices): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const loginCsrfCookie = auth.secureCookies ? '__Host-hh_login_csrf' : 'hh_login_csrf';
  // Defense in depth: the browser's Origin / Sec-Fetch-Site must be ours for the login and setup posts.
  const sameOrigin = csrf();

  const issueLoginCsrf = (c: Context): string => {
    // Reuse the browser's token: a second tab (or the favicon's redirect here) must not void the first form.
    const existing = getCookie(c, loginCsrfCookie);
    const token = existing && /^[A-Za-z0-9_-]{32}$/.test(existing) ? existing : randomBytes(24).toString('base64url');
    setCookie(c, loginCsrfCookie, token, { httpOnly: true, secure: auth.secureCookies, sameSite: 'Strict', path: '/', maxAge: 3600 });
    return token;
  };
  const loginCsrfOk = (c: Context, presented: string): boolean => {
    const expected = getCookie(c, loginCsrfCookie);
    if (!expected || presented.length !== expected.length) return false;
    return timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
  };

  /** A new session for the user: the old session (if any) ends, the cookie gets a fresh id. */
  const startSession = async (c: Context, username: string): Promise<void> => {
    const previous = await getSignedCookie(c, auth.sessionSecret, auth.cookieName);
    if (previous) await auth.sessions.end(previous);
    const session = await auth.sessions.create(username);
    await setSignedCookie(c, auth.cookieName, session.id, auth.sessionSecret, {
      httpOnly: true,
      secure: auth.secureCookies,
      sameSite: 'Lax',
      path: '/',
      maxAge: Math.floor(auth.sessions.limits.absoluteMs / 1000),
    });
    deleteCookie(c, loginCsrfCookie, { path: '/', secure: auth.secureCookies });
  };

  const loginPage = (c: Context, status: 200 | 400 | 401 | 403 | 429, values: { next: string; username: string; error?: string; notice?: string }) =>
    c.html(<LoginPage model={{ ...values, csrf: issueLoginCsrf(c) }} />, status);

  app.get('/login', async (c) => {
    if ((await auth.users.count()) === 0) return c.redirect('/setup', 303);
    const query = pageQuery(c, loginQuery);
    const notice = query.out ? 'You are logged out.' : query.expired ? 'Your session has ended: log in again.' : undefined;
    return loginPage(c, 200, { next: query.next, username: '', ...(notice ? { notice } : {}) });
  });

  app.post('/login', sameOrigin, async (c) => {
    const ip = auth.clientIp(c);
    const rate = await auth.hitAddress('login', ip);
    const form = loginForm.parse(await readForm(c));
    const { next } = form;
    if (!rate.allowed) return loginPage(c, 429, { next, username: form.username, error: `Too many login attempts from your address: try again in ${rate.retryAfterSeconds} s.` });
    if (!loginCsrfOk(c, form._login_csrf)) return loginPage(c, 403, { next, username: form.username, error: 'The login form expired: please try again.' });
    if (!USERNAME.test(form.username) || form.password === '') {
      return loginPage(c, 400, { next, username: form.username, error: 'Enter your username and password.' });
    }
    const address = ip === IN_PROCESS ? undefined : ip;
    const locked = await auth.throttle.lockedFor(form.username, address);
    if (locked > 0) {
      auth.log.warn({ user: form.username, ip }, 'login refused: locked out');
      return loginPage(c, 429, { next, username: form.username, error: `Too many failed logins: try again in ${Math.ceil(locked / 60)} minutes.` });
    }
    const user = await auth.users.authenticate(form.username, form.password);
    if (!user) {
      const lockedNow = await auth.throttle.failed(form.username, address);
      auth.log.warn({ user: form.username, ip, locked: lockedNow }, 'login failed');
      await auth.audit({ actor: form.username, action: lockedNow ? 'login.locked' : 'login.failed', target: '', outcome: '401', ip });
      return loginPage(c, 401, { next, username: form.username, error: 'Wrong username or password.' });
    }
    await auth.throttle.succeeded(user.username);
    await startSession(c, user.username);
    await auth.audit({ actor: user.username, action: 'login', target: '', outcome: '303', ip });
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    const id = await getSignedCookie(c, auth.sessionSecret, auth.cookieName);
    if (id) await auth.sessions.end(id);
    deleteCookie(c, auth.cookieName, { path: '/', secure: auth.secureCookies });
    return c.redirect('/login?out=1', 303);
  });

  app.post('/logout-everywhere', async (c) => {
    await auth.sessions.endAll(c.get('auth').username);
    deleteCookie(c, auth.cookieName, { path: '/', secure: auth.secureCookies });
    return c.redirect('/login?out=1', 303);
  });

  const setupPage = (c: Context, status: 200 | 400 | 401 | 403 | 409 | 429, model: { username: string; errors?: Record<string, string>; formError?: string }) =>
    c.html(<SetupPage model={{ csrf: issueLoginCsrf(c), values: { username: model.username }, errors: model.errors ?? {}, ...(model.formError ? { formError: model.formError } : {}) }} />, status);

  app.get('/setup', async (c) => {
    if ((await auth.users.count()) > 0) return c.redirect('/login', 303);
    return setupPage(c, 200, { username: '' });
  });

  app.post('/setup', sameOrigin, async (c) => {
    const ip = auth.clientIp(c);
    const rate = await auth.hitAddress('login', ip);
    const form = setupForm.parse(await readForm(c));
    if (!rate.allowed) return setupPage(c, 429, { username: form.username, formError: `Too many attempts from your address: try again in ${rate.retryAfterSeconds} s.` });
    if ((await auth.users.count()) > 0) return c.redirect('/login', 303);
    if (!loginCsrfOk(c, form._login_csrf)) return setupPage(c, 403, { username: form.username, formError: 'The form expired: please try again.' });
    const errors: Record<string, string> = {};
    if (!USERNAME.test(form.username)) errors.username = USERNAME_RULE;
    const problem = passwordProblem(form.password);
    if (problem) errors.password = problem;
    if (form.secret === '') errors.secret = 'Enter the bootstrap secret the server printed.';
    if (Object.keys(errors).length > 0) return setupPage(c, 400, { username: form.username, errors });
    if (!(await useBootstrapSecret(auth, form.secret))) {
      auth.log.warn({ ip }, 'first-admin setup refused: wrong or expired bootstrap secret');
      await auth.audit({ actor: form.username, action: 'user.create-first-admin.failed', target: '', outcome: '401', ip });
      return setupPage(c, 401, { username: form.username, errors: { secret: 'Wrong or expired bootstrap secret (it is valid once, for 24 h after the start that printed it).' } });
    }
    try {
      await auth.users.create({ username: form.username, password: form.password, role: 'admin', createdBy: 'bootstrap-secret' }, { onlyIfNoUsers: true });
    } catch (error) {
      if (error instanceof UserError) return setupPage(c, error.status === 409 ? 409 : 400, { username: form.username, formError: error.message });
      throw error;
    }
    await startSession(c, form.username);
    await auth.audit({ actor: form.username, action: 'user.create-first-admin', target: `username=${form.username}`, outcome: '303', ip });
    return c.redirect('/', 303);
  });

  return app;
}

/** The form's fields as strings (anything else, e.g. an uploaded file, reads as absent). */
async function readForm(c: Context): Promise<Record<string, string>> {
  let body: Record<string, unknown> = {};
  try {
    body = await c.req.parseBody();
  } catch {
    body = {};
  }
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
