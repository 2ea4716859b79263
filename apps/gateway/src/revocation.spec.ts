import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { RevocationEntry } from '@jwt-msa/revocation';
import { createLogger } from '@jwt-msa/service-defaults';
import { recordingServer, type RecordingServer } from '@jwt-msa/testing';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import { createGatewayApp, type GatewayApp } from './app';
import { loadGatewayConfig } from './config';

const FEED_SECRET = 'gateway-feed-secret-'.padEnd(40, 'x');
const logger = createLogger('gateway', 'test', 'silent');

/**
 * A stand-in issuer on real HTTP: the JWKS, and the revocation feed as the auth service serves it
 * (full list without `after`, a long poll with it), with switches to delay the first list and to
 * make the feed fail.
 */
class FakeIssuer {
  entries: RevocationEntry[] = [];
  feedStatus = 200;
  fullPageSize = 1000;
  firstListReleased: Promise<void> = Promise.resolve();
  readonly feedAuthorizations: string[] = [];
  private waiting: Array<{ after: number; res: ServerResponse; timer: NodeJS.Timeout }> = [];
  private server!: Server;
  url = '';

  constructor(private readonly key: SigningKey) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  revoke(fields: Pick<RevocationEntry, 'kind' | 'id'> & Partial<RevocationEntry>): void {
    const now = Date.now();
    const entry: RevocationEntry = {
      seq: this.entries.length + 1,
      subject: 'id-alice',
      issuedUntilMs: now,
      expiresAtMs: now + 600_000,
      revokedAtMs: now,
      ...fields,
    };
    this.entries.push(entry);
    for (const waiter of this.waiting.filter((w) => w.after < entry.seq)) this.answer(waiter.res, waiter.after);
    this.waiting = this.waiting.filter((w) => w.after >= entry.seq);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://issuer');
    if (url.pathname === '/.well-known/jwks.json') return this.json(res, 200, { keys: [this.key.publicJwk] });
    if (url.pathname !== '/internal/revocations') return this.json(res, 404, {});
    this.feedAuthorizations.push(req.headers.authorization ?? '');
    if (this.feedStatus !== 200) return this.json(res, this.feedStatus, { error: 'down' });
    const after = url.searchParams.get('after');
    if (after === null) {
      await this.firstListReleased;
      const from = Number(url.searchParams.get('from') ?? 0);
      const until = Number(url.searchParams.get('until') ?? this.entries.length);
      const page = this.entries.filter((entry) => entry.seq > from && entry.seq <= until).slice(0, this.fullPageSize);
      const more = page.length === this.fullPageSize && page.at(-1)!.seq < until;
      return this.json(res, 200, { cursor: until, full: true, entries: page, ...(more && { next: page.at(-1)!.seq }) });
    }
    const cursor = Number(after);
    if (this.entries.length > cursor) return this.answer(res, cursor);
    const timer = setTimeout(() => this.answer(res, cursor), Number(url.searchParams.get('waitMs')));
    this.waiting.push({ after: cursor, res, timer });
  }

