import type { Browser, BrowserType } from 'playwright-core';

/**
 * Debian's Chromium with the flags this closed network needs (no background connections, no sandbox as root);
 * `extraArgs` for a test's own needs (a fake microphone for talk-through).
 */
export function launchChromium(type: BrowserType, extraArgs: string[] = []): Promise<Browser> {
  return type.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}
