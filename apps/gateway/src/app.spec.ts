import request from 'supertest';
import { createLogger } from '@jwt-msa/service-defaults';
import { deadPort, recordingServer, type Recorded, type RecordingServer, type Reply } from '@jwt-msa/testing';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import { createGatewayApp, type GatewayApp } from './app';
import { loadGatewayConfig } from './config';

interface Seen extends Recorded {
  name: string;
}

let key: SigningKey;
const servers: RecordingServer[] = [];
let seen: Seen[] = [];
let gateway: GatewayApp;
const logger = createLogger('gateway', 'test', 'silent');

/** A real HTTP upstream that records what it received and says who it is; it also serves the JWKS. */
async function upstream(name: string, behaviour: 'echo' | 'slow' = 'echo'): Promise<string> {
  const server = await recordingServer(async (request): Promise<Reply> => {
    seen.push({ name, ...request });
    if (request.url === '/.well-known/jwks.json') return { body: { keys: [key.publicJwk] } };
    // A service posing as a gateway replica: the edge must not let it.
    if (name === 'console')
      return { headers: { 'x-served-by': name, 'x-gateway-instance': 'forged' }, body: { served: name } };
    if (behaviour === 'slow') await new Promise((resolve) => setTimeout(resolve, 2000).unref());
    return { headers: { 'x-served-by': name }, body: { served: name } };
  });
  servers.push(server);
  return server.url;
}

const deadUrl = async () => `http://127.0.0.1:${await deadPort()}`;

/** Requests that reached a service (the gateway's own JWKS fetches do not count). */
const proxied = () => seen.filter((entry) => entry.url !== '/.well-known/jwks.json');

const signer = new AccessTokenSigner({ issuer: 'http://localhost:8080', audience: 'jwt-msa-api', ttlSeconds: 60 });
const tokenFor = (roles: string[], username = 'alice') =>
  signer.sign(key, { sub: `id-${username}`, username, roles }).token;

beforeAll(async () => {
  key = await generateSigningKey();
  const config = loadGatewayConfig({
    AUTH_SERVICE_URLS: await upstream('auth'),
    CATALOG_SERVICE_URLS: [await upstream('catalog-1'), await upstream('catalog-2')].join(','),
    ORDERS_SERVICE_URLS: await upstream('orders', 'slow'),
    PROFILE_SERVICE_URLS: await deadUrl(),
    CONSOLE_SERVICE_URLS: await upstream('console'),
    UPSTREAM_TIMEOUT_MS: '500',
    INSTANCE_ID: 'gateway-7',
  });
  gateway = createGatewayApp(config, logger);
});
beforeEach(() => {
  seen = [];
});
afterAll(() => Promise.all(servers.map((server) => server.close())));

