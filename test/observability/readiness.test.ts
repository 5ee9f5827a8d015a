/**
 * /readyz goes 503 naming the failing part when Redis goes down or RingCentral auth is lost, and back to 200 once
 * it recovers — with no restart: Redis reconnects, the login is redone with the JWT, the subscription is checked
 * again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { control } from '../support/simulator-harness.ts';
import { startOpsRig } from './ops-rig.ts';
import type { OpsRig } from './ops-rig.ts';

let rig: OpsRig;

beforeAll(async () => {
  rig = await startOpsRig();
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

const readyAgain = () => eventually(async () => ((await rig.readyz()).status === 200 ? true : undefined), 20_000, 100);

describe('/readyz', () => {
  it('is 200 with every check passing once the instance is up', async () => {
    await readyAgain();
    const { body } = await rig.readyz();
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['accepting', 'redis', 'ringcentral', 'subscription', 'workers']);
    expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
  }, 30_000);

  it('goes 503 naming redis while Redis is down, and 200 again after it is back', async () => {
    await readyAgain();
    await rig.redisServer.kill();
    const down = await eventually(async () => {
      const r = await rig.readyz();
      return r.status === 503 && r.body.failing?.includes('redis') ? r : undefined;
    }, 15_000, 100);
    expect(down.body.status).toBe('not ready');
    expect(down.body.checks.redis?.error).toBeTruthy();
    expect(down.body.checks.ringcentral?.ok).toBe(true);

    await rig.redisServer.start();
    await readyAgain();
  }, 60_000);

  it('goes 503 naming ringcentral while the login is refused, and 200 again once it works (re-login with the JWT)', async () => {
    await readyAgain();
    // Every session ends and JWT logins are refused: the keeper's next request gets 401, the refresh fails.
    await control(rig.sim, 'POST', '/_sim/auth', { revokeSessions: true, refuseLogins: true });
    const down = await eventually(async () => {
      const r = await rig.readyz();
      return r.status === 503 && r.body.failing?.includes('ringcentral') ? r : undefined;
    }, 15_000, 100);
    expect(down.body.checks.ringcentral?.error).toMatch(/RingCentral login failing/);
    expect(down.body.checks.redis?.ok).toBe(true);

    await control(rig.sim, 'POST', '/_sim/auth', { refuseLogins: false });
    await readyAgain();
    expect(rig.account.authHealth()).toEqual({ ok: true });
  }, 60_000);
});
