/**
 * Engineers watch the statecharts live (issue 5): with XSTATE_INSPECT_URL, a hunt's job and call actors stream to
 * the Stately inspector bridge (`npm run inspect:statecharts`) — and no phone number or secret reaches it.
 * Real bridge (@statelyai/inspect/server) and a real WebSocket receiver on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createInspectorServer } from '@statelyai/inspect/server';
import { createWebSocketReceiver } from '@statelyai/inspect';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { createJobActor } from '../../machines/index.ts';
import { sanitizeForInspector, startStatechartInspector } from '../../src/engine/statechart-inspector.ts';
import type { StatechartInspector } from '../../src/engine/statechart-inspector.ts';
import { loadConfig } from '../../src/config.ts';
import { freePort } from '../support/private-redis.ts';
import { eventually } from '../support/eventually.ts';
import { makeInput } from '../machines/job-fixtures.ts';

const TARGET = '+12125550123';

describe('sanitizing what the inspector shows', () => {
  it('masks phone numbers at any depth, censors secret-named fields, and survives cycles and class instances', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const value = {
      a: { b: { c: { d: { e: { f: { g: { number: `dial ${TARGET} now` } } } } } } },
      password: 'hunter2',
      token: 'abc',
      list: [TARGET, 3, null, true],
      cycle,
      ref: new (class Ref {
        id = `call-${TARGET}`;
      })(),
      when: new Date(0),
      fn: () => 1,
    };
    const safe = JSON.stringify(sanitizeForInspector(value));
    expect(safe).not.toContain('2125550');
    expect(safe).toContain('+…23');
    expect(safe).not.toContain('hunter2');
    expect(safe).toContain('"password":"[redacted]"');
    expect(safe).toContain('"self":"[circular]"');
    expect(safe).toContain('"ref":{"actor":"call-+…23"}');
  });
});

describe('XSTATE_INSPECT_URL', () => {
  it('is a development flag: staging and production refuse it, bad URLs get one clear line', () => {
    expect(loadConfig({ XSTATE_INSPECT_URL: 'ws://localhost:8080' }).XSTATE_INSPECT_URL).toBe('ws://localhost:8080');
    expect(() => loadConfig({ XSTATE_INSPECT_URL: 'http://localhost:8080' })).toThrow(/XSTATE_INSPECT_URL: must be a ws:\/\/ or wss:\/\/ URL/);
    const deployed = {
      APP_ENV: 'production',
      RC_CLIENT_ID: 'id',
      RC_CLIENT_SECRET: 'secret',
      RC_JWT: 'jwt',
      PUBLIC_URL: 'https://hunter.example.com',
      RC_WEBHOOK_TOKEN: 'w',
      SESSION_SECRET: 's'.repeat(32),
      METRICS_TOKEN: 'm',
      XSTATE_INSPECT_URL: 'ws://localhost:8080',
    };
    expect(() => loadConfig(deployed)).toThrow(/XSTATE_INSPECT_URL: development only/);
  });
});

describe('a hunt streamed to the inspector bridge', () => {
  let bridge: { stop(): void };
  let url = '';
  let inspector: StatechartInspector | undefined;
  const received: StatelyInspectionEvent[] = [];

  beforeAll(async () => {
    const port = await freePort();
    url = `ws://127.0.0.1:${port}`;
    bridge = createInspectorServer({ port, autoOpen: false });
    // Wait until the bridge listens before the receiver connects (the receiver does not reconnect).
    await eventually(
      async () =>
        fetch(`http://127.0.0.1:${port}`).then(
          (r) => r.ok,
          () => false,
        ),
      5_000,
      'the inspector bridge listening',
    );
    createWebSocketReceiver({ server: url }).subscribe((event) => received.push(event));
    inspector = await startStatechartInspector(url, pino({ level: 'silent' }));
  });

  afterAll(() => {
    inspector?.stop();
    bridge?.stop();
  });

  it('shows the job and its call actors moving, with no phone number in any event', async () => {
    expect(inspector).toBeDefined();
    const input = makeInput(3);
    input.spec.target = { kind: 'number', phoneNumber: TARGET };
    const actor = createJobActor(input, undefined, { inspect: inspector!.inspect });
    actor.send({ type: 'job.start', at: input.spec.createdAt });
    const callSnapshots = () => received.filter((e) => e.type === '@xstate.snapshot' && e.sessionId !== received[0]?.sessionId);
    await eventually(async () => callSnapshots().length >= 3, 10_000, 'the lines\' call actors in the inspector');
    actor.stop();
    const actors = new Set(received.filter((e) => e.type === '@xstate.actor').map((e) => e.sessionId));
    // The job supervisor and its three lines.
    expect(actors.size).toBeGreaterThanOrEqual(4);
    const everything = JSON.stringify(received);
    expect(everything).not.toContain(TARGET.slice(1));
    expect(everything).not.toContain(input.spec.destination.phoneNumber.slice(1));
    expect(everything).toContain('+…23');
  });
});
