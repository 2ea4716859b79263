// Screenshot of the console against a running system: node apps/console/screenshot.mjs <system-url> [out.png] [--mobile]
//   node apps/console/screenshot.mjs http://localhost:8080            -> docs/console.png
// Drives Debian's chromium (playwright-core) through a real flow: register, log in, every API button,
// a tampered token. If the system does not serve /console/ yet, the built page (npx nx run console:build)
// is served from a same-origin server here that forwards every other path to the system.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
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
const publicDir = path.join(root, 'dist', 'apps', 'console', 'public');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`No chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(1);
}
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** The system's own /console/ when it has one, else a local same-origin stand-in. */
async function consoleBase() {
  try {
    const res = await fetch(new URL('/console/', systemUrl), { signal: AbortSignal.timeout(5000) });
    if (res.ok && (res.headers.get('content-type') ?? '').includes('text/html')) return { url: systemUrl, close() {} };
  } catch {
    // fall through
  }
  if (!existsSync(path.join(publicDir, 'index.html')))
    throw new Error('build the console first: npx nx run console:build');
  const upstream = new URL(systemUrl);
  const server = createServer(async (req, res) => {
    const pathname = new URL(req.url, 'http://x').pathname;
    if (pathname === '/console') return res.writeHead(308, { location: '/console/' }).end();
    if (pathname.startsWith('/console/') && !pathname.startsWith('/console/api/')) {
      const file = path.resolve(publicDir, pathname === '/console/' ? 'index.html' : pathname.slice(9));
      const type = TYPES[path.extname(file)];
      if (!file.startsWith(publicDir + path.sep) || !type || !existsSync(file)) return res.writeHead(404).end();
      return res.writeHead(200, { 'content-type': type, 'content-security-policy': CSP }).end(await readFile(file));
    }
    const forward = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () =>
      res.headersSent
        ? res.destroy()
        : res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad_gateway"}'),
    );
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(`${systemUrl} does not serve /console/ yet: serving ${path.relative(root, publicDir)} beside it`);
  return { url: `http://localhost:${server.address().port}`, close: () => server.close() };
}

const base = await consoleBase();
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
  await page.goto(new URL('/console/', base.url).href);
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
  await page.waitForTimeout(500);
  await mkdir(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
  base.close();
}
