import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page, Response } from 'playwright-core';
import { SESSIONS_VS_JWT_RUNNER, startLocalCluster, type LocalCluster } from '@jwt-msa/cluster';
import { CONSOLE_CSP, launchChromium } from './browser';
import { call } from './http';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';

/**
 * The console (apps/console) in a real chromium against the real cluster, as a learner opens it:
 * the page at the gateway's /console/ (served by the console replica behind it), every click
 * through the gateway to real services, the counters and the revocation lag from the console's
 * own API over every gateway replica.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PUBLIC_DIR = path.join(REPO_ROOT, 'dist', 'apps', 'console', 'public');
const AXE = path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

let dataDir: string;
let cluster: LocalCluster;
/** The system's public URL: the first gateway, which serves the page. */
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(PUBLIC_DIR, 'index.html')))
    throw new Error(`${PUBLIC_DIR} has no build: run \`npx nx run console:build\` first`);
  dataDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-console-e2e-'));
  browser = await launchChromium();
  cluster = await startLocalCluster({
    dataDir,
    gatewayPort: 0,
    scale: { auth: 2, orders: 2, gateway: 2 },
    logLevel: 'warn',
    // As npm start: the console runs the sessions-vs-JWT comparison beside this cluster.
    env: { console: { SESSIONS_VS_JWT_RUNNER } },
  });
  origin = cluster.gatewayUrl;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// A page under watch: uncaught errors, CSP violations and unexpected HTTP statuses fail the test.

interface Watched {
  page: Page;
  context: BrowserContext;
  /** Statuses the test provokes on purpose, e.g. allow('GET', '/api/profile/me', 401). */
  allow(method: string, pathname: string, status: number): void;
  /** Console errors matching this are expected too (e.g. net::ERR_INTERNET_DISCONNECTED when offline). */
  allowConsole(pattern: RegExp): void;
  assertClean(): Promise<void>;
  close(): Promise<void>;
}

async function openConsole(
  options: BrowserContextOptions = {},
  before?: (page: Page) => Promise<void>,
): Promise<Watched> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  const allowed = new Set<string>();
  const allowedConsole: RegExp[] = [];
  const isAllowed = (method: string, pathname: string, status: number) =>
    allowed.has(`${method} ${pathname} ${status}`) || allowed.has(`* ${pathname} ${status}`);

  page.on('pageerror', (error) => problems.push(`uncaught page error: ${error.message}`));
  page.on('response', (response: Response) => {
    const url = new URL(response.url());
    if (url.origin !== origin || response.status() < 400) return;
    if (!isAllowed(response.request().method(), url.pathname, response.status()))
      problems.push(`unexpected ${response.status()} for ${response.request().method()} ${url.pathname}`);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const failed = /^Failed to load resource: the server responded with a status of (\d+)/.exec(text);
    if (failed) {
      const { pathname } = new URL(message.location().url || origin);
      // The response listener judges statuses (with the method); this is the browser's echo of them.
      if ([...allowed].some((entry) => entry.endsWith(` ${pathname} ${failed[1]}`))) return;
    }
    if (allowedConsole.some((pattern) => pattern.test(text))) return;
    problems.push(`console error: ${text}`);
  });
  await page.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));
  `);
  if (before) await before(page);
  await page.goto(`${origin}/console/`);
  await page.getByRole('heading', { name: 'jwt-msa console', level: 1 }).waitFor();
  return {
    page,
    context,
    allow: (method, pathname, status) => void allowed.add(`${method} ${pathname} ${status}`),
    allowConsole: (pattern) => void allowedConsole.push(pattern),
    async assertClean() {
      const csp = (await page.evaluate('window.__cspViolations')) as string[];
      expect({ problems, csp }).toEqual({ problems: [], csp: [] });
    },
    close: () => context.close(),
  };
}

/** Polls a locator's text until it matches (playwright-core has no web-first assertions). */
async function textOf(locator: Locator, pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last =
      (await locator.count()) > 0
        ? ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim()
        : '(no such element)';
    if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`expected ${String(pattern)}, the page says: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