  private answer(res: ServerResponse, after: number): void {
    const waiter = this.waiting.find((w) => w.res === res);
    if (waiter) clearTimeout(waiter.timer);
    this.waiting = this.waiting.filter((w) => w.res !== res);
    if (res.writableEnded) return;
    const entries = this.entries.filter((entry) => entry.seq > after);
    this.json(res, 200, { cursor: Math.max(after, this.entries.length), full: false, entries });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

let key: SigningKey;
let upstream: RecordingServer;
const signer = new AccessTokenSigner({ issuer: 'http://localhost:8080', audience: 'jwt-msa-api', ttlSeconds: 300 });
const tokenOf = (sid: string, issuedAtMs = Date.now()) =>
  signer.sign(key, { sub: 'id-alice', username: 'alice', roles: ['user'], sid }, issuedAtMs);

beforeAll(async () => {
  key = await generateSigningKey();
  upstream = await recordingServer(() => ({ body: { served: true } }));
});
afterAll(() => upstream.close());

async function gatewayFor(issuer: FakeIssuer, env: Record<string, string> = {}): Promise<GatewayApp> {
  const config = loadGatewayConfig({
    AUTH_SERVICE_URLS: issuer.url,
    CATALOG_SERVICE_URLS: upstream.url,
    ORDERS_SERVICE_URLS: upstream.url,
    PROFILE_SERVICE_URLS: upstream.url,
    REVOCATION_FEED_SECRET: FEED_SECRET,
    REVOCATION_FEED_WAIT_MS: '500',
    REVOCATION_MAX_STALENESS_SECONDS: '1',
    ...env,
  });
  const gateway = createGatewayApp(config, logger);
  gateway.revocations.start();
  return gateway;
}

const callWith = (gateway: GatewayApp, token: string) =>
  request(gateway.service.app).get('/api/orders').set('Authorization', `Bearer ${token}`);

async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('the gateway follows the revocation feed', () => {
  let issuer: FakeIssuer;
  let gateway: GatewayApp;

  beforeAll(async () => {
    issuer = new FakeIssuer(key);
    await issuer.start();
  });
  afterAll(async () => {
    await gateway.revocations.stop();
    await issuer.close();
  });

  it('is not ready, and accepts no token, until it has loaded the list', async () => {
    let release = () => undefined as void;
    issuer.firstListReleased = new Promise<void>((resolve) => (release = resolve));
    issuer.revoke({ kind: 'session', id: 'revoked-before-start' });
    gateway = await gatewayFor(issuer);
    const notReady = await request(gateway.service.app).get('/readyz').expect(503);
    expect(notReady.body.checks.revocations).toBe('revocation list not loaded yet');
    const early = await callWith(gateway, tokenOf('fine').token).expect(503);
    expect(early.body.error).toBe('revocation_list_stale');
    release();
    await eventually(async () => (await request(gateway.service.app).get('/readyz')).status === 200);
    const ready = await request(gateway.service.app).get('/readyz').expect(200);
    expect(ready.body.checks.revocations).toBe('ok (1 entries)');
    // From its first ready moment, a token revoked before it started is refused.
    await callWith(gateway, tokenOf('revoked-before-start').token).expect(401);
    expect(issuer.feedAuthorizations.every((header) => header === `Bearer ${FEED_SECRET}`)).toBe(true);
  });

  it('refuses a token revoked while it is served from the verified-token cache, within a second', async () => {
    const { token } = tokenOf('family-live');
    await callWith(gateway, token).expect(200);
    await callWith(gateway, token).expect(200); // now a cache hit
    expect(gateway.verification.cache.stats().hits).toBeGreaterThan(0);
    const before = upstream.requests.length;
    issuer.revoke({ kind: 'session', id: 'family-live' });
    const lagMs = await eventually(async () => (await callWith(gateway, token)).status === 401, 1000);
    expect(lagMs).toBeLessThan(1000);
    const res = await callWith(gateway, token).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="jwt-msa", error="invalid_token", error_description="The token has been revoked"',
    );
    expect(res.body).toEqual({ error: 'invalid_token', message: 'The token has been revoked' });
    expect(upstream.requests.length).toBe(before);
    // Another login of the same user is untouched.
    await callWith(gateway, tokenOf('family-other').token).expect(200);
    const metrics = (await request(gateway.adminApp).get('/metrics')).text;
    expect(metrics).toMatch(/gateway_token_verifications_total\{outcome="revoked",[^}]*\} [1-9]/);
    expect(metrics).toMatch(/gateway_revocation_entries\{[^}]*\} 2/);
    expect(metrics).toMatch(/gateway_revocation_lag_seconds_count\{[^}]*\} 1/);
    expect(metrics).toMatch(/gateway_revocation_staleness_seconds\{[^}]*\} 0/);
  });

  it('refuses by jti and by a cutoff of whole seconds', async () => {
    const byJti = tokenOf('family-jti');
    issuer.revoke({ kind: 'token', id: byJti.jti });
    await eventually(async () => (await callWith(gateway, byJti.token)).status === 401);
    const older = tokenOf('family-older', Date.now() - 2000);
    issuer.revoke({ kind: 'subject', id: 'id-alice', issuedUntilMs: Date.now() - 1000 });
    await eventually(async () => (await callWith(gateway, older.token)).status === 401);
    await callWith(gateway, tokenOf('family-newer').token).expect(200);
  });

  it('fail mode open (default): with the feed down it keeps refusing what it knows, serves the rest, and says it is stale', async () => {
    issuer.feedStatus = 503;
    await eventually(async () => {
      const res = await request(gateway.service.app).get('/readyz');
      return res.status === 200 && /^stale for \d+ s \(fail mode open/.test(res.body.checks.revocations);
    }, 5000);
    await callWith(gateway, tokenOf('family-live').token).expect(401);
    await callWith(gateway, tokenOf('family-fresh').token).expect(200);
    const metrics = (await request(gateway.adminApp).get('/metrics')).text;
    expect(metrics).toMatch(/gateway_revocation_staleness_seconds\{[^}]*\} [1-9]/);
    issuer.feedStatus = 200;
    await eventually(
      async () => (await request(gateway.service.app).get('/readyz')).body.checks.revocations.startsWith('ok'),
      5000,
    );
  });
});

