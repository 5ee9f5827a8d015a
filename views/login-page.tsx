/**
 * The login page, and the first-admin page (shown while no user exists: it asks for the one-time bootstrap
 * secret printed at the first start). Both forms carry a login CSRF token (double-submit cookie).
 */
import { Layout } from './layout.tsx';
import { Field } from './form-field.tsx';
import type { FieldErrors } from './form-field.tsx';

export interface LoginModel {
  next: string;
  username: string;
  csrf: string;
  error?: string;
  notice?: string;
}

export function LoginPage(props: { model: LoginModel }) {
  const { model } = props;
  return (
    <Layout title="Log in">
      <div class="login">
        <h1>Log in</h1>
        {model.notice ? (
          <p class="banner demo" role="status">
            {model.notice}
          </p>
        ) : null}
        {model.error ? (
          <p class="banner bad-banner" role="alert" id="login-error">
            {model.error}
          </p>
        ) : null}
        <form method="post" action="/login" class="stack">
          <input type="hidden" name="_login_csrf" value={model.csrf} />
          <input type="hidden" name="next" value={model.next} />
          <Field name="username" label="Username" errors={{}}>
            <input id="username" name="username" type="text" autocomplete="username" required value={model.username} autofocus />
          </Field>
          <Field name="password" label="Password" errors={{}}>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </Field>
          <button type="submit">Log in</button>
        </form>
      </div>
    </Layout>
  );
}

export interface SetupModel {
  csrf: string;
  values: { username: string };
  errors: FieldErrors;
  formError?: string;
}

export function SetupPage(props: { model: SetupModel }) {
  const { model } = props;
  return (
    <Layout title="Create the first admin">
      <div class="login">
        <h1>Create the first admin</h1>
        <p>
          No user exists yet. Enter the one-time bootstrap secret this server printed when it first started (or run <code>hold-hunter user add &lt;name&gt; --role admin</code>
          on the server instead).
        </p>
        {model.formError ? (
          <p class="banner bad-banner" role="alert">
            {model.formError}
          </p>
        ) : null}
        <form method="post" action="/setup" class="stack" novalidate>
          <input type="hidden" name="_login_csrf" value={model.csrf} />
          <Field name="secret" label="Bootstrap secret" errors={model.errors}>
            <input id="secret" name="secret" type="password" autocomplete="off" required />
          </Field>
          <Field name="username" label="Admin username" errors={model.errors}>
            <input id="username" name="username" type="text" autocomplete="username" required value={model.values.username} />
          </Field>
          <Field name="password" label="Password (at least 12 characters)" errors={model.errors}>
            <input id="password" name="password" type="password" autocomplete="new-password" required />
          </Field>
          <button type="submit">Create admin and log in</button>
        </form>
      </div>
    </Layout>
  );
}
