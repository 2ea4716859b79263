import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import {
  gatewayEnv,
  listening,
  rawRequest,
  startBackends,
  testGateway,
  type Backends,
  type TestGateway,
} from '../test/session-kit';
import { sessionMigrations } from './data-access/migrations';

let backends: Backends;
let sessionDb: MigratedTestDatabase;

beforeAll(async () => {
  [backends, sessionDb] = await Promise.all([startBackends(), migratedTestDatabase('sessions', sessionMigrations)]);
});

afterAll(async () => {
  await Promise.all([backends.close(), sessionDb.drop()]);
});

const REPLICATION_SECRET = 'replication-secret-of-the-test-cluster';
const IDLE = 600;
const ABSOLUTE = 3600;

const storeEnv = {
  memory: () => ({ SESSION_STORE: 'memory' }),
  postgres: () => ({ SESSION_STORE: 'postgres', DATABASE_URL: sessionDb.url }),
  // Without peers: what a lone replica of the clustered store does (copies: replication.spec.ts).
  replicated: () => ({ SESSION_STORE: 'replicated', SESSION_REPLICATION_SECRET: REPLICATION_SECRET }),
};

describe.each(Object.keys(storeEnv) as Array<keyof typeof storeEnv>)('the session gateway, %s store', (store) => {
  let gw: TestGateway;
  const cookie = (sid: string) => `sid=${sid}`;
  const orders = (sid?: string) => {
    const call = request(gw.app).get('/api/orders');
    return sid === undefined ? call : call.set('Cookie', cookie(sid));
  };

  beforeAll(() => {
    gw = testGateway(
      gatewayEnv(backends, {
        ...storeEnv[store](),
        SESSION_IDLE_SECONDS: String(IDLE),
        SESSION_ABSOLUTE_SECONDS: String(ABSOLUTE),
      }),
    );
  });

  afterAll(() => gw.close());

  it('logs in with a fresh 256-bit id in an HttpOnly, SameSite=Strict cookie, and answers who you are', async () => {
    const res = await request(gw.app)
      .post('/session/login')
      .send({ username: 'alice', password: 'alice-password' })
      .expect(200);
    expect(res.body).toEqual({ username: 'alice', roles: ['user'] });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['set-cookie']).toEqual([
      expect.stringMatching(
        new RegExp(`^sid=[A-Za-z0-9_-]{43}; Path=/; Max-Age=${ABSOLUTE}; HttpOnly; SameSite=Strict$`),
      ),
    ]);
    const ids = new Set(await Promise.all([1, 2, 3].map(async () => (await gw.login()).sid)));
    expect(ids.size).toBe(3);
  });

  it('proxies with the session user as the only identity, and forwards no cookie', async () => {
    const { sid } = await gw.login();
    const before = backends.proxied().length;
    const res = await orders(sid).set('X-User-Id', 'id-root').set('X-User-Roles', 'admin').expect(200);
    expect(res.body).toEqual({ served: true, userId: 'id-alice' });
    const seen = backends.proxied()[before]!;
    expect(seen.headers).toMatchObject({ 'x-user-id': 'id-alice', 'x-user-name': 'alice', 'x-user-roles': 'user' });
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['x-token-id']).toBeUndefined();
  });

  it('answers 401 JSON without a session, with an unknown one, and for a guessed or forged id, proxying nothing', async () => {
    const before = backends.proxied().length;
    expect((await orders().expect(401)).body).toEqual({
      error: 'no_session',
      message: 'No session: log in at POST /session/login',
    });
    for (const sid of [randomBytes(32).toString('base64url'), 'admin', '', 'id-alice', '../../etc/passwd']) {
      expect((await orders(sid).expect(401)).body.error).toBe('unknown_session');
    }
    expect(backends.proxied().length).toBe(before);
  });

  it('keeps the route policy (a role the session user lacks is 403) and strips identity headers on public routes', async () => {
    const user = await gw.login('alice');
    const admin = await gw.login('root');
    await request(gw.app).post('/api/catalog/products').set('Cookie', cookie(user.sid)).send({}).expect(403);
    await request(gw.app).post('/api/catalog/products').set('Cookie', cookie(admin.sid)).send({}).expect(200);
    const before = backends.proxied().length;
    await request(gw.app)
      .get('/api/catalog/products')
      .set('X-User-Id', 'id-root')
      .set('X-User-Roles', 'admin')
      .expect(200);
    const seen = backends.proxied()[before]!;
    expect([seen.headers['x-user-id'], seen.headers['x-user-roles']]).toEqual([undefined, undefined]);
  });

  it('never fixes a session: a login replaces the id the client came with, and ends that session', async () => {
    const first = await gw.login();
    const res = await request(gw.app)
      .post('/session/login')
      .set('Cookie', cookie(first.sid))
      .send({ username: 'alice', password: 'alice-password' })
      .expect(200);
    const second = /^sid=([^;]*)/.exec(String(res.headers['set-cookie']))![1]!;
    expect(second).not.toBe(first.sid);
    await orders(first.sid).expect(401);
    await orders(second).expect(200);
    const planted = randomBytes(32).toString('base64url');
    const fresh = await request(gw.app)
      .post('/session/login')
      .set('Cookie', cookie(planted))
      .send({ username: 'alice', password: 'alice-password' });
    expect(String(fresh.headers['set-cookie'])).not.toContain(planted);
    await orders(planted).expect(401);
  });

  it('refuses unsafe requests from another origin (CSRF), login included', async () => {
    const { sid } = await gw.login();
    const before = backends.proxied().length;
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example']) {
      const res = await request(gw.app)
        .post('/api/orders')
        .set('Cookie', cookie(sid))
        .set('Origin', origin)
        .send({ productId: 'p', quantity: 1 })
        .expect(403);
      expect(res.body).toEqual({ error: 'origin_not_allowed', message: 'Requests from this origin are not allowed' });
    }
    const login = await request(gw.app)
      .post('/session/login')
      .set('Origin', 'https://evil.example')
      .send({ username: 'alice', password: 'alice-password' })
      .expect(403);
    expect(login.headers['set-cookie']).toBeUndefined();
    expect(backends.proxied().length).toBe(before);
    // Its own origin, and a safe method from anywhere, pass.
    const own = await request(gw.app).post('/api/orders').set('Cookie', cookie(sid)).set('Host', 'shop.test');
    expect(own.status).toBe(200);
    await request(gw.app)
      .post('/api/orders')
      .set('Cookie', cookie(sid))
      .set('Host', 'shop.test')
      .set('Origin', 'http://shop.test')
      .expect(200);
    await orders(sid).set('Origin', 'https://evil.example').expect(200);
  });

  it('logs out: the session is gone and the cookie cleared', async () => {
    const { sid } = await gw.login();
    const res = await request(gw.app).post('/session/logout').set('Cookie', cookie(sid)).expect(204);
    expect(res.headers['set-cookie']).toEqual(['sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict']);
    await orders(sid).expect(401);
    await request(gw.app).post('/session/logout').expect(204);
  });

  it('ends a session left idle, and any session at its absolute lifetime however much it is used', async () => {
    const idle = await gw.login();
    const busy = await gw.login();
    gw.advance(IDLE - 5);
    await orders(busy.sid).expect(200);
    gw.advance(10);
    await orders(idle.sid).expect(401);
    // Used more often than the idle lifetime, allowing for the postgres store recording a use at most once a minute.
    const step = IDLE - 70;
    for (let used = IDLE + 5; used < ABSOLUTE; used += step) {
      await orders(busy.sid).expect(200);
      gw.advance(step);
    }
    await orders(busy.sid).expect(401);
  });

  it('does not route the issuer: /auth/*, the JWKS and the internal credentials check are 404 here', async () => {
    const before = backends.auth.requests.length;
    for (const [method, path] of [
      ['post', '/auth/login'],
      ['get', '/.well-known/jwks.json'],
      ['post', '/internal/credentials/check'],
    ] as const) {
      const res = await request(gw.app)[method](path).send({ username: 'alice', password: 'alice-password' });
      expect([path, res.status, res.body.error]).toEqual([path, 404, 'not_found']);
    }
    expect(backends.auth.requests.length).toBe(before);
  });

  it('answers bad logins clearly: wrong password 401, throttled 429 with Retry-After, malformed 400', async () => {
    const wrong = await request(gw.app).post('/session/login').send({ username: 'alice', password: 'nope' });
    expect([wrong.status, wrong.body.error, wrong.headers['set-cookie']]).toEqual([
      401,
      'invalid_credentials',
      undefined,
    ]);
    const throttled = await request(gw.app).post('/session/login').send({ username: 'throttled', password: 'x' });
    expect([throttled.status, throttled.headers['retry-after']]).toEqual([429, '7']);
    await request(gw.app).post('/session/login').send({ username: 'alice' }).expect(400);
    await request(gw.app).post('/session/login').set('Content-Type', 'application/json').send('{"a":').expect(400);
  });
});