describe('gateway routing and verification', () => {
  it('proxies public routes without a token, with a request id', async () => {
    const res = await request(gateway.service.app).get('/api/catalog/products').expect(200);
    expect(res.body.served).toMatch(/^catalog-/);
    expect(seen[0]).toMatchObject({ url: '/api/catalog/products', method: 'GET' });
    expect(seen[0]!.headers['x-request-id']).toBe(res.headers['x-request-id']);
  });

  it('spreads requests over every replica', async () => {
    const served = new Set<string>();
    for (let i = 0; i < 4; i += 1)
      served.add((await request(gateway.service.app).get('/api/catalog/products')).body.served);
    expect([...served].sort()).toEqual(['catalog-1', 'catalog-2']);
  });

  it('answers 401 with an RFC 6750 challenge and proxies nothing without a token', async () => {
    const res = await request(gateway.service.app)
      .post('/api/catalog/products')
      .send({ name: 'x', price: 1 })
      .expect(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: 'Missing bearer token' });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="jwt-msa"');
    const bad = await request(gateway.service.app)
      .get('/api/profile/me')
      .set('Authorization', 'Bearer not.a.jwt')
      .expect(401);
    expect(bad.headers['www-authenticate']).toMatch(
      /^Bearer realm="jwt-msa", error="invalid_token", error_description=".+"$/,
    );
    expect(proxied()).toHaveLength(0);
  });

  it('answers 403 when the route needs a role the token lacks', async () => {
    await request(gateway.service.app)
      .post('/api/catalog/products')
      .set('Authorization', `Bearer ${tokenFor(['user'])}`)
      .send({})
      .expect(403);
    expect(proxied()).toHaveLength(0);
  });

  it('still enforces the role policy when the token comes from the verified-token cache', async () => {
    const token = tokenFor(['user'], 'cached');
    await request(gateway.service.app).get('/api/catalog/products').set('Authorization', `Bearer ${token}`).expect(200);
    await request(gateway.service.app).get('/api/profile/me').set('Authorization', `Bearer ${token}`).expect(503); // verified, then the dead upstream
    await request(gateway.service.app)
      .post('/api/catalog/products')
      .set('Authorization', `Bearer ${token}`)
      .send({})
      .expect(403);
    const metrics = (await request(gateway.adminApp).get('/metrics')).text;
    expect(metrics).toMatch(/gateway_verified_token_cache_lookups_total\{result="hit",[^}]*\} [1-9]/);
  });

  it('forwards verified claims as identity headers, replacing forged ones in any casing', async () => {
    await request(gateway.service.app)
      .post('/api/catalog/products')
      .set('Authorization', `Bearer ${tokenFor(['user', 'admin'], 'root')}`)
      .set('X-User-Id', 'forged')
      .set('x-USER-roles', 'superuser')
      .set('X-Auth-User', 'mallory')
      .send({ name: 'x', price: 1 })
      .expect(200);
    const headers = proxied()[0]!.headers;
    expect(headers['x-user-id']).toBe('id-root');
    expect(headers['x-user-name']).toBe('root');
    expect(headers['x-user-roles']).toBe('user,admin');
    expect(headers['x-auth-user']).toBeUndefined();
    expect(headers.authorization).toMatch(/^Bearer /);
  });

  it('strips forged identity headers on public routes too', async () => {
    await request(gateway.service.app)
      .get('/api/catalog/products')
      .set('X-User-Id', 'forged')
      .set('X-User-Roles', 'admin')
      .expect(200);
    expect(seen[0]!.headers['x-user-id']).toBeUndefined();
    expect(seen[0]!.headers['x-user-roles']).toBeUndefined();
  });

  it('keeps internal endpoints and unknown paths off the public surface', async () => {
    await request(gateway.service.app).get('/healthz').expect(200, { status: 'ok' });
    await request(gateway.service.app).get('/readyz').expect(200);
    await request(gateway.service.app).get('/api/catalog/../../readyz').expect(400);
    await request(gateway.service.app)
      .get('/api/orders/%2e%2e/x')
      .set('Authorization', `Bearer ${tokenFor(['user'])}`)
      .expect(400);
    const res = await request(gateway.service.app).get('/metrics').expect(404);
    expect(res.body.error).toBe('not_found');
    expect(proxied()).toHaveLength(0);
  });

  it('answers 503 JSON when an upstream is down and 504 when it is too slow', async () => {
    const down = await request(gateway.service.app)
      .get('/api/profile/me')
      .set('Authorization', `Bearer ${tokenFor(['user'])}`)
      .expect(503);
    expect(down.body).toEqual({ error: 'upstream_unavailable', message: 'The profile service is unavailable' });
    const slow = await request(gateway.service.app)
      .get('/api/orders')
      .set('Authorization', `Bearer ${tokenFor(['user'])}`)
      .expect(504);
    expect(slow.body).toEqual({ error: 'upstream_timeout', message: 'The orders service did not answer in time' });
  });
});

