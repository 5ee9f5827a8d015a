/**
 * Users in Redis: a username, a role and an argon2id password hash. Deleting a user or changing their password
 * ends their sessions and (on delete) revokes their API tokens, so access stops at once.
 */
import type { Redis } from 'ioredis';
import { authKeys } from '../../store/redis-keys.ts';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { isRole } from './roles.ts';
import type { Role } from './roles.ts';

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
export const USERNAME_RULE = 'Username must be 2 to 32 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.';

export interface User {
  username: string;
  role: Role;
  createdAt: number;
  createdBy: string;
}

export class UserError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: 'username' | 'password' | 'role',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export class UserStore {
  constructor(private readonly redis: Redis) {}

  async get(username: string): Promise<User | undefined> {
    if (!USERNAME.test(username)) return undefined;
    const record = await this.redis.hgetall(authKeys.user(username));
    return toUser(username, record);
  }

  async list(): Promise<User[]> {
    const names = (await this.redis.smembers(authKeys.users)).sort();
    const users = await Promise.all(names.map((name) => this.get(name)));
    return users.filter((u): u is User => u !== undefined);
  }

  async count(): Promise<number> {
    return this.redis.scard(authKeys.users);
  }

  /** Creates a user; refuses a taken name. `onlyIfNoUsers` makes it the first-admin path (atomic with the check). */
  async create(input: { username: string; password: string; role: Role; createdBy: string }, options: { onlyIfNoUsers?: boolean } = {}): Promise<User> {
    if (!USERNAME.test(input.username)) throw new UserError(400, USERNAME_RULE, 'username');
    const problem = passwordProblem(input.password);
    if (problem) throw new UserError(400, problem, 'password');
    if (!isRole(input.role)) throw new UserError(400, 'Role must be admin, operator or viewer.', 'role');
    const passwordHash = await hashPassword(input.password);
    const user: User = { username: input.username, role: input.role, createdAt: Date.now(), createdBy: input.createdBy };
    const key = authKeys.user(input.username);
    // The users set is the claim (atomic with the first-admin check); the record follows. One key per step, so the
    // same code runs on a Redis Cluster (the set and the record are in different slots). A record that failed to
    // be written gives its name back; `list` skips a name without a record.
    const created = (await this.redis.eval(
      `if ARGV[2] == '1' and redis.call('SCARD', KEYS[1]) > 0 then return -1 end
       return redis.call('SADD', KEYS[1], ARGV[1])`,
      1,
      authKeys.users,
      input.username,
      options.onlyIfNoUsers ? '1' : '0',
    )) as number;
    if (created === 1) {
      await this.redis
        .hset(key, 'role', user.role, 'passwordHash', passwordHash, 'createdAt', String(user.createdAt), 'createdBy', user.createdBy)
        .catch(async (error: unknown) => {
          await this.redis.srem(authKeys.users, input.username).catch(() => undefined);
          throw error;
        });
    }
    if (created === -1) throw new UserError(409, 'The first admin exists already: log in, or ask an admin for an account.');
    if (created === 0) throw new UserError(409, `User ${input.username} exists already.`, 'username');
    return user;
  }

  /** The user when the password is theirs; the same work (one argon2id verify) whether or not the user exists. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const record = USERNAME.test(username) ? await this.redis.hgetall(authKeys.user(username)) : {};
    const user = toUser(username, record);
    const ok = await verifyPassword(user ? (record.passwordHash ?? '') : await decoyHash(), password);
    return user && ok ? user : undefined;
  }

  async setRole(username: string, role: Role): Promise<User> {
    const user = await this.require(username);
    if (!isRole(role)) throw new UserError(400, 'Role must be admin, operator or viewer.', 'role');
    if (user.role === 'admin' && role !== 'admin') await this.keepAnAdmin(username);
    await this.redis.hset(authKeys.user(username), 'role', role);
    return { ...user, role };
  }

  async setPassword(username: string, password: string): Promise<void> {
    await this.require(username);
    const problem = passwordProblem(password);
    if (problem) throw new UserError(400, problem, 'password');
    await this.redis.hset(authKeys.user(username), 'passwordHash', await hashPassword(password));
  }

  /** Removes the user's record; the caller ends their sessions and revokes their tokens. */
  async delete(username: string): Promise<void> {
    const user = await this.require(username);
    if (user.role === 'admin') await this.keepAnAdmin(username);
    await this.redis.multi().del(authKeys.user(username)).srem(authKeys.users, username).exec();
  }

  private async require(username: string): Promise<User> {
    const user = await this.get(username);
    if (!user) throw new UserError(404, `No user ${username}.`, 'username');
    return user;
  }

  /** Nobody may remove or demote the last admin: the firm would be locked out of its own settings. */
  private async keepAnAdmin(leaving: string): Promise<void> {
    const admins = (await this.list()).filter((u) => u.role === 'admin' && u.username !== leaving);
    if (admins.length === 0) throw new UserError(409, 'This is the last admin: make another user admin first.', 'role');
  }
}

function toUser(username: string, record: Record<string, string>): User | undefined {
  if (!record.passwordHash || !isRole(record.role)) return undefined;
  return { username, role: record.role, createdAt: Number(record.createdAt) || 0, createdBy: record.createdBy ?? '' };
}
