import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { ringCentralAccount, splitJwts } from '../../src/telephony/ringcentral-account.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import type { RateBudget } from '../../src/telephony/rate-budget.ts';
import { control, startTestSimulator, TEST_CREDENTIALS } from '../support/simulator-harness.ts';

describe('RC_JWT with several users', () => {
  it('splits on commas and white space', () => {
    expect(splitJwts(' a.b.c, d.e.f\n g.h.i ,, ')).toEqual(['a.b.c', 'd.e.f', 'g.h.i']);
    expect(splitJwts('')).toEqual([]);
  });

  it('refuses an empty list', () => {
    expect(() => ringCentralAccount({ server: 'http://127.0.0.1:1', clientId: 'c', clientSecret: 's', jwt: ' , ' }, new InMemoryRateBudget(), pino({ level: 'silent' }))).toThrow(/no RingCentral JWT/);
  });

  it('logs each user in on first use and spreads call-outs over their budgets', async () => {
    const sim = await startTestSimulator();
    try {
      const credentials = { server: sim.url, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret };
      const owner = ringCentralAccount({ ...credentials, jwt: TEST_CREDENTIALS.jwt }, new InMemoryRateBudget(), pino({ level: 'silent' }));
      const second = (await owner.telephony.listExtensions())[1];
      if (!second) throw new Error('the simulator has fewer than two users');
      const jwt2 = (await control<{ jwt: string }>(sim, 'POST', '/_sim/jwt', { extensionId: Number(second.id) })).jwt;
      const charged: string[] = [];
      const inner = new InMemoryRateBudget();
      const budget: RateBudget = {
        acquire: async (credential, group, priority, signal) => {
          charged.push(`${credential} ${group}`);
          await inner.acquire(credential, group, priority, signal);
        },
        tryAcquire: (credential, group, priority) => inner.tryAcquire(credential, group, priority),
        penalize: (credential, ms) => inner.penalize(credential, ms),
      };
      const account = ringCentralAccount({ ...credentials, jwt: `${TEST_CREDENTIALS.jwt},\n${jwt2}` }, budget, pino({ level: 'silent' }));
      expect(account.users).toBe(2);
      const extensions = await account.telephony.listExtensions();
      let deviceId: string | undefined;
      for (const extension of extensions) {
        deviceId = (await account.telephony.listDevices(extension.id)).find((d) => d.status === 'Online')?.id;
        if (deviceId) break;
      }
      expect(deviceId).toBeDefined();
      const calls = [];
      for (let i = 0; i < 2; i++) calls.push(await account.telephony.placeCall({ deviceId: deviceId as string, to: '+18668604259' }));
      for (const call of calls) await account.telephony.hangup(call.telephonySessionId);
      const heavy = charged.filter((c) => c.endsWith(' Heavy')).map((c) => c.split(' ')[0]);
      expect(new Set(heavy)).toEqual(new Set([`${TEST_CREDENTIALS.clientId}#1`, `${TEST_CREDENTIALS.clientId}#2`]));
      expect((await account.connect()).platform).toBeDefined();
    } finally {
      await sim.close();
    }
  });
});
