import type { Browser, BrowserType } from 'playwright-core';

/** Debian's Chromium with the flags this closed network needs (no background connections, no sandbox as root). */
export function launchChromium(type: BrowserType): Promise<Browser> {
  return type.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
