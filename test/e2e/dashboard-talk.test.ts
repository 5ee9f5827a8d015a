/**
 * Talk-through in real Chromium: `hold-hunter serve` in demo mode on the simulator's `voice-check` line, a hunt
 * whose line meets the IRS voice check, the operator alert on the board, and the operator clicking Talk: the fake
 * microphone (a recorded voice, `--use-file-for-fake-audio-capture`) goes through talk.js and its AudioWorklet,
 * the talk route, Redis and the engine thread onto the line's RTP, and the simulated IRS hears the answer. A Redis
 * of the test's own; screenshots go to test-artifacts/dashboard/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { Redis } from 'ioredis';
import { spawnApp } from '../support/spawn-app.ts';
import type { SpawnedApp } from '../support/spawn-app.ts';
import { launchChromium } from '../support/chromium.ts';
import { eventually } from '../support/eventually.ts';
import { axeViolations, screenshot, simulatorUrl, syncDirectoryFrom } from '../support/dashboard-browser.ts';
import { createTestUser, signedInPage } from '../support/auth-session.ts';
import type { TestUser } from '../support/auth-session.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { buildWav } from '../support/wav-file.ts';
import { loadFixtures } from '../../src/simulator/line/audio/fixture-library.ts';
import { decodeMuLaw } from '../../src/media/mu-law.ts';
import { resample } from '../../src/media/resampler.ts';
import { saveDestination } from '../../src/engine/destination-store.ts';

const API_TOKEN = 'talk-test-token';
/** The PPS number with an IVR script that answers the simulated menus quickly (the default waits 45 s). */
const DESTINATION = { id: 'talk-test-pps', name: 'IRS PPS (talk test)', phoneNumber: '+18668604259', ivr: [{ digits: '1', afterMs: 2_000 }, { digits: '2', afterMs: 20_000 }] };

let redisServer: PrivateRedis;
let redis: Redis;
let app: SpawnedApp;
let browser: Browser;
let user: TestUser;
let dir: string;

interface Report {
  telephonySessionId: string;
  milestones: { voiceCheckAt: string | null; voiceCheckAnsweredAt: string | null };
  timeline: { event: string; detail?: Record<string, unknown> }[];
}

beforeAll(async () => {
  redisServer = await startPrivateRedis();
  redis = new Redis(redisServer.url);
  user = await createTestUser(redis, 'operator');
  await saveDestination(redis, DESTINATION);
  app = await spawnApp({ REDIS_URL: redisServer.url, SIM_SCENARIO: 'voice-check', API_TOKEN, SESSION_SECRET: 'talk-test-session-secret-0123456789abcdef' }, 30_000);
  await eventually(async () => (await redis.hlen('hh:extensions')) > 0, 20_000, 'the first directory sync');
  await syncDirectoryFrom(simulatorUrl(app.output()), redisServer.url);
  // The fake microphone: a recorded voice at 48 kHz, looped by Chromium for as long as the page captures.
  dir = mkdtempSync(join(tmpdir(), 'hh-talk-'));
  const voice = Float64Array.from(resample(Float32Array.from(decodeMuLaw(loadFixtures().get('agent-kim-greeting').audio), (s) => s / 32768), 8000, 48000));
  writeFileSync(join(dir, 'voice.wav'), buildWav({ sampleRate: 48000, channels: [voice], encoding: 'pcm16' }));
  browser = await launchChromium(chromium, ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${join(dir, 'voice.wav')}`]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  redis?.disconnect();
  await redisServer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('talk-through on the live board', () => {
  it('answers the IRS voice check with the operator’s microphone from the alert’s Talk button', { timeout: 240_000 }, async () => {
    const sim = simulatorUrl(app.output());
    const created = await fetch(`${app.url}/api/v1/jobs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ lines: 1, destinationId: DESTINATION.id, target: { kind: 'queue', extensionNumber: '801' } }),
    });
    expect(created.status).toBe(201);
    const job = (await created.json()) as { id: string };

    const page = await signedInPage(browser, app.url, user, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${app.url}/jobs/${job.id}`);
    await expect.poll(() => page.locator('#live-status').innerText()).toContain('Live');
    // Every answered line has Talk beside Listen; the voice check puts one in the alert too.
    const talk = page.locator('button[id^="alert-talk-"]');
    await talk.first().waitFor({ timeout: 180_000 });
    await expect.poll(() => page.locator('#operator-alert').innerText()).toContain('the IRS voice check');
    const callId = ((await talk.first().getAttribute('id')) ?? '').replace('alert-talk-', '');
    expect(await page.locator(`#talk-${callId}`).count()).toBe(1);
    expect(await page.locator(`#alert-listen-${callId}`).getAttribute('href')).toBe(`/jobs/${job.id}/calls/${callId}/listen.wav`);
    expect((await axeViolations(page)).map((v) => v.id)).toEqual([]);

    await talk.first().click();
    await expect.poll(() => page.locator('[data-talk-status]').innerText(), { timeout: 10_000 }).toContain(`Talking on line 1`);
    expect(await page.locator(`#talk-${callId}`).getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, '20-talk-through');

    // The simulated IRS hears a voice after its beep: the check passes (the machine never answers it by itself).
    const sessionId = await eventually(async () => {
      const view = (await (await fetch(`${app.url}/api/v1/jobs/${job.id}`, { headers: { Authorization: `Bearer ${API_TOKEN}` } })).json()) as { calls: { callId: string; telephonySessionId?: string }[] };
      return view.calls.find((c) => c.callId === callId)?.telephonySessionId;
    }, 5_000);
    const answered = await eventually(async () => {
      const report = (await (await fetch(`${sim}/_sim/calls/${sessionId}`)).json()) as Report;
      return report.milestones.voiceCheckAnsweredAt ? report : undefined;
    }, 20_000, 'the IRS to hear the operator');
    expect(answered.timeline.find((e) => e.event === 'voice-check-answered')?.detail).toMatchObject({ via: 'speech' });

    // Stop: the button is released; the operator is done, so detection resumes and the alert goes.
    await page.locator(`#talk-${callId}`).click();
    await expect.poll(() => page.locator(`#talk-${callId}`).getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => page.locator('button[id^="alert-talk-"]').count(), { timeout: 15_000 }).toBe(0);
    await page.close();
  });
});
