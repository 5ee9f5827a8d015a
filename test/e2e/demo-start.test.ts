/**
 * `npm start` on a fresh machine: the real command serves the dashboard in demo mode, logged in to the embedded
 * simulator through the SDK, and a real Chromium renders it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { spawnApp } from '../support/spawn-app.ts';
import type { SpawnedApp } from '../support/spawn-app.ts';
import { launchChromium } from '../support/chromium.ts';
import { signedInPage } from '../support/auth-session.ts';

let app: SpawnedApp;
let browser: Browser;

beforeAll(async () => {
  app = await spawnApp();
  browser = await launchChromium(chromium);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('hold-hunter serve in demo mode', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('locks the dashboard: a visitor is sent to the login page', async () => {
    const response = await fetch(`${app.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2F');
    expect((await fetch(`${app.url}/api/v1/jobs`)).status).toBe(401);
  });

  it('shows the dashboard connected to the embedded simulator in Chromium, to the demo admin it printed', async () => {
    const printed = /Demo admin \(this run only\): log in at \S+ as (demo-admin) with password (\S+)/.exec(app.output());
    expect(printed, app.output()).not.toBeNull();
    const page = await signedInPage(browser, app.url, { username: printed?.[1] ?? '', password: printed?.[2] ?? '' });
    await page.goto(app.url);
    await expect.poll(() => page.title()).toContain('IRS Hold Hunter');
    const main = page.locator('main');
    await expect.poll(() => main.innerText()).toContain('Demo mode');
    const text = await main.innerText();
    expect(text).toContain('Connected');
    expect(text).toMatch(/Extensions\s+100/);
    expect(text).toMatch(/Call queues\s+47/);
    // htmx is served by us, not a CDN.
    expect(await page.evaluate('typeof window.htmx')).toBe('object');
    await page.close();
  });

  it('keeps secrets out of its logs', () => {
    expect(app.output()).not.toContain('hh-sim-secret');
    expect(app.output()).not.toContain('hh-sim-owner-jwt');
  });
});

describe('hold-hunter serve with bad configuration', () => {
  it('exits with one clear line per problem', async () => {
    await expect(spawnApp({ PORT: 'abc', SIM_TIME_SCALE: '0' }, 10_000)).rejects.toThrow(/PORT: must be a port number[\s\S]*SIM_TIME_SCALE: must be >= 1/);
  });
});
