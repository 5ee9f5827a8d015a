/**
 * SIGTERM with live boards open: their SSE streams end (browsers reconnect to another instance and resume), the
 * hunt is handed back, and the process exits 0 promptly instead of waiting for every viewer to leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnApp } from '../support/spawn-app.ts';
import type { SpawnedApp } from '../support/spawn-app.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { eventually } from '../support/eventually.ts';

const TOKEN = 'shutdown-streams-token-0123456789';
let redis: PrivateRedis;
let app: SpawnedApp | undefined;

beforeAll(async () => {
  redis = await startPrivateRedis();
  app = await spawnApp({ REDIS_URL: redis.url, API_TOKEN: TOKEN, LINE_MODE: 'call-out', SIM_TIME_SCALE: '30' });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await redis?.close();
});

const auth = { Authorization: `Bearer ${TOKEN}` };

describe('SIGTERM with live boards open', () => {
  it('ends their SSE streams and exits 0 within seconds', async () => {
    const served = app!;
    // The directory sync runs at start: retry until there are extensions to dial from.
    const job = await eventually(async () => {
      const response = await fetch(`${served.url}/api/v1/jobs`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ lines: 1 }) });
      return response.status === 201 ? ((await response.json()) as { id: string }) : undefined;
    }, 30_000, 250);

    const viewers = await Promise.all(
      [0, 1].map(async () => {
        const response = await fetch(`${served.url}/jobs/${job.id}/events`, { headers: { ...auth, Accept: 'text/event-stream' } });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
        const reader = response.body!.getReader();
        await reader.read(); // the first event: the board as it stands
        // Resolves when the server ends the stream (or drops the connection). Wrapped, or awaiting the setup
        // would wait for the end.
        return { ended: (async () => {
          try {
            for (;;) if ((await reader.read()).done) return 'ended';
          } catch {
            return 'ended';
          }
        })() };
      }),
    );

    const exited = new Promise<number | null>((resolve) => served.process.once('exit', (code) => resolve(code)));
    const started = Date.now();
    served.process.kill('SIGTERM');
    expect(await Promise.all(viewers.map((v) => v.ended))).toEqual(['ended', 'ended']);
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(served.output()).toContain('shut down cleanly');
    app = undefined;
  }, 90_000);
});