const statusOf = (page: Page, regionName: string) => region(page, regionName).getByRole('status').first();
const requestLog = (page: Page) => page.getByRole('table', { name: 'Request log (newest first)' });
/** The newest log row whose request cell starts with this text. */
const logRow = (page: Page, request: string) =>
  requestLog(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader').filter({ hasText: request }) })
    .first();
const logRows = (page: Page) => requestLog(page).locator('tbody tr:not(.empty-row)').count();
async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
async function cells(
  row: Locator,
): Promise<{ status: string; ms: string; gateway: string; service: string; note: string }> {
  const [status, ms, gateway, service] = await row.getByRole('cell').allTextContents();
  const note = (await row.getByRole('rowheader').textContent()) ?? '';
  return { status: status!, ms: ms!, gateway: gateway!, service: service!, note };
}

/** Clicks and waits for the request the click causes. */
async function clickFor(page: Page, target: Locator, method: string, pathname: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === pathname),
    target.click(),
  ]);
  return response;
}

let userCount = 0;
const newUser = () => ({
  username: `learner-${Date.now().toString(36)}-${(userCount += 1)}`,
  password: 'correct horse battery',
});

async function register(page: Page, user: { username: string; password: string }) {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await clickFor(page, button(page, 'Register'), 'POST', '/auth/register');
  await textOf(statusOf(page, 'Log in'), `Registered ${user.username} (201)`);
}

