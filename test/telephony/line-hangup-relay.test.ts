/** LineHangupRelay on real Redis: a hang-up reaches the thread that holds the line; nobody holding it means REST. */
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { LineHangupRelay } from '../../src/telephony/softphone/line-hangup-relay.ts';
import type { HeldLines } from '../../src/telephony/softphone/line-hangup-relay.ts';
import { redisFixture, uniqueId } from '../store/redis-fixture.ts';

const fx = redisFixture(2);
const relays: LineHangupRelay[] = [];
afterAll(async () => {
  await Promise.all(relays.map((r) => r.close()));
  await fx.close();
});

function holder(held: string[], hangUp: (id: string) => Promise<void> = async () => undefined): HeldLines & { hungUp: string[] } {
  const hungUp: string[] = [];
  return {
    hungUp,
    holds: (id) => held.includes(id),
    hangUpHeld: async (id) => {
      hungUp.push(id);
      await hangUp(id);
    },
  };
}

async function relay(lines: HeldLines, index = 0): Promise<LineHangupRelay> {
  const r = new LineHangupRelay({ redis: fx.clients[index]!, lines, log: pino({ level: 'silent' }), takeTimeoutMs: 300, doneTimeoutMs: 600 });
  relays.push(r);
  await r.start();
  return r;
}

describe('LineHangupRelay', () => {
  it('the holder takes the hang-up and ends the line; the requester learns it was taken', async () => {
    const line = uniqueId('session');
    const a = holder([line]);
    await relay(a, 0);
    const b = await relay(holder([]), 1);
    expect(await b.request(line)).toBe(true);
    expect(a.hungUp).toEqual([line]);
  });

  it("the holder's hang-up failing, or never finishing, leaves it to the caller (REST): a hang-up is never lost", async () => {
    const failing = uniqueId('session');
    const stuck = uniqueId('session');
    await relay(holder([failing], async () => Promise.reject(new Error('BYE and REST both refused'))), 0);
    await relay(holder([stuck], () => new Promise(() => undefined)), 0);
    const b = await relay(holder([]), 1);
    expect(await b.request(failing)).toBe(false);
    const started = performance.now();
    expect(await b.request(stuck)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
  });

  it('a line nobody holds (already ended, or its holder gone) is not taken: the caller uses REST', async () => {
    await relay(holder([]), 0);
    const b = await relay(holder([]), 1);
    const started = performance.now();
    expect(await b.request(uniqueId('session'))).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('after close, requests are refused at once and nothing is taken', async () => {
    const line = uniqueId('session');
    const a = holder([line]);
    const closedHolder = await relay(a, 0);
    await closedHolder.close();
    const b = await relay(holder([]), 1);
    expect(await b.request(line)).toBe(false);
    expect(a.hungUp).toEqual([]);
    await b.close();
    expect(await b.request(line)).toBe(false);
  });
});