describe('the console behind the gateway, and which gateway answered', () => {
  it('routes GET and HEAD /console/* to the console, publicly; other methods get a 405 JSON', async () => {
    const page = await request(gateway.service.app).get('/console/').expect(200);
    expect(page.body).toEqual({ served: 'console' });
    await request(gateway.service.app).head('/console/app.js').expect(200);
    expect(proxied().map((entry) => `${entry.method} ${entry.url}`)).toEqual(['GET /console/', 'HEAD /console/app.js']);
    const refused = await request(gateway.service.app).put('/console/app.js').expect(405);
    expect(refused.body).toEqual({ error: 'method_not_allowed', message: 'PUT is not allowed on /console/app.js' });
    expect(refused.headers['allow']).toBe('GET, HEAD');
    // The console's API measures on POST (revocation lag); nothing else writes.
    await request(gateway.service.app).post('/console/api/revocation-lag').send({ token: 'x' }).expect(200);
    await request(gateway.service.app).delete('/console/api/stats').expect(405);
    expect(proxied()).toHaveLength(3);
  });

  it('sends a browser asking for / to the console', async () => {
    const res = await request(gateway.service.app).get('/').expect(302);
    expect(res.headers['location']).toBe('/console/');
    expect(proxied()).toHaveLength(0);
  });

  it('names itself in X-Gateway-Instance on every response: proxied, its own errors, health', async () => {
    const responses = await Promise.all([
      request(gateway.service.app).get('/console/'),
      request(gateway.service.app).get('/api/orders'),
      request(gateway.service.app).get('/nowhere'),
      request(gateway.service.app).put('/console/'),
      request(gateway.service.app)
        .get('/api/profile/me')
        .set('Authorization', `Bearer ${tokenFor(['user'])}`),
      request(gateway.service.app).get('/healthz'),
      request(gateway.service.app).get('/'),
    ]);
    expect(responses.map((res) => [res.status, res.headers['x-gateway-instance']])).toEqual([
      [200, 'gateway-7'],
      [401, 'gateway-7'],
      [404, 'gateway-7'],
      [405, 'gateway-7'],
      [503, 'gateway-7'],
      [200, 'gateway-7'],
      [302, 'gateway-7'],
    ]);
  });

  it('does not route the console where it is not deployed (production leaves it out)', async () => {
    const withoutConsole = createGatewayApp(
      loadGatewayConfig({
        AUTH_SERVICE_URLS: await upstream('auth'),
        CATALOG_SERVICE_URLS: await upstream('catalog-1'),
        ORDERS_SERVICE_URLS: await upstream('orders'),
        PROFILE_SERVICE_URLS: await upstream('profile'),
      }),
      logger,
    );
    for (const path of ['/', '/console/', '/console/api/stats']) {
      const res = await request(withoutConsole.service.app).get(path).expect(404);
      expect([path, res.body.error]).toEqual([path, 'not_found']);
    }
    await request(withoutConsole.service.app).post('/console/api/revocation-lag').expect(404);
    expect(proxied()).toHaveLength(0);
  });
});

describe('gateway admin listener', () => {
  it('counts verifications by outcome and shows the replicas, on an app separate from the public one', async () => {
    await request(gateway.service.app).get('/api/orders').set('Authorization', 'Bearer a.b.c');
    await request(gateway.service.app).get('/api/catalog/products').expect(200);
    const metrics = (await request(gateway.adminApp).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/gateway_token_verifications_total\{outcome="ok",[^}]*\} [1-9]/);
    expect(metrics).toMatch(/gateway_token_verifications_total\{outcome="malformed",[^}]*\} [1-9]/);
    expect(metrics).toMatch(
      /gateway_upstream_responses_total\{upstream="catalog",endpoint="http:\/\/127\.0\.0\.1:\d+",outcome="ok"/,
    );
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/api\/catalog",status="200"/);
    const replicas = (await request(gateway.adminApp).get('/replicas').expect(200)).body;
    expect(replicas.catalog).toHaveLength(2);
    await request(gateway.service.app).get('/metrics').expect(404);
  });
});
