/**
 * Detection settings per destination through the JSON API: validated whole before saving (a bad change leaves
 * the old settings in force), versioned with who changed what, a shadow set beside the live one, and the report
 * comparing them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createApp } from '../../src/web/create-app.tsx';
import { saveDestination } from '../../src/engine/destination-store.ts';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detection/index.ts';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { FakeJobCommands } from './fake-job-commands.ts';
import { json, runTag, testRedis } from './web-fixtures.ts';

const db = testRedis();
const TOKEN = 'detection-settings-token';
const destinationId = `dest-${runTag()}`;
const app = createApp({
  connectionStatus: () => Promise.resolve({ mode: 'demo', server: '', connected: true }),
  webhooks: { redis: db.redis, verificationToken: 'unused', log: pino({ level: 'silent' }) },
  jobs: new FakeJobCommands(),
  apiToken: TOKEN,
});
const path = `/api/v1/settings/detection/${destinationId}`;

function call(method: string, url: string, body?: unknown): Promise<Response> {
  return Promise.resolve(
    app.request(url, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }),
  );
}

afterAll(async () => {
  await db.redis.hdel(globalKeys.destinations, destinationId);
  await db.redis.hdel(globalKeys.detectionSettings, destinationId);
  await db.redis.hdel(globalKeys.detectionShadow, destinationId);
  db.track(globalKeys.detectionSettingsHistory(destinationId));
  await db.close();
});

describe('detection settings API', () => {
  it('answers 404 for a destination that is not saved', async () => {
    const response = await call('GET', path);
    expect(response.status).toBe(404);
    expect((await json(response)).error.message).toContain(destinationId);
  });

  it('starts from the defaults, saves a change with its author, and keeps the history', async () => {
    await saveDestination(db.redis, { id: destinationId, name: 'Test line', phoneNumber: '+18665550100', ivr: [] });
    const fresh = await json(await call('GET', path));
    expect(fresh).toMatchObject({ live: null, shadow: null, effective: DEFAULT_DETECTION_CONFIG });

    const saved = await call('PUT', path, { config: { confirmThreshold: 0.85, weights: { keywords: 0.5 } } });
    expect(saved.status).toBe(200);
    expect(await json(saved)).toMatchObject({ version: 1, updatedBy: 'api-token', config: { confirmThreshold: 0.85 } });
    const after = await json(await call('GET', path));
    expect(after.effective.confirmThreshold).toBe(0.85);
    expect(after.effective.weights).toEqual({ ...DEFAULT_DETECTION_CONFIG.weights, keywords: 0.5 });

    expect((await call('PUT', path, { config: { suspectThreshold: 0.5 } })).status).toBe(200);
    const { changes } = await json(await call('GET', `${path}/history`));
    expect(changes.map((c: { version: number; kind: string }) => [c.kind, c.version])).toEqual([
      ['live', 2],
      ['live', 1],
    ]);
    expect(changes[0]).toMatchObject({ by: 'api-token', before: { confirmThreshold: 0.85 }, after: { suspectThreshold: 0.5 } });
  });

  it('refuses bad settings with a message a person understands, and keeps the old ones', async () => {
    const cases: [unknown, string][] = [
      [{ config: { suspectThreshold: 0.95, confirmThreshold: 0.9 } }, 'suspectThreshold'],
      [{ config: { weights: { speech: 7 } } }, 'weights.speech'],
      [{ config: { confirmThreshhold: 0.9 } }, 'unknown setting confirmThreshhold'],
      [{ config: 'high' }, 'JSON object'],
      [{ thresholds: {} }, '{"config"'],
    ];
    for (const [body, message] of cases) {
      const response = await call('PUT', path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json(response)).error.message).toContain(message);
    }
    expect((await call('PUT', path, '{not json')).status).toBe(400);
    expect((await json(await call('GET', path))).live.version).toBe(2);
  });

  it('runs a shadow set beside the live one until it is removed', async () => {
    const shadow = await call('PUT', `${path}/shadow`, { config: { integration: { riseSeconds: 0.3 } } });
    expect(shadow.status).toBe(200);
    expect((await json(await call('GET', path))).shadow).toMatchObject({ version: 1, config: { integration: { riseSeconds: 0.3 } } });
    const report = await json(await call('GET', `${path}/shadow-report?jobs=20`));
    expect(report).toMatchObject({ destinationId, calls: 0, bothConfirmed: 0 });
    expect((await call('GET', `${path}/shadow-report?jobs=0`)).status).toBe(400);
    expect((await call('DELETE', `${path}/shadow`)).status).toBe(204);
    expect((await call('DELETE', `${path}/shadow`)).status).toBe(404);
    const { changes } = await json(await call('GET', `${path}/history`));
    expect(changes[0]).toMatchObject({ kind: 'shadow', before: { integration: { riseSeconds: 0.3 } } });
    expect(changes[0]).not.toHaveProperty('after');
  });
});
