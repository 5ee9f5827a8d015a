/** `hold-hunter user …` against real Redis: add with a generated or piped password, list, reset, remove. */
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runUserCommand } from '../../src/cli/user-command.ts';
import { UserStore } from '../../src/web/auth/user-store.ts';
import { REDIS_URL, runTag } from './web-fixtures.ts';
import { createRedis } from '../../src/store/redis-client.ts';
import { authKeys } from '../../src/store/redis-keys.ts';

const name = `cli-${runTag()}`;
const redis = createRedis(REDIS_URL);

afterAll(async () => {
  // Directly: "remove" refuses the last admin, which this one may be on a fresh Redis.
  await redis.del(authKeys.user(name));
  await redis.srem(authKeys.users, name);
  redis.disconnect();
});

function run(args: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  return runUserCommand(args, REDIS_URL, { out: (l) => out.push(l), err: (l) => err.push(l), ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }) }).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('hold-hunter user', () => {
  it('adds an admin with a generated password that logs in, refuses a taken name, lists, resets from stdin, removes', async () => {
    const added = await run(['add', name, '--role', 'admin']);
    expect(added.code).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(added.out)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(20);
    const users = new UserStore(redis);
    expect((await users.authenticate(name, password))?.role).toBe('admin');
    // The hash is argon2id; the password itself is nowhere in Redis.
    expect(await redis.hget(authKeys.user(name), 'passwordHash')).toMatch(/^\$argon2id\$/);

    expect(await run(['add', name])).toMatchObject({ code: 1, err: `User ${name} exists already.` });
    expect((await run(['list'])).out).toContain(`${name}\tadmin`);
    expect(await run(['reset-password', name, '--password-stdin'], 'too short\n')).toMatchObject({ code: 1, err: 'Password must be at least 12 characters.' });
    expect((await run(['reset-password', name, '--password-stdin'], 'a long enough passphrase\n')).code).toBe(0);
    expect(await users.authenticate(name, password)).toBeUndefined();
    expect(await users.authenticate(name, 'a long enough passphrase')).toBeDefined();
    expect((await run(['add', 'x y'])).code).toBe(1);
    expect((await run(['add', 'valid-name', '--role', 'root'])).code).toBe(2);
  });
});
