/**
 * What the users page and the users API both do, in one place: removing a user ends their sessions and revokes
 * their tokens; a password change ends every session; a token's scope may not exceed its owner's role.
 */
import type { AuthServices } from './auth-services.ts';
import { TOKEN_SCOPES, isTokenScope } from './api-token-store.ts';
import type { ApiTokenInfo, TokenScope } from './api-token-store.ts';
import { ROLES, roleAllows } from './roles.ts';
import type { Role } from './roles.ts';
import { UserError } from './user-store.ts';

export async function removeUser(auth: AuthServices, username: string): Promise<void> {
  await auth.users.delete(username);
  await auth.sessions.endAll(username);
  await auth.tokens.revokeAll(username);
}

/** Sets a new password and ends every session of the user (whoever knew the old one is out). */
export async function changePassword(auth: AuthServices, username: string, password: string): Promise<void> {
  await auth.users.setPassword(username, password);
  await auth.sessions.endAll(username);
}

/** The scopes a user of this role may give their tokens. */
export function scopesFor(role: Role): TokenScope[] {
  return (Object.keys(TOKEN_SCOPES) as TokenScope[]).filter((scope) => roleAllows(role, TOKEN_SCOPES[scope]));
}

export const TOKEN_NAME = /^[\w .:@-]{1,64}$/;

export async function createToken(auth: AuthServices, owner: { username: string; role: Role }, name: string, scope: unknown): Promise<{ token: string; info: ApiTokenInfo }> {
  if (!TOKEN_NAME.test(name)) throw new UserError(400, 'Token name must be 1 to 64 letters, digits, spaces or . : @ _ -', 'username');
  if (!isTokenScope(scope) || !scopesFor(owner.role).includes(scope)) {
    throw new UserError(400, `Scope must be one of ${scopesFor(owner.role).join(', ')} (a token cannot do more than your role).`, 'role');
  }
  return auth.tokens.create(owner.username, name, scope);
}

export const ROLE_LIST = ROLES.join(', ');
