import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { sharedCluster, type SharedCluster } from './shared-cluster';
import { call } from './http';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';

/**
 * The README walkthrough, end to end: the cluster `npm start` runs (real PostgreSQL, every service
 * a real process, auth and orders with two replicas each), driven only through the gateway.
 */
let cluster: SharedCluster;
let admin: SharedCluster['admin'];
let gw: string;
/** Where the README block runs: a fresh folder, as a user's checkout has no .data of this cluster. */
let workDir: string;

beforeAll(async () => {
  cluster = await sharedCluster();
  ({ admin } = cluster);
  gw = cluster.gatewayUrl;
  workDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-walkthrough-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

type Tokens = { access_token: string; refresh_token: string; expires_in: number; token_type: string };
const state: { alice?: Tokens; aliceId?: string; productId?: string; orderId?: string } = {};
/** Polls `done` until it holds or `timeoutMs` passes (then the assertion after it fails). */
async function waitUntil(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

const login = async (username: string, password: string) => {
  const res = await call(gw, 'POST', '/auth/login', { body: { username, password } });
  expect(res.status).toBe(200);
  return res.body as Tokens;
};

describe('README walkthrough through the gateway', () => {
  it('registers a user', async () => {
    const res = await call(gw, 'POST', '/auth/register', { body: { username: 'alice', password: 'alice-password' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), username: 'alice', roles: ['user'] });
    expect(res.headers.get('x-served-by')).toMatch(/^auth-service\/auth-[12]$/);
    state.aliceId = res.body.id;
  });

  it('logs in and gets a self-contained RS256 token with registered, public and private claims', async () => {
    const tokens = await login('alice', 'alice-password');
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    state.alice = tokens;
    const { header, payload, signature } = jwt.decode(tokens.access_token, { complete: true })!;
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(payload).toMatchObject({
      iss: gw,
      aud: 'jwt-msa-api',
      sub: state.aliceId,
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String), // registered
      [IS_ADMIN_CLAIM]: false, // public
      username: 'alice',
      roles: ['user'], // private
    });
    expect(signature.length).toBeGreaterThan(300);
    // Anyone can check the signature with the published key alone: no store, no call to the issuer.
    const jwks = await call(gw, 'GET', '/.well-known/jwks.json');
    const jwk = jwks.body.keys.find((key: { kid: string }) => key.kid === header.kid);
    expect(() =>
      jwt.verify(tokens.access_token, createPublicKey({ key: jwk, format: 'jwk' }), {
        algorithms: ['RS256'],
        audience: 'jwt-msa-api',
        issuer: gw,
      }),
    ).not.toThrow();
    const discovery = await call(gw, 'GET', '/.well-known/openid-configuration');
    expect(discovery.body).toMatchObject({ issuer: gw, jwks_uri: `${gw}/.well-known/jwks.json` });
  });

  it('lists the public catalog without a token', async () => {
    const res = await call(gw, 'GET', '/api/catalog/products');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(3);
    expect(res.headers.get('x-served-by')).toMatch(/^catalog-service\//);
    state.productId = res.body.items[0].id;
  });

  it('lets only an admin create a product (403, then 201)', async () => {
    const product = { name: 'Walkthrough mug', price: 12.5 };
    expect(
      (await call(gw, 'POST', '/api/catalog/products', { token: state.alice!.access_token, body: product })).status,
    ).toBe(403);
    const adminTokens = await login(admin.username, admin.password);
    expect(jwt.decode(adminTokens.access_token)).toMatchObject({ roles: ['user', 'admin'], [IS_ADMIN_CLAIM]: true });
    const created = await call(gw, 'POST', '/api/catalog/products', { token: adminTokens.access_token, body: product });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(product);
    expect((await call(gw, 'GET', `/api/catalog/products/${created.body.id}`)).body).toMatchObject(product);
  });

  it('places and lists orders as the caller', async () => {
    const placed = await call(gw, 'POST', '/api/orders', {
      token: state.alice!.access_token,
      body: { productId: state.productId, quantity: 2 },
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ userId: state.aliceId, productId: state.productId, quantity: 2 });
    expect(placed.body.total).toBeCloseTo(placed.body.unitPrice * 2, 2);
    state.orderId = placed.body.id;
    const list = await call(gw, 'GET', '/api/orders', { token: state.alice!.access_token });
    expect(list.body.items.map((order: { id: string }) => order.id)).toEqual([state.orderId]);
    expect((await call(gw, 'GET', `/api/orders/${state.orderId}`, { token: state.alice!.access_token })).status).toBe(
      200,
    );
    expect(
      (
        await call(gw, 'POST', '/api/orders', {
          token: state.alice!.access_token,
          body: { productId: state.productId, quantity: 0 },
        })
      ).status,
    ).toBe(400);
  });

  it("keeps one user out of another user's orders", async () => {
    await call(gw, 'POST', '/auth/register', { body: { username: 'bob', password: 'bob-password' } });
    const bob = await login('bob', 'bob-password');
    expect((await call(gw, 'GET', `/api/orders/${state.orderId}`, { token: bob.access_token })).status).toBe(404);
    expect((await call(gw, 'GET', '/api/orders', { token: bob.access_token })).body.items).toEqual([]);
  });

  it("serves the profile from the claims plus the profile service's own data", async () => {
    const token = state.alice!.access_token;
    expect((await call(gw, 'GET', '/api/profile/me', { token })).body).toEqual({
      sub: state.aliceId,
      username: 'alice',
      roles: ['user'],
      displayName: null,
    });
    const updated = await call(gw, 'PUT', '/api/profile/me', { token, body: { displayName: 'Alice A.' } });
    expect(updated.status).toBe(200);
    expect((await call(gw, 'GET', '/api/profile/me', { token })).body.displayName).toBe('Alice A.');
  });

  it('refuses requests without a valid token, whatever identity headers the client sends', async () => {
    const forged = await call(gw, 'GET', '/api/orders', {
      headers: { 'X-User-Id': state.aliceId!, 'X-User-Roles': 'admin' },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toBe('Bearer realm="jwt-msa"');
    const tampered = state.alice!.access_token.replace(
      /\.[^.]+\./,
      `.${Buffer.from(JSON.stringify({ sub: state.aliceId, roles: ['admin'] })).toString('base64url')}.`,
    );
    expect((await call(gw, 'GET', '/api/orders', { token: tampered })).status).toBe(401);
  });

  it('rotates refresh tokens, and reusing a rotated one revokes the whole family', async () => {
    const first = state.alice!.refresh_token;
    const rotated = await call(gw, 'POST', '/auth/refresh', { body: { refresh_token: first } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(first);
    const reuse = await call(gw, 'POST', '/auth/refresh', { body: { refresh_token: first } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error).toBe('invalid_grant');
    expect(
      (await call(gw, 'POST', '/auth/refresh', { body: { refresh_token: rotated.body.refresh_token } })).status,
    ).toBe(401);
    // The family's access tokens go with it (by their sid), on every gateway replica, within the feed's lag.
    const stale = state.alice!.access_token;
    await waitUntil(async () => (await call(gw, 'GET', '/api/orders', { token: stale })).status === 401, 5000);
    const refused = await call(gw, 'GET', '/api/orders', { token: stale });
    expect(refused.headers.get('www-authenticate')).toContain('The token has been revoked');
    state.alice = await login('alice', 'alice-password');
  });

  it('logs out by revoking the refresh token family', async () => {
    const tokens = await login('alice', 'alice-password');
    expect((await call(gw, 'POST', '/auth/logout', { body: { refresh_token: tokens.refresh_token } })).status).toBe(
      204,
    );
    expect((await call(gw, 'POST', '/auth/refresh', { body: { refresh_token: tokens.refresh_token } })).status).toBe(
      401,
    );
  });

  it('balances over every replica of a scaled service', async () => {
    const token = state.alice!.access_token;
    const servedBy = new Set<string>();
    for (let i = 0; i < 6; i += 1)
      servedBy.add((await call(gw, 'GET', '/api/orders', { token })).headers.get('x-served-by')!);
    expect([...servedBy].sort()).toEqual(['orders-service/orders-1', 'orders-service/orders-2']);
    const authReplicas = new Set<string>();
    for (let i = 0; i < 4; i += 1)
      authReplicas.add((await call(gw, 'GET', '/.well-known/jwks.json')).headers.get('x-served-by')!);
    expect([...authReplicas].sort()).toEqual(['auth-service/auth-1', 'auth-service/auth-2']);
  });

  it("hides the services' internal endpoints behind the gateway", async () => {
    expect((await call(gw, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    // fetch would normalize the dot segments away; send the raw path as an attacker would.
    const raw = await new Promise<number | undefined>((resolve, reject) => {
      get(`${gw}/`, { path: '/api/orders/%2e%2e/%2e%2e/readyz' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    expect(raw).toBe(400);
    expect((await call(gw, 'GET', '/metrics')).status).toBe(404);
    expect((await call(gw, 'GET', '/readyz')).headers.get('x-served-by')).toMatch(/^gateway\//);
  });
});

describe('the README curl walkthrough', () => {
  it('runs verbatim against the cluster and shows what the README promises', async () => {
    const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = /<!-- walkthrough:start -->\n```bash\n([\s\S]*?)```\n<!-- walkthrough:end -->/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const { stdout } = await promisify(execFile)('bash', ['-c', block!], {
      cwd: workDir,
      env: { PATH: process.env['PATH'], GW: gw, ADMIN_PASSWORD: admin.password },
      timeout: 60_000,
    });
    const statuses = [...stdout.matchAll(/ \[(\d{3})\]$/gm)].map((match) => match[1]);
    expect(statuses).toEqual([
      expect.stringMatching(/^(201|409)$/), // register (409 when alice exists)
      '200',
      '403',
      '201', // catalog: list, create as alice, create as admin
      '201',
      '201',
      '200', // order, its retry with the same Idempotency-Key, list
      '200',
      '200', // profile put, get
      '401', // forged identity headers
      '401',
      '401', // reused refresh token, then its revoked family
      '204',
      '401',
      '401', // logout with the access token, then that access token, then its refresh token
    ]);
    const orderLines = stdout.split('\n').filter((line) => line.includes('"productName"') && line.endsWith('[201]'));
    expect(orderLines).toHaveLength(2);
    expect(JSON.parse(orderLines[1]!.replace(/ \[201\]$/, '')).id).toBe(
      JSON.parse(orderLines[0]!.replace(/ \[201\]$/, '')).id,
    );
    expect(stdout).toContain('header: {"alg":"RS256","typ":"at+jwt","kid":"');
    expect(stdout).toMatch(
      /payload: \{.*"https:\/\/jwt-msa\.example\.com\/jwt_claims\/is_admin":false.*"username":"alice"/,
    );
  });
});
