/**
 * Helpers of the dashboard's browser tests: screenshots saved as test artifacts (test-artifacts/, git-ignored),
 * an axe-core accessibility check in the page, and a directory sync straight from a spawned app's simulator so
 * hunts need not wait for the app's own (rate-limited) device sync.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { Redis } from 'ioredis';
import pino from 'pino';
import { syncDevices, syncDirectory } from '../../src/engine/extension-directory.ts';
import { RINGCENTRAL_DEFAULT_LIMITS } from '../../src/simulator/rate-limit/rate-limiter.ts';
import { InMemoryRateBudget } from '../../src/telephony/in-memory-rate-budget.ts';
import { connectRingCentral } from '../../src/telephony/ringcentral-platform.ts';
import { RingCentralTelephony } from '../../src/telephony/ringcentral-telephony.ts';
import { TEST_CREDENTIALS } from './simulator-harness.ts';

const require = createRequire(import.meta.url);
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/dashboard/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let axeSource: string | undefined;

/** WCAG 2 A/AA violations axe-core finds on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the debugger protocol, which the page's strict CSP (no inline script) does not govern.
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string, so this Node-typed project needs no DOM types.
  return page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`);
}

/** The embedded simulator's URL from a spawned app's log. */
export function simulatorUrl(output: string): string {
  const match = /"simulator":"(http:\/\/[^"]+)"/.exec(output);
  if (!match?.[1]) throw new Error(`no simulator URL in the app's output:\n${output}`);
  return match[1];
}

/** Syncs users, queues and every user's device into `redisUrl` with the simulator's limits lifted meanwhile. */
export async function syncDirectoryFrom(simUrl: string, redisUrl: string): Promise<void> {
  const put = (body: unknown) => fetch(`${simUrl}/_sim/rate-limits`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const relaxed = { limit: 100_000, windowSeconds: 60, penaltySeconds: 60 };
  await put({ Light: relaxed, Medium: relaxed, Heavy: relaxed, Auth: relaxed });
  const redis = new Redis(redisUrl);
  try {
    const { platform } = await connectRingCentral({ server: simUrl, ...TEST_CREDENTIALS });
    const log = pino({ level: 'silent' });
    const unlimited = { limit: 100_000, windowMs: 60_000 };
    const telephony = new RingCentralTelephony({ platform, credential: 'test-sync', budget: new InMemoryRateBudget({ limits: { Light: unlimited, Medium: unlimited } }), log });
    await syncDirectory(telephony, redis, log);
    await syncDevices(telephony, redis, log);
  } finally {
    await put(RINGCENTRAL_DEFAULT_LIMITS);
    redis.disconnect();
  }
}