describe('the session gateway, what only one store shows', () => {
  it('forwards the client address to the credentials check (login throttling stays per client)', async () => {
    const gw = testGateway(gatewayEnv(backends));
    const before = backends.auth.requests.length;
    await request(gw.app)
      .post('/session/login')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ username: 'alice', password: 'alice-password' })
      .expect(200);
    const check = backends.auth.requests[before]!;
    expect(check.headers['x-forwarded-for']).toMatch(/^203\.0\.113\.9, (::ffff:)?127\.0\.0\.1$/);
    expect(check.headers.authorization).toBe('Bearer test-secret-shared-with-the-auth-service');
  });

  it('memory: holds at most SESSION_MEMORY_MAX_SESSIONS, dropping the oldest login', async () => {
    const gw = testGateway(gatewayEnv(backends, { SESSION_MEMORY_MAX_SESSIONS: '2' }));
    const [a, b, c] = [await gw.login(), await gw.login(), await gw.login()];
    await request(gw.app).get('/api/orders').set('Cookie', `sid=${a.sid}`).expect(401);
    await request(gw.app).get('/api/orders').set('Cookie', `sid=${b.sid}`).expect(200);
    await request(gw.app).get('/api/orders').set('Cookie', `sid=${c.sid}`).expect(200);
  });

  it('postgres: stores only a hash of the id (a leaked table logs nobody in), one counted lookup per call', async () => {
    const gw = testGateway(gatewayEnv(backends, { SESSION_STORE: 'postgres', DATABASE_URL: sessionDb.url }));
    try {
      const { sid } = await gw.login();
      const rows = await sessionDb.db.query<{ id_hash: string }>('test', 'SELECT id_hash FROM sessions');
      expect(rows.map((row) => row.id_hash)).not.toContain(sid);
      for (const { id_hash } of rows) {
        await request(gw.app).get('/api/orders').set('Cookie', `sid=${id_hash}`).expect(401);
      }
      const lookups = () => gw.gateway.db!.queryCounts()['session.lookup'] ?? 0;
      const before = lookups();
      for (let i = 0; i < 5; i += 1) await request(gw.app).get('/api/orders').set('Cookie', `sid=${sid}`).expect(200);
      await request(gw.app).get('/api/catalog/products').expect(200);
      await request(gw.app).get('/api/orders').set('Cookie', 'sid=not-one-of-ours').expect(401);
      expect(lookups() - before).toBe(5);
      const metrics = (await request(gw.gateway.adminApp).get('/metrics')).text;
      expect(metrics).toMatch(/db_queries_total\{purpose="session\.lookup",[^}]*\} [1-9]/);
      expect(metrics).toMatch(/session_store_lookups_total\{store="postgres",result="found",[^}]*\} [1-9]/);
    } finally {
      await gw.close();
    }
  });

  it('adds Secure to the cookie when configured for HTTPS', async () => {
    const gw = testGateway(gatewayEnv(backends, { SESSION_COOKIE_SECURE: 'true' }));
    expect((await gw.login()).setCookie).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });
});

