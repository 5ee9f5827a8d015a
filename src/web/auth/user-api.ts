/**
 * The JSON API's users part (`/api/v1`): `GET /me`; admins' `GET|POST /users`, `PATCH|DELETE /users/:username`;
 * everyone's own tokens `GET|POST /tokens`, `DELETE /tokens/:id` (admins may revoke anyone's); admins'
 * `GET /audit`. Access is decided by the policy table; bodies are checked with zod here.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { apiError, readJsonBody, validationError } from '../api-errors.ts';
import type { AuthServices } from './auth-services.ts';
import type { AuthVariables } from './auth-context.ts';
import { ROLES } from './roles.ts';
import { TOKEN_SCOPES } from './api-token-store.ts';
import type { TokenScope } from './api-token-store.ts';
import { changePassword, createToken, removeUser } from './user-admin.ts';
import { UserError } from './user-store.ts';
import type { User } from './user-store.ts';
import { pathParams, tokenParams, usernameParams } from '../route-params.ts';

/** `GET /audit` (API and page): a junk field falls back to no filter / the first page. */
export const auditQuerySchema = z.object({
  count: z.coerce.number().int().min(1).max(500).catch(100),
  before: z.string().regex(/^\d+-\d+$/).optional().catch(undefined),
  actor: z.string().trim().max(64).optional().catch(undefined),
  action: z.string().trim().max(64).optional().catch(undefined),
});

const createUserSchema = z.strictObject({
  username: z.string({ error: 'must be a string' }).max(64),
  role: z.enum(ROLES, { error: 'must be admin, operator or viewer' }),
  password: z.string({ error: 'must be a string' }).max(1024),
});
const updateUserSchema = z.strictObject({
  role: z.enum(ROLES, { error: 'must be admin, operator or viewer' }).optional(),
  password: z.string({ error: 'must be a string' }).max(1024).optional(),
});
const createTokenSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).max(64),
  scope: z.enum(Object.keys(TOKEN_SCOPES) as [TokenScope, ...TokenScope[]], { error: 'must be read, operate or admin' }),
});

type Env = { Variables: AuthVariables };

const publicUser = (u: User) => ({ username: u.username, role: u.role, createdAt: new Date(u.createdAt).toISOString(), createdBy: u.createdBy });

export function userApi(auth: AuthServices): Hono<Env> {
  const api = new Hono<Env>();

  const userError = (c: Context, error: unknown) => {
    if (!(error instanceof UserError)) throw error;
    const code = error.status === 404 ? 'not_found' : error.status === 409 ? 'conflict' : 'invalid_request';
    return apiError(c, error.status, code, error.message, error.field ? { field: error.field } : {});
  };

  api.get('/me', (c) => {
    const me = c.get('auth');
    return c.json({ username: me.username, role: me.role, via: me.via });
  });

  api.get('/users', async (c) => c.json({ users: (await auth.users.list()).map(publicUser) }));

  api.post('/users', async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = createUserSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    try {
      const user = await auth.users.create({ ...parsed.data, username: parsed.data.username.trim().toLowerCase(), createdBy: c.get('auth').username });
      c.set('auditTarget', `username=${user.username} role=${user.role}`);
      return c.json(publicUser(user), 201);
    } catch (error) {
      return userError(c, error);
    }
  });

  api.patch('/users/:username', async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = updateUserSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    const username = c.req.param('username');
    try {
      if (!pathParams(c, usernameParams) || !(await auth.users.get(username))) throw new UserError(404, `No user ${username}.`, 'username');
      if (parsed.data.password !== undefined) await changePassword(auth, username, parsed.data.password);
      if (parsed.data.role !== undefined) await auth.users.setRole(username, parsed.data.role);
      c.set('auditTarget', [parsed.data.role ? `role=${parsed.data.role}` : '', parsed.data.password !== undefined ? 'password' : ''].filter(Boolean).join(' '));
      const user = await auth.users.get(username);
      return c.json(user ? publicUser(user) : {});
    } catch (error) {
      return userError(c, error);
    }
  });

  api.delete('/users/:username', async (c) => {
    const username = c.req.param('username');
    if (username === c.get('auth').username) return apiError(c, 409, 'conflict', 'You cannot remove yourself.');
    try {
      if (!pathParams(c, usernameParams)) throw new UserError(404, `No user ${username}.`, 'username');
      await removeUser(auth, username);
      return c.body(null, 204);
    } catch (error) {
      return userError(c, error);
    }
  });

  api.get('/tokens', async (c) => {
    const me = c.get('auth');
    return c.json({ tokens: (await auth.tokens.list(me.username)).map((t) => ({ ...t, createdAt: new Date(t.createdAt).toISOString() })) });
  });

  api.post('/tokens', async (c) => {
    const me = c.get('auth');
    if (me.via === 'bootstrap-token') return apiError(c, 409, 'conflict', 'The bootstrap API_TOKEN belongs to no user: create tokens as a user.');
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const parsed = createTokenSchema.safeParse(body.value);
    if (!parsed.success) return validationError(c, parsed.error, body.value);
    try {
      const { token, info } = await createToken(auth, me, parsed.data.name.trim(), parsed.data.scope);
      c.set('auditTarget', `token=${info.id} scope=${info.scope}`);
      return c.json({ token, id: info.id, name: info.name, scope: info.scope }, 201);
    } catch (error) {
      return userError(c, error);
    }
  });

  api.delete('/tokens/:id', async (c) => {
    const me = c.get('auth');
    const params = pathParams(c, tokenParams);
    const info = params ? await auth.tokens.get(params.id) : undefined;
    if (!info || (info.username !== me.username && me.role !== 'admin')) return apiError(c, 404, 'not_found', 'No such token.');
    await auth.tokens.revoke(info.id);
    return c.body(null, 204);
  });

  api.get('/audit', async (c) => {
    const q = auditQuerySchema.parse(c.req.query());
    const entries = await auth.auditLog.read({ count: q.count, ...(q.before ? { before: q.before } : {}), ...(q.actor ? { actor: q.actor } : {}), ...(q.action ? { action: q.action } : {}) });
    return c.json({ entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) });
  });

  return api;
}
