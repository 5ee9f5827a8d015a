import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { LuaScript, luaScript } from '../../src/store/lua-script.ts';
import { redisFixture } from './redis-fixture.ts';
import { onCluster } from '../support/redis-url.ts';

const fx = redisFixture();
afterAll(() => fx.close());

describe('LuaScript', () => {
  // On a cluster a keyless script and SCRIPT EXISTS each go to any one node, so "the server" is not one server.
  it.skipIf(onCluster)('falls back to EVAL when the server does not know the script, then uses EVALSHA', async () => {
    // A unique source is unknown to the server, so the first run takes the NOSCRIPT path.
    const script = new LuaScript('echo-0.lua', `-- ${randomUUID()}\nreturn ARGV[1]`, 0);
    expect(await fx.redis.script('EXISTS', script.sha)).toEqual([0]);
    expect(await script.run(fx.redis, [], ['hello'])).toBe('hello');
    expect(await fx.redis.script('EXISTS', script.sha)).toEqual([1]);
    expect(await script.run(fx.redis, [], ['again'])).toBe('again');
  });

  it('refuses a wrong number of keys', async () => {
    const script = luaScript('reserve-extension-1.lua');
    expect(script.numberOfKeys).toBe(1);
    await expect(script.run(fx.redis, [], [])).rejects.toThrow(/expects 1 keys/);
  });

  it('takes any number of keys (at least one, to be routed by) for a <name>-n.lua script', async () => {
    const script = luaScript('fenced-writes-n.lua');
    expect(script.numberOfKeys).toBe('any');
    await expect(script.run(fx.redis, [], [])).rejects.toThrow(/expects any keys, got 0/);
  });

  it('passes script errors through', async () => {
    const script = new LuaScript('boom-0.lua', `-- ${randomUUID()}\nreturn redis.error_reply('boom')`, 0);
    await expect(script.run(fx.redis, [])).rejects.toThrow(/boom/);
  });

  it('loads each file once and insists on the <name>-<nkeys>.lua convention', () => {
    expect(luaScript('release-extension-1.lua')).toBe(luaScript('release-extension-1.lua'));
    expect(() => luaScript('no-suffix.lua')).toThrow(/<name>-<nkeys>\.lua/);
  });
});
