// Screenshot of the console against a running system: node apps/console/screenshot.mjs <system-url> [out.png] [--mobile]
//   node apps/console/screenshot.mjs http://localhost:8080            -> docs/console.png
// Drives Debian's chromium (playwright-core) through a real flow against the page the system serves at
// /console/: register, log in, every API button, a tampered token, the sessions-vs-JWT comparison
// (beside `npm start` only: elsewhere the page says it is not available, and the picture shows that).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const mobile = args.includes('--mobile');
const [systemUrl, outArg] = args.filter((arg) => !arg.startsWith('--'));
if (!systemUrl) {
  console.error('usage: node apps/console/screenshot.mjs <system-url> [out.png] [--mobile]');
  process.exit(1);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.resolve(outArg ?? path.join(root, 'docs', 'console.png'));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`No chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(1);
}
// The page as the system serves it, through the gateway: nothing stands in for it.
const consoleUrl = new URL('/console/', systemUrl).href;
const probe = await fetch(consoleUrl, { signal: AbortSignal.timeout(5000) }).catch((error) => error);
if (!(probe instanceof Response) || !probe.ok || !(probe.headers.get('content-type') ?? '').includes('text/html')) {
  console.error(
    `${consoleUrl} does not serve the console (${probe instanceof Response ? probe.status : probe.message}): is \`npm start\` running?`,
  );
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: chromiumPath,
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
try {
  const page = await browser.newPage(
    mobile
      ? { viewport: { width: 375, height: 800 }, deviceScaleFactor: 2, isMobile: true }
      : { viewport: { width: 1280, height: 900 } },
  );
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(consoleUrl);
  const user = `screenshot-${randomBytes(3).toString('hex')}`;
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill('screenshot-password');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await page.getByText(`Registered ${user}`).waitFor();
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByText('Signature valid', { exact: true }).waitFor();
  for (const name of ['GET /api/catalog/products', 'POST /api/orders', 'GET /api/orders', 'GET /api/profile/me']) {
    await page.getByRole('button', { name, exact: true }).click();
    await page.waitForTimeout(300);
  }
  await page.getByRole('button', { name: 'Add the admin role', exact: true }).click();
  await page.getByRole('button', { name: 'Send the tampered token to GET /api/profile/me', exact: true }).click();
  await page.locator('#tamper-verdict').waitFor();
  await page.getByRole('button', { name: 'Run sessions vs JWT', exact: true }).click();
  console.log('running the sessions-vs-JWT comparison (a minute or so)...');
  await page
    .locator('#compare-status')
    .getByText(/^(Done|Not available|The comparison)/)
    .waitFor({ timeout: 240_000 });
  await page.waitForTimeout(500);
  await mkdir(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
}