describe('the session gateway, bad cookies', () => {
  let gw: TestGateway;
  let port: number;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    gw = testGateway(gatewayEnv(backends));
    const running = await listening(gw.gateway);
    port = running.port;
    stop = () => running.shutdown('test over');
  });

  afterAll(() => stop());

  const withCookie = (value: string) =>
    rawRequest(
      port,
      ['GET /api/orders HTTP/1.1', 'Host: localhost', `Cookie: ${value}`, 'Connection: close', '', ''].join('\r\n'),
    );

  it.each([
    ['many cookies', Array.from({ length: 100 }, (_, i) => `c${i}=1`).join('; '), 400, 'invalid_cookie'],
    ['two session cookies', `sid=${'a'.repeat(43)}; sid=${'b'.repeat(43)}`, 400, 'invalid_cookie'],
    ['a huge Cookie header', `sid=${'a'.repeat(12_000)}`, 400, 'invalid_cookie'],
    ['a Cookie header over the header limit', `x=${'a'.repeat(20_000)}`, 431, 'headers_too_large'],
    ['a tab inside the sid', `sid=${'a'.repeat(20)}\t${'a'.repeat(22)}`, 400, 'invalid_cookie'],
    ['a control character inside the sid', `sid=${'a'.repeat(20)}\u0001${'a'.repeat(22)}`, 400, 'bad_request'],
    ['a sid of the wrong shape', 'sid=%00%0d%0a', 401, 'unknown_session'],
    ['no value at all', 'sid', 401, 'no_session'],
    ['a cookie without name', '=x; ;;', 401, 'no_session'],
  ])('answers %s with JSON, never a 5xx', async (_name, value, status, error) => {
    const res = await withCookie(value);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body).error).toBe(error);
  });
});
