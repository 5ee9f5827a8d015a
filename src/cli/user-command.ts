/**
 * `hold-hunter user <add|list|remove|reset-password|unlock|logout>`: managing dashboard users from the server's
 * shell, where the first admin can be created without the bootstrap secret. Passwords are generated (printed
 * once) unless `--password-stdin` reads one from standard input.
 */
import { createInterface } from 'node:readline';
import { closeRedis, createRedis } from '../store/redis-client.ts';
import { AuthServices } from '../web/auth/auth-services.ts';
import { randomPassword } from '../web/auth/password.ts';
import { isRole } from '../web/auth/roles.ts';
import { changePassword, removeUser } from '../web/auth/user-admin.ts';
import { UserError } from '../web/auth/user-store.ts';

export const USER_USAGE = `Usage: hold-hunter user <command>

Commands:
  add <name> [--role admin|operator|viewer] [--password-stdin]
                          Create a user (role viewer by default); prints a generated password unless
                          --password-stdin reads one (at least 12 characters) from standard input.
  list                    List users with their roles.
  reset-password <name> [--password-stdin]
                          Set a new password (generated unless read from stdin) and end their sessions.
  logout <name>           End every session of the user.
  unlock <name>           Lift a login lock-out.
  remove <name>           Remove the user, end their sessions and revoke their API tokens.

Uses REDIS_URL (default redis://127.0.0.1:6379).`;

export async function runUserCommand(args: string[], redisUrl: string, io: { out: (line: string) => void; err: (line: string) => void; stdin?: NodeJS.ReadableStream } = { out: console.log, err: console.error }): Promise<number> {
  const [command, name] = args;
  const flag = (f: string) => args.includes(f);
  const option = (f: string) => {
    const i = args.indexOf(f);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (!command || command === 'help' || command === '--help') {
    io.out(USER_USAGE);
    return command ? 0 : 2;
  }
  const needsName = command !== 'list';
  if (needsName && (!name || name.startsWith('--'))) {
    io.err(`"user ${command}" needs a user name.\n\n${USER_USAGE}`);
    return 2;
  }
  const redis = createRedis(redisUrl, { name: 'hold-hunter-cli' });
  const auth = new AuthServices({ redis });
  const password = async () => (flag('--password-stdin') ? readLine(io.stdin ?? process.stdin) : randomPassword());
  try {
    switch (command) {
      case 'add': {
        const role = option('--role') ?? 'viewer';
        if (!isRole(role)) {
          io.err('--role must be admin, operator or viewer.');
          return 2;
        }
        const secret = await password();
        await auth.users.create({ username: name ?? '', password: secret, role, createdBy: 'cli' });
        io.out(`User ${name} added as ${role}.${flag('--password-stdin') ? '' : ` Password (shown once): ${secret}`}`);
        return 0;
      }
      case 'list': {
        const users = await auth.users.list();
        if (users.length === 0) io.out('No users yet.');
        for (const u of users) io.out(`${u.username}\t${u.role}\tcreated ${new Date(u.createdAt).toISOString()} by ${u.createdBy}`);
        return 0;
      }
      case 'reset-password': {
        const secret = await password();
        await changePassword(auth, name ?? '', secret);
        io.out(`Password of ${name} changed; their sessions ended.${flag('--password-stdin') ? '' : ` New password (shown once): ${secret}`}`);
        return 0;
      }
      case 'logout':
        io.out(`${await auth.sessions.endAll(name ?? '')} session(s) of ${name} ended.`);
        return 0;
      case 'unlock':
        await auth.throttle.unlock(name ?? '');
        io.out(`Login lock of ${name} lifted.`);
        return 0;
      case 'remove':
        await removeUser(auth, name ?? '');
        io.out(`User ${name} removed; their sessions and API tokens ended.`);
        return 0;
      default:
        io.err(`Unknown user command "${command}".\n\n${USER_USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UserError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await closeRedis(redis);
  }
}

async function readLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}