async function logIn(page: Page, user: { username: string; password: string }): Promise<string> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  const response = await clickFor(page, button(page, 'Log in'), 'POST', '/auth/login');
  expect(response.status()).toBe(200);
  await textOf(statusOf(page, 'Log in'), `Logged in as ${user.username}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

const encodedToken = async (page: Page) =>
  (await page.getByLabel('Encoded access token').locator('span').allTextContents()).join('.');

const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** The five modes side by side: JWT with no failed call and no store query; the sessions' figures as measured. */
async function expectComparison(compare: Locator): Promise<void> {
  const figures = compare.getByRole('table', { name: 'Sessions vs JWT, figures' });
  const rows: string[][] = [];
  for (const tr of await figures.locator('tbody tr').all())
    rows.push((await tr.locator('th, td').allTextContents()).map((text) => text.trim()));
  expect(rows.map((row) => row[0])).toEqual([
    'JWT (stateless)',
    'in-memory sessions, round robin',
    'in-memory sessions, sticky',
    'replicated sessions',
    'shared session store',
  ]);
  const byMode = Object.fromEntries(
    rows.map(([mode, requests, failed, storeQueries, , , killed]) => [
      mode,
      { requests: Number(requests), failed: Number(failed), storeQueries: Number(storeQueries), killed },
    ]),
  );
  expect(byMode['JWT (stateless)']).toEqual({ requests: 30, failed: 0, storeQueries: 0, killed: 'yes' });
  // Sessions in one front's memory are lost with it; a shared store is asked on every call.
  expect(byMode['in-memory sessions, round robin']!.failed).toBeGreaterThan(0);
  expect(byMode['shared session store']!.storeQueries).toBeGreaterThanOrEqual(30);
  expect(await compare.getByRole('figure').count()).toBe(2);
  expect(await compare.getByRole('figure').first().textContent()).toMatch(/^Failed calls/);
}

// ---------------------------------------------------------------------------------------------

describe('the console as the gateway serves it', () => {
  it('is at /console/ (and / sends a browser there), with the strict CSP, named by the gateway replica', async () => {
    const watched = await openConsole();
    const { page } = watched;
    try {
      const response = await page.goto(`${origin}/`);
      expect(page.url()).toBe(`${origin}/console/`);
      const headers = await response!.allHeaders();
      expect(headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(headers['cache-control']).toBe('no-cache');
      expect(headers['x-gateway-instance']).toBe('gateway-1');
      expect(headers['x-served-by']).toBe('console/console-1');
      const redirect = await fetch(`${origin}/`, { redirect: 'manual' });
      expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/console/']);
      for (const asset of ['app.js', 'app.js.map', 'app.css', 'favicon.svg'])
        expect([asset, (await fetch(`${origin}/console/${asset}`)).status]).toEqual([asset, 200]);
      expect((await call(origin, 'POST', '/console/app.js', { body: {} })).status).toBe(405);
      await page.getByRole('heading', { name: 'jwt-msa console', level: 1 }).waitFor();
      await watched.assertClean();
    } finally {
      await watched.close();
    }
  });

  it('measures over every gateway replica: stats from each, a forged token refused by each at once', async () => {
    const stats = await call(origin, 'GET', '/console/api/stats', {});
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      verifications: { ok: expect.any(Number), rejected: expect.any(Number) },
      cacheHits: expect.any(Number),
      cacheMisses: expect.any(Number),
      // What requests caused apart from what runs whatever the traffic: key loads and the feed's first syncs.
      authStoreQueries: expect.any(Object),
      backgroundQueries: expect.objectContaining({
        'signing-key.load': expect.any(Number),
        'revocation.feed-full': expect.any(Number),
      }),
      gateways: 2,
      authReplicas: 2,
      unreachable: 0,
    });
    const forged = 'eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJtYWxsb3J5In0.Zm9yZ2Vk';
    const lag = await call(origin, 'POST', '/console/api/revocation-lag', { body: { token: forged } });
    expect(lag.status).toBe(200);
    const gateways = lag.body.gateways as Array<{ instance: string; refusedAfterMs: number }>;
    expect(gateways.map((g) => g.instance)).toEqual(['gateway-1', 'gateway-2']);
    for (const gateway of gateways) expect(gateway.refusedAfterMs).toBeLessThan(2000);
    expect(lag.body.maxMs).toBe(Math.max(...gateways.map((g) => g.refusedAfterMs)));
    // Each gateway verified (and refused) the forged token: the counters say so.
    const after = await call(origin, 'GET', '/console/api/stats', {});
    expect(after.body.verifications.rejected).toBeGreaterThanOrEqual(stats.body.verifications.rejected + 2);
    const bad = await call(origin, 'POST', '/console/api/revocation-lag', { body: { token: 42 } });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
  });
});

describe('the console in a real browser, against the real cluster', () => {
  it('runs the whole flow: log in, token, signature, API calls, tampering, refresh, replay, log out', async () => {
    const watched = await openConsole();
    const { page } = watched;
    try {
      await textOf(page.getByRole('note'), 'memory only');
      await textOf(page.getByRole('note'), 'never in localStorage, sessionStorage or cookies');
      await textOf(page.getByRole('note'), 'Reloading the page logs you out');

      // Without a token the gateway refuses, and says why.
      watched.allow('GET', '/api/orders', 401);
      await clickFor(page, button(page, 'GET /api/orders'), 'GET', '/api/orders');
      await textOf(logRow(page, 'GET /api/orders').getByRole('rowheader'), 'No token was sent');
      expect(await cells(logRow(page, 'GET /api/orders'))).toMatchObject({ status: '401' });

      // 1. Register and log in, with clear messages for what goes wrong.
      const user = newUser();
      await register(page, user);
      watched.allow('POST', '/auth/register', 409);
      await clickFor(page, button(page, 'Register'), 'POST', '/auth/register');
      await textOf(statusOf(page, 'Log in'), 'That username is taken (409)');
      watched.allow('POST', '/auth/register', 400);
      await page.getByLabel('Username').fill(`${user.username}-2`);
      await page.getByLabel('Password').fill('short');
      await clickFor(page, button(page, 'Register'), 'POST', '/auth/register');
      await textOf(statusOf(page, 'Log in'), 'Not accepted (400)');
      watched.allow('POST', '/auth/login', 401);
      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill('not the password');
      await clickFor(page, button(page, 'Log in'), 'POST', '/auth/login');
      await textOf(statusOf(page, 'Log in'), 'Wrong username or password (401)');
      await page.getByLabel('Password').fill('');
      await button(page, 'Log in').click();
      await textOf(statusOf(page, 'Log in'), 'Enter a username and a password first.');
      // Repeated failures are throttled (429 with Retry-After), and the page says when to try again.
      watched.allow('POST', '/auth/login', 429);
      const victim = newUser();
      await page.getByLabel('Username').fill(victim.username);
      let throttled: Response | undefined;
      for (let attempt = 0; attempt < 10 && !throttled; attempt += 1) {
        await page.getByLabel('Password').fill(`wrong password ${attempt}`);
        const answer = await clickFor(page, button(page, 'Log in'), 'POST', '/auth/login');
        if (answer.status() === 429) throttled = answer;
      }
      expect(throttled).toBeDefined();
      const retryAfter = (await throttled!.allHeaders())['retry-after'];
      expect(retryAfter).toMatch(/^\d+$/);
      await textOf(statusOf(page, 'Log in'), `Too many failed attempts (429): try again in ${retryAfter} seconds`);
      const accessToken = await logIn(page, user);

      // 2. The token as jwt.io shows it: three coloured parts, decoded JSON, a claims table.
      const parts = page.getByLabel('Encoded access token').locator('span');
      expect(await parts.count()).toBe(3);
      expect(await parts.evaluateAll((spans) => spans.map((s) => s.className))).toEqual([
        'part-header',
        'part-payload',
        'part-signature',
      ]);
      expect(await encodedToken(page)).toBe(accessToken);
      const [headerPart, payloadPart] = accessToken.split('.');
      const header = decodePart(headerPart!);
      const payload = decodePart(payloadPart!);
      expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
      expect(JSON.parse((await page.getByLabel('Decoded header').textContent())!)).toEqual(header);
      expect(JSON.parse((await page.getByLabel('Decoded payload').textContent())!)).toEqual(payload);
      const claims = page.getByRole('table', { name: 'Claims in the payload' });
      const claimRow = (name: string) =>
        claims.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
      for (const [name, section] of [
        ['iss', '4.1.1'],
        ['sub', '4.1.2'],
        ['aud', '4.1.3'],
        ['exp', '4.1.4'],
        ['iat', '4.1.6'],
        ['jti', '4.1.7'],
      ]) {
        const text = await textOf(claimRow(name!), 'registered');
        expect(text).toContain(`RFC 7519 §${section}`);
      }
      expect(await claimRow(IS_ADMIN_CLAIM).textContent()).toMatch(/public RFC 7519 §4\.2/);
      expect(await claimRow('username').textContent()).toMatch(/private RFC 7519 §4\.3/);
      expect(await claimRow('roles').textContent()).toMatch(/private/);
      expect(await claimRow('exp').textContent()).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in 1[45] min\)/);
      expect(await claimRow('iss').getByRole('link').getAttribute('href')).toBe(
        'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.1',
      );
      await textOf(page.getByRole('timer'), /Expires in 1[45]:\d\d/);

      // 3. The signature, checked in the browser against the system's JWKS.
      const signature = region(page, 'Signature check in this browser');
      await textOf(signature, 'Signature valid');
      const signatureText = (await signature.textContent())!;
      expect(signatureText).toContain(header.kid);
      expect(signatureText).toContain('RSA 2048-bit modulus');

      // 4. Every API button: status, latency, gateway and service replica.
      const expectCall = async (name: string, method: string, pathname: string, status: number, service: RegExp) => {
        const before = await logRows(page);
        const response = await clickFor(page, button(page, name), method, pathname);
        expect(response.status()).toBe(status);
        await waitFor(async () => (await logRows(page)) > before, `a new row in the request log after ${name}`);
        const row = logRow(page, `${method} ${pathname}`);
        await textOf(row.getByRole('cell').first(), String(status));
        const seen = await cells(row);
        expect(seen.ms).toMatch(/^\d+$/);
        expect(seen.gateway).toBe((await response.allHeaders())['x-gateway-instance'] ?? '-');
        expect(seen.service).toMatch(service);
        expect(seen.service).toBe((await response.allHeaders())['x-served-by']);
        return response;
      };
      await expectCall(
        'GET /api/catalog/products',
        'GET',
        '/api/catalog/products',
        200,
        /^catalog-service\/catalog-1$/,
      );
      const order = await expectCall('POST /api/orders', 'POST', '/api/orders', 201, /^orders-service\/orders-[12]$/);
      expect(order.request().headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(order.request().postData()!)).toMatchObject({ quantity: 1, productId: expect.any(String) });
      const second = await clickFor(page, button(page, 'POST /api/orders'), 'POST', '/api/orders');
      expect(second.request().headers()['idempotency-key']).not.toBe(order.request().headers()['idempotency-key']);
      await expectCall('GET /api/orders', 'GET', '/api/orders', 200, /^orders-service\/orders-[12]$/);
      await expectCall('GET /api/profile/me', 'GET', '/api/profile/me', 200, /^profile-service\/profile-1$/);
      expect(
        await page
          .getByRole('table', { name: 'Request log (newest first)' })
          .getByRole('columnheader')
          .allTextContents(),
      ).toEqual(['Request', 'Status', 'Time in ms', 'Gateway', 'Service']);

      // 5. Tamper: the original signature on a changed payload, then alg none.
      watched.allow('GET', '/api/profile/me', 401);
      const tamper = region(page, 'Tamper with the token');
      await button(tamper, 'Add the admin role').click();
      const edited = JSON.parse(await page.getByLabel('Payload JSON').inputValue());
      expect(edited).toMatchObject({ roles: ['user', 'admin'], [IS_ADMIN_CLAIM]: true });
      let response = await clickFor(
        page,
        button(tamper, 'Send the tampered token to GET /api/profile/me'),
        'GET',
        '/api/profile/me',
      );
      expect(response.status()).toBe(401);
      let row = logRow(page, 'GET /api/profile/me');
      await textOf(row.getByRole('rowheader'), 'tampered token');
      expect(await cells(row)).toMatchObject({ status: '401' });
      expect((await cells(row)).note).toMatch(/The token signature is invalid.*changed after signing/);
      await textOf(tamper.getByRole('status'), /Refused: 401/);
      await textOf(tamper, /In this browserSignature invalid/);

      await button(tamper, 'Change sub').click();
      expect(JSON.parse(await page.getByLabel('Payload JSON').inputValue()).sub).not.toBe(payload.sub);
      response = await clickFor(
        page,
        button(tamper, 'Send the tampered token to GET /api/profile/me'),
        'GET',
        '/api/profile/me',
      );
      expect(response.status()).toBe(401);

      response = await clickFor(
        page,
        button(tamper, 'Send an alg: none token to GET /api/profile/me'),
        'GET',
        '/api/profile/me',
      );
      expect(response.status()).toBe(401);
      const sent = response.request().headers()['authorization']!.slice('Bearer '.length);
      expect(decodePart(sent.split('.')[0]!)).toEqual({ alg: 'none', typ: 'at+jwt', kid: header.kid });
      expect(sent.endsWith('.')).toBe(true);
      row = logRow(page, 'GET /api/profile/me');
      await textOf(row.getByRole('rowheader'), 'alg: none token');
      expect((await cells(row)).note).toMatch(/not a compact JWS/);
      await textOf(tamper, 'Not signed (alg: none)');
      await textOf(tamper, 'the token is unsigned');

      // 6. Refresh, replay the rotated refresh token, log out.
      const sessions = region(page, 'Refresh and sessions');
      response = await clickFor(page, button(sessions, 'Refresh'), 'POST', '/auth/refresh');
      expect(response.status()).toBe(200);
      await textOf(sessions.getByRole('status'), 'Refreshed (200)');
      const refreshed = ((await response.json()) as { access_token: string }).access_token;
      await textOf(page.getByLabel('Encoded access token'), refreshed.slice(-20));
      expect(await encodedToken(page)).toBe(refreshed);
      await textOf(signature, 'Signature valid');
      const timeline = sessions.locator('#timeline');
      await textOf(timeline, 'This login');

      watched.allow('POST', '/auth/refresh', 401);
      watched.allow('GET', '/auth/sessions', 401);
      response = await clickFor(page, button(sessions, 'Replay the old refresh token'), 'POST', '/auth/refresh');
      expect(response.status()).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
      await textOf(sessions.getByRole('status'), 'Replay refused (401 invalid_grant)');
      await textOf(sessions.getByRole('status'), 'revoked the whole family (reason: reuse)');
      await textOf(logRow(page, 'POST /auth/refresh').getByRole('rowheader'), 'old refresh token');
      expect(await cells(logRow(page, 'POST /auth/refresh'))).toMatchObject({ status: '401' });
      // The timeline is read again with this page's access token: before the revocation reached the
      // gateway it shows the family revoked for reuse; after, the gateway refuses the token itself.
      await textOf(timeline, /reuse|The token has been revoked/);
      // The family is revoked: the current refresh token is dead too, and by its sid every access
      // token the family issued, this page's included, on every gateway replica once the feed brings it.
      response = await clickFor(page, button(sessions, 'Refresh'), 'POST', '/auth/refresh');
      expect(response.status()).toBe(401);
      await textOf(sessions.getByRole('status'), 'Refresh refused (401)');
      for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
        if ((await call(origin, 'GET', '/api/profile/me', { token: refreshed })).status === 401) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      watched.allow('GET', '/api/profile/me', 401);
      await expectCall('GET /api/profile/me', 'GET', '/api/profile/me', 401, /^gateway\//);
      expect((await cells(logRow(page, 'GET /api/profile/me'))).note).toMatch(/revoked/i);

      response = await clickFor(page, button(sessions, 'Log out'), 'POST', '/auth/logout');
      expect(response.status()).toBe(204);
      expect(response.request().headers()['authorization']).toBe(`Bearer ${refreshed}`);
      await textOf(sessions.getByRole('status'), 'Logged out (204)');
      await textOf(region(page, 'The access token'), 'Logged out: the tokens are gone');
      // The console server polls both gateways with the logged-out access token (until each refuses
      // it, or its bounded timeout: without a revocation list a gateway accepts it until exp).
      const lag = sessions.locator('#revocation-lag');
      await textOf(lag, 'Revocation lag', 20_000);
      await textOf(lag, /gateway-1: (refused after \d+ ms|still accepted)/);
      await textOf(lag, /gateway-2: (refused after \d+ ms|still accepted)/);
      await textOf(lag, /Every gateway refused it within \d+ ms|Some gateway still accepts the revoked token/);

      // Log out everywhere (after logging in again): the timeline now shows the family reuse ended.
      await logIn(page, user);
      await textOf(timeline, /reuse/);
      response = await clickFor(page, button(sessions, 'Log out everywhere'), 'POST', '/auth/logout-all');
      expect(response.status()).toBe(204);
      await textOf(sessions.getByRole('status'), 'Logged out everywhere (204)');
      await textOf(region(page, 'The access token'), 'Logged out: the tokens are gone');

      // 7. Counters, 8. sessions vs JWT.
      // The counters: deltas since the page loaded, summed over both gateways and both auth replicas.
      const counters = region(page, 'Counters');
      await textOf(counters, /Since this page loaded: \d+ API calls, \d+ auth-store quer(y|ies); /);
      await textOf(counters, /Token verifications[1-9]\d* accepted, [1-9]\d* rejected/);
      await textOf(counters, /Verified-token cache\d+ hits, [1-9]\d* misses/);
      await textOf(counters, /Auth-store queries[1-9]/);
      await textOf(counters, 'Gateways2');
      // The console server runs it in the background (longer than the gateway lets a request last): 202, then polls.
      const compare = region(page, 'Sessions vs JWT');
      const started = await clickFor(
        page,
        button(compare, 'Run sessions vs JWT'),
        'POST',
        '/console/api/sessions-vs-jwt',
      );
      expect(started.status()).toBe(202);
      expect(JSON.parse(started.request().postData()!)).toEqual({ calls: 30 });
      await textOf(compare.getByRole('status'), /^Running…/);
      await textOf(compare.getByRole('status'), /Done: 5 modes compared/, 120_000);
      await expectComparison(compare);

      // Memory only: nothing in web storage or cookies.
      expect(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]')).toEqual([0, 0, '']);
      expect(await watched.context.cookies()).toEqual([]);
      await watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 120_000);

  it('refreshes automatically shortly before expiry, with one request', async () => {
    const watched = await openConsole({}, (page) => page.clock.install());
    const { page } = watched;
    try {
      const user = newUser();
      await register(page, user);
      const first = await logIn(page, user);
      const refreshes: string[] = [];
      page.on('request', (r) => void (new URL(r.url()).pathname === '/auth/refresh' && refreshes.push(r.method())));
      await page.clock.fastForward('13:50');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(refreshes).toEqual([]);
      const [response] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/refresh'),
        page.clock.fastForward('00:15'), // past 14:00, 60 s before the 15-minute expiry
      ]);
      expect(response.status()).toBe(200);
      await textOf(page.locator('#refresh-note'), 'Refreshed automatically');
      expect(await encodedToken(page)).not.toBe(first);
      expect(refreshes).toEqual(['POST']);
      await watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 60_000);

  it('fits a 375 × 800 screen without horizontal scrolling', async () => {
    const watched = await openConsole({
      viewport: { width: 375, height: 800 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const { page } = watched;
    try {
      const user = newUser();
      await register(page, user);
      await logIn(page, user);
      await textOf(region(page, 'Signature check in this browser'), 'Signature valid');
      for (const name of ['GET /api/catalog/products', 'POST /api/orders', 'GET /api/orders', 'GET /api/profile/me'])
        await clickFor(page, button(page, name), name.split(' ')[0]!, name.split(' ')[1]!);
      watched.allow('GET', '/api/profile/me', 401);
      await button(page, 'Add the admin role').click();
      await clickFor(page, button(page, 'Send the tampered token to GET /api/profile/me'), 'GET', '/api/profile/me');
      await textOf(page.locator('#tamper-verdict'), 'Refused: 401');
      const widths = (await page.evaluate(
        '[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]',
      )) as number[];
      expect(widths[0]).toBeLessThanOrEqual(375);
      expect(widths[1]).toBeLessThanOrEqual(375);
      expect(widths[2]).toBe(375);
      await watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 60_000);

  it('logs in by keyboard alone (Tab, typing, Enter), with a visible focus', async () => {
    const watched = await openConsole();
    const { page } = watched;
    try {
      const user = newUser();
      const focused = () =>
        page.evaluate(
          '(() => { const e = document.activeElement; const s = getComputedStyle(e); return { id: e.id, text: e.textContent.trim(), outline: s.outlineStyle + " " + s.outlineWidth }; })()',
        ) as Promise<{ id: string; text: string; outline: string }>;
      const order: string[] = [];
      for (let i = 0; i < 3 && (await focused()).id !== 'username'; i += 1) {
        await page.keyboard.press('Tab');
        const now = await focused();
        order.push(now.id || now.text);
        expect(now.outline).not.toMatch(/^none/);
      }
      expect(order).toEqual(['Skip to the console', 'username']);
      await page.keyboard.type(user.username);
      await page.keyboard.press('Tab');
      expect((await focused()).id).toBe('password');
      await page.keyboard.type(user.password);
      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ text: 'Log in', outline: expect.stringMatching(/^solid [1-9]/) });
      await page.keyboard.press('Tab');
      expect((await focused()).text).toBe('Register');
      await page.keyboard.press('Enter');
      await textOf(statusOf(page, 'Log in'), `Registered ${user.username} (201)`);
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      expect((await focused()).id).toBe('password');
      await page.keyboard.press('Enter'); // implicit submission: "Log in" is the form's default button
      await textOf(statusOf(page, 'Log in'), `Logged in as ${user.username}`);
      expect((await focused()).id).toBe('password'); // focus stays where it was
      await textOf(region(page, 'Signature check in this browser'), 'Signature valid');
      await watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 60_000);

  it('has no serious or critical axe-core violations, logged out and logged in', async () => {
    // axe is injected as an inline script, which the page's CSP would block: this context bypasses it.
    const watched = await openConsole({ bypassCSP: true });
    const { page } = watched;
    const violations = async () => {
      await page.addScriptTag({ path: AXE });
      const found = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
        r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`)) as {
        impact: string;
      }[];
      return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    };
    try {
      expect(await violations()).toEqual([]);
      const user = newUser();
      await register(page, user);
      await logIn(page, user);
      await textOf(region(page, 'Signature check in this browser'), 'Signature valid');
      await clickFor(page, button(page, 'GET /api/orders'), 'GET', '/api/orders');
      watched.allow('GET', '/api/profile/me', 401);
      await clickFor(page, button(page, 'Send an alg: none token to GET /api/profile/me'), 'GET', '/api/profile/me');
      await textOf(page.locator('#tamper-verdict'), 'Refused: 401');
      await button(page, 'Run sessions vs JWT').click();
      await textOf(region(page, 'Sessions vs JWT').getByRole('status'), /Done: 5 modes compared/, 120_000);
      expect(await violations()).toEqual([]);
      await watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 180_000);

  it('says plainly when a service or the gateway is down, or the network is gone, and never goes blank', async () => {
    const watched = await openConsole();
    const { page } = watched;
    const stopped = [...cluster.replicasOf('catalog'), ...cluster.replicasOf('auth')];
    const gateway = cluster.replicasOf('gateway')[0]!;
    try {
      const user = newUser();
      await register(page, user);
      await logIn(page, user);

      // A service down: the gateway answers 503 JSON, and the page says the system is unavailable.
      // (Allowed before the stop: the page's own loads after the login may meet it while it stops.)
      watched.allow('GET', '/api/catalog/products', 503);
      watched.allow('POST', '/auth/login', 503);
      watched.allow('GET', '/.well-known/jwks.json', 503);
      watched.allow('GET', '/auth/sessions', 503);
      await Promise.all(stopped.map((replica) => replica.stop()));
      await clickFor(page, button(page, 'GET /api/catalog/products'), 'GET', '/api/catalog/products');
      await textOf(
        statusOf(page, 'API calls through the gateway'),
        'The system is unavailable (503 upstream_unavailable)',
      );
      await page.getByLabel('Password').fill(user.password);
      await clickFor(page, button(page, 'Log in'), 'POST', '/auth/login');
      await textOf(statusOf(page, 'Log in'), 'The system is unavailable right now (503)');
      // The counters still answer: the auth replicas are skipped and counted.
      const stats = await call(origin, 'GET', '/console/api/stats', {});
      expect([stats.status, stats.body.authReplicas, stats.body.unreachable]).toEqual([200, 0, 2]);

      // The gateway that served the page down: no answer at all.
      // A request in flight while it stops is cut (reset, empty); later ones are refused.
      watched.allowConsole(/net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE)/);
      await gateway.stop();
      await button(page, 'GET /api/orders').click();
      await textOf(
        statusOf(page, 'API calls through the gateway'),
        'GET /api/orders: no answer. No answer: the gateway cannot be reached',
      );
      await page.getByLabel('Password').fill(user.password);
      await button(page, 'Log in').click();
      await textOf(statusOf(page, 'Log in'), 'The gateway cannot be reached');

      // And offline.
      watched.allowConsole(/net::ERR_INTERNET_DISCONNECTED/);
      await watched.context.setOffline(true);
      await button(page, 'GET /api/profile/me').click();
      await textOf(
        statusOf(page, 'API calls through the gateway'),
        'GET /api/profile/me: no answer. No answer: the gateway cannot be reached',
      );
      await textOf(page.getByRole('note'), 'memory only'); // still the whole page
      expect(await page.getByRole('region').count()).toBeGreaterThanOrEqual(7);
      await watched.assertClean();
    } finally {
      await watched.close();
      for (const replica of [...stopped, gateway]) replica.start();
      await Promise.all([...stopped, gateway].map((replica) => replica.waitUntilReady(60_000)));
    }
  }, 120_000);
});
