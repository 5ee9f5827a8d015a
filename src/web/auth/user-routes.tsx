/**
 * The dashboard's user pages: `/users` (admins manage users and their tokens), `/account` (everyone: own password
 * and API tokens) and `/audit` (admins read the audit log). Access is decided by the policy table; these handlers
 * only validate input and call the stores.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { AccountPage, UsersPage } from '../../../views/users-page.tsx';
import type { UsersModel } from '../../../views/users-page.tsx';
import { AuditPage } from '../../../views/audit-page.tsx';
import type { FieldErrors } from '../../../views/form-field.tsx';
import type { AuthServices } from './auth-services.ts';
import type { AuthVariables } from './auth-context.ts';
import { authKeys } from '../../store/redis-keys.ts';
import { randomPassword } from './password.ts';
import { isRole } from './roles.ts';
import { changePassword, createToken, removeUser, scopesFor } from './user-admin.ts';
import { UserError } from './user-store.ts';
import { pathParams, tokenParams, usernameParams } from '../route-params.ts';
import { auditQuerySchema } from './user-api.ts';
import { noticeQuery, pageQuery } from '../page-queries.ts';

type Env = { Variables: AuthVariables };

const text = z.string().max(1024).catch('');
const usersForm = z.object({ username: text.transform((v) => v.trim().toLowerCase()), role: text, password: text });
const accountForm = z.object({ name: text.transform((v) => v.trim()), scope: text, current: text, password: text });

export function userRoutes(auth: AuthServices): Hono<Env> {
  const app = new Hono<Env>();

  const usersPage = async (c: Context<Env>, extra: Partial<UsersModel> = {}, status: 200 | 400 | 404 | 409 = 200) => {
    const users = await auth.users.list();
    const rows = await Promise.all(
      users.map(async (u) => ({
        ...u,
        sessions: await auth.sessions.count(u.username),
        tokens: await auth.tokens.list(u.username),
        locked: (await auth.store.exists(authKeys.loginLock('account', u.username))) === 1,
      })),
    );
    return c.html(<UsersPage model={{ users: rows, self: c.get('auth').username, errors: {}, values: { username: '', role: 'viewer' }, ...extra }} />, status);
  };
  const refusal = (c: Context<Env>, error: unknown) => {
    if (!(error instanceof UserError)) throw error;
    return usersPage(c, { errors: { [error.field ?? 'username']: error.message } }, error.status);
  };
  const param = (c: Context<Env>) => c.req.param('username') ?? '';

  app.get('/users', (c) => {
    const notice = pageQuery(c, noticeQuery(doneNotice));
    return usersPage(c, notice ? { notice } : {});
  });

  app.post('/users', async (c) => {
    const form = usersForm.parse(await c.req.parseBody());
    const role = isRole(form.role) ? form.role : 'viewer';
    const generated = form.password === '';
    const password = generated ? randomPassword() : form.password;
    try {
      await auth.users.create({ username: form.username, password, role, createdBy: c.get('auth').username });
      c.set('auditTarget', `username=${form.username} role=${role}`);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return usersPage(c, { errors: { [error.field ?? 'username']: error.message }, values: { username: form.username, role } }, error.status);
    }
    return usersPage(c, { notice: `User ${form.username} added as ${role}.`, ...(generated ? { secret: { username: form.username, password } } : {}) });
  });

  app.post('/users/:username/role', async (c) => {
    if (!pathParams(c, usernameParams)) return refusal(c, new UserError(404, `No user ${param(c)}.`));
    const form = usersForm.parse(await c.req.parseBody());
    if (!isRole(form.role)) return usersPage(c, { errors: { role: 'Role must be admin, operator or viewer.' } }, 400);
    c.set('auditTarget', `role=${form.role}`);
    try {
      await auth.users.setRole(param(c), form.role);
    } catch (error) {
      return refusal(c, error);
    }
    return c.redirect('/users?done=role', 303);
  });

  app.post('/users/:username/password', async (c) => {
    if (!pathParams(c, usernameParams)) return refusal(c, new UserError(404, `No user ${param(c)}.`));
    const password = randomPassword();
    try {
      await changePassword(auth, param(c), password);
    } catch (error) {
      return refusal(c, error);
    }
    return usersPage(c, { notice: `Password of ${param(c)} reset; their sessions ended.`, secret: { username: param(c), password } });
  });

  app.post('/users/:username/logout', async (c) => {
    if (!pathParams(c, usernameParams)) return refusal(c, new UserError(404, `No user ${param(c)}.`));
    if (!(await auth.users.get(param(c)))) return refusal(c, new UserError(404, `No user ${param(c)}.`));
    await auth.sessions.endAll(param(c));
    return c.redirect('/users?done=logout', 303);
  });

  app.post('/users/:username/unlock', async (c) => {
    if (!pathParams(c, usernameParams)) return refusal(c, new UserError(404, `No user ${param(c)}.`));
    if (!(await auth.users.get(param(c)))) return refusal(c, new UserError(404, `No user ${param(c)}.`));
    await auth.throttle.unlock(param(c));
    return c.redirect('/users?done=unlock', 303);
  });

  app.post('/users/:username/delete', async (c) => {
    if (!pathParams(c, usernameParams)) return refusal(c, new UserError(404, `No user ${param(c)}.`));
    if (param(c) === c.get('auth').username) return usersPage(c, { errors: { username: 'You cannot remove yourself.' } }, 409);
    try {
      await removeUser(auth, param(c));
    } catch (error) {
      return refusal(c, error);
    }
    return c.req.header('HX-Request') ? c.body(null, 204, { 'HX-Redirect': '/users?done=removed' }) : c.redirect('/users?done=removed', 303);
  });

  app.post('/users/tokens/:id/revoke', async (c) => {
    const params = pathParams(c, tokenParams);
    if (!params) return c.text(`No API token ${c.req.param('id')}.`, 404);
    await auth.tokens.revoke(params.id);
    return c.redirect('/users?done=revoked', 303);
  });

  // ---- One's own account --------------------------------------------------------------------------------------
  const accountPage = async (c: Context<Env>, extra: { errors?: FieldErrors; notice?: string; newToken?: { name: string; token: string } } = {}, status: 200 | 400 | 401 = 200) => {
    const me = c.get('auth');
    return c.html(<AccountPage model={{ username: me.username, role: me.role, tokens: await auth.tokens.list(me.username), scopes: scopesFor(me.role), errors: {}, ...extra }} />, status);
  };

  app.get('/account', (c) => {
    const notice = pageQuery(c, noticeQuery(doneNotice));
    return accountPage(c, notice ? { notice } : {});
  });

  app.post('/account/tokens', async (c) => {
    const form = accountForm.parse(await c.req.parseBody());
    try {
      const { token, info } = await createToken(auth, c.get('auth'), form.name, form.scope);
      c.set('auditTarget', `token=${info.id} scope=${info.scope}`);
      return accountPage(c, { newToken: { name: info.name, token } });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return accountPage(c, { errors: { [error.field === 'role' ? 'scope' : 'name']: error.message } }, 400);
    }
  });

  app.post('/account/tokens/:id/revoke', async (c) => {
    const params = pathParams(c, tokenParams);
    if (!params) return c.text(`No API token ${c.req.param('id')}.`, 404);
    const info = await auth.tokens.get(params.id);
    // Someone else's token id reads as "no such token": ids are not secrets, but ownership is checked.
    if (info?.username === c.get('auth').username) await auth.tokens.revoke(info.id);
    return c.redirect('/account?done=revoked', 303);
  });

  app.post('/account/password', async (c) => {
    const me = c.get('auth');
    const form = accountForm.parse(await c.req.parseBody());
    if (!(await auth.users.authenticate(me.username, form.current))) return accountPage(c, { errors: { current: 'That is not your current password.' } }, 401);
    try {
      await changePassword(auth, me.username, form.password);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return accountPage(c, { errors: { password: error.message } }, 400);
    }
    return c.redirect('/login?out=1', 303);
  });

  // ---- Audit log ------------------------------------------------------------------------------------------------
  app.get('/audit', async (c) => {
    const q = pageQuery(c, auditQuerySchema);
    const filters = { actor: q.actor ?? '', action: q.action ?? '' };
    const count = 100;
    const entries = await auth.auditLog.read({ count, ...filters, ...(q.before ? { before: q.before } : {}) });
    const older = entries.length === count ? entries.at(-1)?.id : undefined;
    return c.html(<AuditPage model={{ entries, filters, ...(older ? { older } : {}) }} />);
  });

  return app;
}

function doneNotice(done: string): string | undefined {
  return ({ role: 'Role changed.', logout: 'Their sessions have ended.', unlock: 'Login lock lifted.', removed: 'User removed; their sessions and tokens ended.', revoked: 'Token revoked.' } as Record<string, string>)[done];
}
