import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Browser-test helpers: Debian's chromium driven by playwright-core (no downloaded browsers). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Headless chromium with a fresh profile. Playwright refuses `--user-data-dir` in launch() args:
 * it creates a fresh temporary profile directory itself and removes it when the browser closes.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `No chromium at ${CHROMIUM_PATH}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH). ` +
        '`npx playwright install` cannot work here: there is no network but npm and apt.',
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The CSP the console is served with (apps/console/src/routes.ts), as a browser must receive it. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
