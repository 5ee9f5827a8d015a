/**
 * Users, sessions, API tokens, login lock-outs, rate limits and the audit log on a real 3-master Redis Cluster
 * (scripts/redis-cluster.ts): the stores' scripts and transactions work across slots as on a single Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startRedisCluster } from '../../scripts/redis-cluster.ts';
import type { LocalRedisCluster } from '../../scripts/redis-cluster.ts';
import { closeRedis, createRedis } from '../../src/store/redis-client.ts';
import { AuthServices } from '../../src/web/auth/auth-services.ts';
import { changePassword, removeUser } from '../../src/web/auth/user-admin.ts';
import { runTag } from './web-fixtures.ts';

let cluster: LocalRedisCluster;
let redis: Redis;

beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = createRedis(cluster.url, { name: 'hh-auth-cluster-test' });
}, 60_000);

afterAll(async () => {
  if (redis) await closeRedis(redis);
  await cluster?.stop();
});

describe('auth on a Redis Cluster', () => {
  it('creates users (the first admin only once), sessions and tokens, and ends and revokes them', async () => {
    const auth = new AuthServices({ redis });
    const admin = `boss-${runTag()}`;
    await auth.users.create({ username: admin, password: 'a long enough passphrase', role: 'admin', createdBy: 'test' }, { onlyIfNoUsers: true });
    await expect(auth.users.create({ username: `x-${runTag()}`, password: 'a long enough passphrase', role: 'admin', createdBy: 'test' }, { onlyIfNoUsers: true })).rejects.toThrow(/first admin exists/);
    const name = `op-${runTag()}`;
    await auth.users.create({ username: name, password: 'a long enough passphrase', role: 'operator', createdBy: admin });
    expect((await auth.users.authenticate(name, 'a long enough passphrase'))?.role).toBe('operator');

    const a = await auth.sessions.create(name);
    const b = await auth.sessions.create(name);
    expect((await auth.sessions.touch(a.id))?.username).toBe(name);
    const { token, info } = await auth.tokens.create(name, 'script', 'operate');
    expect((await auth.tokens.verify(token))?.id).toBe(info.id);

    await changePassword(auth, name, 'another long passphrase');
    expect(await auth.sessions.touch(a.id)).toBeUndefined();
    expect(await auth.sessions.touch(b.id)).toBeUndefined();

    expect(await auth.throttle.failed(name, '10.9.9.9')).toBe(false);
    expect((await auth.limiter.hit('api', `user:${name}`, { limit: 1, windowMs: 60_000 })).allowed).toBe(true);
    expect((await auth.limiter.hit('api', `user:${name}`, { limit: 1, windowMs: 60_000 })).allowed).toBe(false);
    await auth.audit({ actor: admin, action: 'user.create', target: `username=${name}`, outcome: '201', ip: 'x' });
    expect((await auth.auditLog.read({ count: 5 }))[0]?.actor).toBe(admin);

    await removeUser(auth, name);
    expect(await auth.users.get(name)).toBeUndefined();
    expect(await auth.tokens.verify(token)).toBeUndefined();
  }, 60_000);
});