describe('fail mode closed', () => {
  it('refuses every token (503) and is not ready once the list is older than the limit, then recovers', async () => {
    const issuer = new FakeIssuer(key);
    await issuer.start();
    const gateway = await gatewayFor(issuer, { REVOCATION_FAIL_MODE: 'closed' });
    try {
      await eventually(async () => (await request(gateway.service.app).get('/readyz')).status === 200);
      const { token } = tokenOf('family-closed');
      await callWith(gateway, token).expect(200);
      issuer.feedStatus = 503;
      await eventually(async () => (await callWith(gateway, token)).status === 503, 5000);
      const refused = await callWith(gateway, token).expect(503);
      expect(refused.body).toEqual({
        error: 'revocation_list_stale',
        message: expect.stringMatching(/^The revocation list is not current: stale for \d+ s$/),
      });
      const notReady = await request(gateway.service.app).get('/readyz').expect(503);
      expect(notReady.body.checks.revocations).toMatch(/fail mode closed: refusing tokens/);
      issuer.feedStatus = 200;
      await eventually(async () => (await callWith(gateway, token)).status === 200, 5000);
    } finally {
      await gateway.revocations.stop();
      await issuer.close();
    }
  });
});

describe('a full list in pages', () => {
  it('is applied whole once every page has come', async () => {
    const issuer = new FakeIssuer(key);
    await issuer.start();
    issuer.fullPageSize = 2;
    for (const sid of ['page-1a', 'page-1b', 'page-2a', 'page-2b', 'page-3a'])
      issuer.revoke({ kind: 'session', id: sid });
    const gateway = await gatewayFor(issuer);
    try {
      await eventually(async () => (await request(gateway.service.app).get('/readyz')).status === 200);
      expect(gateway.revocations.denyList.size).toBe(5);
      for (const sid of ['page-1a', 'page-2b', 'page-3a']) await callWith(gateway, tokenOf(sid).token).expect(401);
      expect(issuer.feedAuthorizations.length).toBeGreaterThanOrEqual(3);
    } finally {
      await gateway.revocations.stop();
      await issuer.close();
    }
  });
});

describe('without a feed secret', () => {
  it('does not follow any feed and says so in its readiness', async () => {
    const issuer = new FakeIssuer(key);
    await issuer.start();
    const gateway = await gatewayFor(issuer, { REVOCATION_FEED_SECRET: '' });
    try {
      const ready = await request(gateway.service.app).get('/readyz').expect(200);
      expect(ready.body.checks.revocations).toBe('disabled (REVOCATION_FEED_SECRET unset)');
      await callWith(gateway, tokenOf('any').token).expect(200);
      expect(issuer.feedAuthorizations).toEqual([]);
    } finally {
      await gateway.revocations.stop();
      await issuer.close();
    }
  });

  it('refuses a feed secret shorter than 32 characters at start', () => {
    expect(() => loadGatewayConfig({ REVOCATION_FEED_SECRET: 'short' })).toThrow(/REVOCATION_FEED_SECRET/);
  });
});
