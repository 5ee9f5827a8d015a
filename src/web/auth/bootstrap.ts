/**
 * The first admin. `hold-hunter user add` creates one from the server's shell; otherwise, when no user exists at
 * start, a one-time bootstrap secret is printed (stdout, never the log) and `/setup` accepts it once to create the
 * first admin. Demo mode instead (re)creates `demo-admin` with a fresh random password printed at each start.
 */
import { randomBytes } from 'node:crypto';
import type { AuthServices } from './auth-services.ts';
import { authKeys } from '../../store/redis-keys.ts';
import { hashPassword, randomPassword, verifyPassword } from './password.ts';

export const DEMO_ADMIN = 'demo-admin';
/** How long a printed bootstrap secret stays valid. */
export const BOOTSTRAP_TTL_SECONDS = 24 * 3600;

export async function prepareFirstAdmin(auth: AuthServices, options: { demoMode: boolean; url: string; print: (line: string) => void }): Promise<void> {
  const { users } = auth;
  if (options.demoMode) {
    const password = randomPassword();
    if (await users.get(DEMO_ADMIN)) {
      await users.setPassword(DEMO_ADMIN, password);
      await auth.sessions.endAll(DEMO_ADMIN);
    } else {
      await users.create({ username: DEMO_ADMIN, password, role: 'admin', createdBy: 'demo-start' });
    }
    options.print(`Demo admin (this run only): log in at ${options.url}/login as ${DEMO_ADMIN} with password ${password}`);
    return;
  }
  if ((await users.count()) > 0) return;
  const secret = randomBytes(24).toString('base64url');
  await auth.store.set(authKeys.bootstrap, await hashPassword(secret), 'EX', BOOTSTRAP_TTL_SECONDS);
  options.print(
    `No users yet. Create the first admin at ${options.url}/setup with this one-time bootstrap secret (valid 24 h): ${secret}\n` +
      `  (or run "hold-hunter user add <name> --role admin" on the server)`,
  );
}

/** True once, for the right secret: the secret is deleted as it is used. */
export async function useBootstrapSecret(auth: AuthServices, secret: string): Promise<boolean> {
  const stored = await auth.store.get(authKeys.bootstrap);
  if (!stored || !(await verifyPassword(stored, secret))) return false;
  return (await auth.store.del(authKeys.bootstrap)) === 1;
}
