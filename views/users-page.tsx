/**
 * `/users` (admins): every user with their role, live sessions and API tokens; create a user, change a role,
 * reset a password (the new one is shown once), end a user's sessions, lift a login lock, remove a user.
 * `/account` (everyone): change one's own password, one's API tokens (a new token is shown once), log out everywhere.
 */
import type { ApiTokenInfo, TokenScope } from '../src/web/auth/api-token-store.ts';
import type { User } from '../src/web/auth/user-store.ts';
import { ROLES } from '../src/web/auth/roles.ts';
import type { Role } from '../src/web/auth/roles.ts';
import { Layout } from './layout.tsx';
import { Field } from './form-field.tsx';
import type { FieldErrors } from './form-field.tsx';
import { Notice } from './page-parts.tsx';

export interface UserRow extends User {
  sessions: number;
  tokens: ApiTokenInfo[];
  locked: boolean;
}

export interface UsersModel {
  users: UserRow[];
  self: string;
  errors: FieldErrors;
  values: { username: string; role: Role };
  notice?: string;
  /** A password just set by an admin, shown once. */
  secret?: { username: string; password: string };
}

const when = (ms: number) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 16) : '–');

export function UsersPage(props: { model: UsersModel }) {
  const m = props.model;
  return (
    <Layout title="Users" section="users">
      <h1>Users</h1>
      <Notice text={m.notice} />
      {m.secret ? (
        <div class="banner demo" role="status" id="new-password">
          <p>
            New password of <strong>{m.secret.username}</strong> (shown once — hand it over safely):
          </p>
          <p class="secret">{m.secret.password}</p>
        </div>
      ) : null}
      <div class="table-wrap">
        <table id="users-table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Sessions</th>
              <th scope="col">API tokens</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {m.users.map((u) => (
              <tr id={`user-${u.username}`}>
                <th scope="row">
                  {u.username}
                  {u.username === m.self ? ' (you)' : ''}
                  {u.locked ? <span class="warn"> · locked out</span> : null}
                </th>
                <td>
                  <form method="post" action={`/users/${u.username}/role`} class="inline-field">
                    <label class="visually-hidden" for={`role-${u.username}`}>{`Role of ${u.username}`}</label>
                    <select id={`role-${u.username}`} name="role">
                      {ROLES.map((r) => (
                        <option value={r} selected={r === u.role}>
                          {r}
                        </option>
                      ))}
                    </select>
                    <button type="submit">Set</button>
                  </form>
                </td>
                <td>{u.sessions}</td>
                <td>
                  {u.tokens.length === 0 ? '–' : null}
                  <ul class="plain">
                    {u.tokens.map((t) => (
                      <li>
                        {t.name} ({t.scope})
                        <form method="post" action={`/users/tokens/${t.id}/revoke`} class="inline">
                          <button type="submit" aria-label={`Revoke token ${t.name} of ${u.username}`}>
                            Revoke
                          </button>
                        </form>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  {when(u.createdAt)} by {u.createdBy || '–'}
                </td>
                <td class="actions">
                  <form method="post" action={`/users/${u.username}/password`} class="inline">
                    <button type="submit" aria-label={`Reset password of ${u.username}`}>
                      Reset password
                    </button>
                  </form>
                  <form method="post" action={`/users/${u.username}/logout`} class="inline">
                    <button type="submit" aria-label={`Log out everywhere: ${u.username}`}>
                      Log out everywhere
                    </button>
                  </form>
                  {u.locked ? (
                    <form method="post" action={`/users/${u.username}/unlock`} class="inline">
                      <button type="submit" aria-label={`Unlock ${u.username}`}>
                        Unlock
                      </button>
                    </form>
                  ) : null}
                  {u.username === m.self ? null : (
                    <form method="post" action={`/users/${u.username}/delete`} class="inline" hx-post={`/users/${u.username}/delete`} hx-confirm={`Remove ${u.username}? Their sessions and tokens end now.`} hx-target="body">
                      <button type="submit" aria-label={`Remove ${u.username}`}>
                        Remove
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Add a user</h2>
      <form method="post" action="/users" class="stack" novalidate id="add-user">
        <Field name="username" label="Username" errors={m.errors}>
          <input id="username" name="username" type="text" autocomplete="off" value={m.values.username} required />
        </Field>
        <Field name="role" label="Role" errors={m.errors} hint="Viewer reads; operator also runs hunts; admin also manages users, settings, extensions, queues and destinations." hintId="role-hint">
          <select id="role" name="role" aria-describedby="role-hint">
            {ROLES.map((r) => (
              <option value={r} selected={r === m.values.role}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field name="password" label="Password (at least 12 characters; empty = generate one)" errors={m.errors}>
          <input id="password" name="password" type="password" autocomplete="new-password" />
        </Field>
        <button type="submit">Add user</button>
      </form>
    </Layout>
  );
}

export interface AccountModel {
  username: string;
  role: Role;
  tokens: ApiTokenInfo[];
  scopes: TokenScope[];
  errors: FieldErrors;
  notice?: string;
  /** A token just created, shown once. */
  newToken?: { name: string; token: string };
}

export function AccountPage(props: { model: AccountModel }) {
  const m = props.model;
  return (
    <Layout title="Your account" section="account">
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{m.username}</strong> ({m.role}).
      </p>
      <Notice text={m.notice} />
      {m.newToken ? (
        <div class="banner demo" role="status" id="new-token">
          <p>
            API token <strong>{m.newToken.name}</strong> (shown once — copy it now; send it as <code>Authorization: Bearer …</code>):
          </p>
          <p class="secret">{m.newToken.token}</p>
        </div>
      ) : null}

      <h2>API tokens</h2>
      {m.tokens.length === 0 ? <p>No API tokens.</p> : null}
      <ul class="plain" id="tokens">
        {m.tokens.map((t) => (
          <li>
            {t.name} ({t.scope}, created {when(t.createdAt)})
            <form method="post" action={`/account/tokens/${t.id}/revoke`} class="inline">
              <button type="submit" aria-label={`Revoke token ${t.name}`}>
                Revoke
              </button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action="/account/tokens" class="stack" novalidate id="new-token-form">
        <Field name="name" label="Token name (what uses it)" errors={m.errors}>
          <input id="name" name="name" type="text" autocomplete="off" required />
        </Field>
        <Field name="scope" label="Scope" errors={m.errors} hint="A token can never do more than your role allows." hintId="scope-hint">
          <select id="scope" name="scope" aria-describedby="scope-hint">
            {m.scopes.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </Field>
        <button type="submit">Create token</button>
      </form>

      <h2>Change password</h2>
      <form method="post" action="/account/password" class="stack" novalidate id="password-form">
        <Field name="current" label="Current password" errors={m.errors}>
          <input id="current" name="current" type="password" autocomplete="current-password" required />
        </Field>
        <Field name="password" label="New password (at least 12 characters)" errors={m.errors}>
          <input id="password" name="password" type="password" autocomplete="new-password" required />
        </Field>
        <button type="submit">Change password</button>
      </form>

      <h2>Sessions</h2>
      <form method="post" action="/logout-everywhere">
        <button type="submit" id="logout-everywhere">
          Log out everywhere
        </button>
      </form>
    </Layout>
  );
}
