import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { queryKindOf, startLocalCluster, type LocalCluster } from '@jwt-msa/cluster';
import { call } from './http';
import { sumOverReplicas } from './metrics';

/**
 * The README's central claim ("What it demonstrates", 5 and 6), by running: no session state anywhere, so replicas come and
 * go freely. 3 orders, 2 catalog and 2 auth replicas; real processes killed and restarted.
 */
let dataDir: string;
let cluster: LocalCluster;
let gw: string;
let token: string;
let refreshToken: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-scale-'));
  cluster = await startLocalCluster({
    dataDir,
    gatewayPort: 0,
    scale: { orders: 3, catalog: 2, auth: 2 },
    logLevel: 'warn',
    admin: { username: 'admin', password: randomBytes(12).toString('hex') },
    // Quick ejection recovery, so the restarted auth service is back in rotation within the test.
    env: { gateway: { UPSTREAM_EJECT_MS: '1000' } },
  });
  gw = cluster.gatewayUrl;
  await call(gw, 'POST', '/auth/register', { body: { username: 'scaler', password: 'scaler-password' } });
  const login = await call(gw, 'POST', '/auth/login', { body: { username: 'scaler', password: 'scaler-password' } });
  token = login.body.access_token;
  refreshToken = login.body.refresh_token;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const servedBy = (reply: { headers: Headers }) => reply.headers.get('x-served-by')!;

describe('scale-out with nothing to replicate', () => {
  it('spreads 30 GETs after one login over every replica, all succeeding', async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 30; i += 1) {
      const path = ['/api/orders', '/api/catalog/products', '/.well-known/jwks.json'][i % 3]!;
      const reply = await call(gw, 'GET', path, { token });
      expect(reply.status).toBe(200);
      seen.set(servedBy(reply), (seen.get(servedBy(reply)) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([
      'auth-service/auth-1',
      'auth-service/auth-2',
      'catalog-service/catalog-1',
      'catalog-service/catalog-2',
      'orders-service/orders-1',
      'orders-service/orders-2',
      'orders-service/orders-3',
    ]);
  });

  it('accepts a token signed by either auth replica on every service replica', async () => {
    const [auth1, auth2] = cluster.replicasOf('auth');
    for (const auth of [auth1!, auth2!]) {
      const login = await call(auth.url, 'POST', '/auth/login', {
        body: { username: 'scaler', password: 'scaler-password' },
      });
      expect(servedBy(login)).toBe(`auth-service/${auth.name}`);
      const replicas = new Set<string>();
      for (let i = 0; i < 6; i += 1) {
        const reply = await call(gw, 'GET', '/api/orders', { token: login.body.access_token });
        expect(reply.status).toBe(200);
        replicas.add(servedBy(reply));
      }
      expect(replicas.size).toBe(3);
    }
  });

  it('detects reuse of a rotated refresh token across auth replicas (family state is in PostgreSQL)', async () => {
    const [auth1, auth2] = cluster.replicasOf('auth');
    const login = await call(auth1!.url, 'POST', '/auth/login', {
      body: { username: 'scaler', password: 'scaler-password' },
    });
    const rotated = await call(auth1!.url, 'POST', '/auth/refresh', {
      body: { refresh_token: login.body.refresh_token },
    });
    expect(rotated.status).toBe(200);
    const reuse = await call(auth2!.url, 'POST', '/auth/refresh', {
      body: { refresh_token: login.body.refresh_token },
    });
    expect(reuse.status).toBe(401);
    expect(
      (await call(auth1!.url, 'POST', '/auth/refresh', { body: { refresh_token: rotated.body.refresh_token } })).status,
    ).toBe(401);
  });

  it('makes zero auth-store queries for authenticated API calls, and a handful for a refresh', async () => {
    // Requests' queries only: not health checks, nor the replicas' own timers (key reloads, pruning).
    const authQueries = () =>
      sumOverReplicas(
        cluster.adminUrl,
        'auth',
        'db_queries_total',
        (labels) => queryKindOf(labels['purpose']) === 'call',
      );
    const before = await authQueries();
    for (let i = 0; i < 20; i += 1) expect((await call(gw, 'GET', '/api/orders', { token })).status).toBe(200);
    expect(await authQueries()).toBe(before);
    const refreshed = await call(gw, 'POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
    expect(refreshed.status).toBe(200);
    refreshToken = refreshed.body.refresh_token;
    const delta = (await authQueries()) - before;
    expect(delta).toBeGreaterThan(0);
    expect(delta).toBeLessThanOrEqual(8);
  });

  it('runs `npm run demo -- --base-url` against a running cluster', async () => {
    const demo = path.resolve(__dirname, '..', '..', 'dist', 'tools', 'demo', 'main.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [demo, '--base-url', gw, '--admin-url', cluster.adminUrl, '--calls', '10'],
      { timeout: 60_000 },
    );
    expect(stdout).toContain(
      '10 authenticated API calls: 10 token verifications at the gateway, 0 auth-store queries.',
    );
    expect(stdout).toContain('The gateway balances over: auth x2, catalog x2, orders x3, profile x1');
    expect(stdout).toContain('Skipped against an external cluster');
  });

  it('loses no GET while an orders replica is killed mid-run', async () => {
    const victim = cluster.replicasOf('orders')[1]!;
    const statuses: number[] = [];
    const worker = async () => {
      for (let i = 0; i < 25; i += 1) statuses.push((await call(gw, 'GET', '/api/orders', { token })).status);
    };
    const workers = [worker(), worker(), worker(), worker()];
    await new Promise((resolve) => setTimeout(resolve, 150));
    await victim.stop('SIGKILL');
    await Promise.all(workers);
    expect(statuses).toHaveLength(100);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const replicas = (await (await fetch(`${cluster.adminUrl}/replicas`)).json()) as Record<
      string,
      Array<{ url: string; healthy: boolean }>
    >;
    expect(replicas['orders']!.find((endpoint) => endpoint.url === victim.url)!.healthy).toBe(false);
    victim.start();
    await victim.waitUntilReady(30_000);
  });

  it('places each keyed order exactly once while an orders replica is killed mid-run, the client retrying failures', async () => {
    const victim = cluster.replicasOf('orders')[2]!;
    const productId = (await call(gw, 'GET', '/api/catalog/products')).body.items[0].id as string;
    const before = (await call(gw, 'GET', '/api/orders', { token })).body.items.length as number;
    const run = randomBytes(4).toString('hex');
    /** Every 201 answer, by key: a retry must get the order its key already has. */
    const answers = new Map<string, string[]>();
    let failures = 0;
    const worker = async (w: number) => {
      for (let i = 0; i < 10; i += 1) {
        const key = `kill-${run}-${w}-${i}`;
        for (let attempt = 1; ; attempt += 1) {
          const reply = await call(gw, 'POST', '/api/orders', {
            token,
            body: { productId, quantity: 1 },
            headers: { 'idempotency-key': key },
          }).catch(() => undefined);
          if (reply?.status === 201) {
            answers.set(key, [...(answers.get(key) ?? []), reply.body.id]);
            // Some clients retry even a success they did not see; this one asks again on purpose.
            if (i % 5 === 0 && attempt === 1) continue;
            break;
          }
          failures += 1;
          if (attempt >= 5) throw new Error(`${key}: still failing after ${attempt} attempts (${reply?.status})`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await victim.stop('SIGKILL');
    await Promise.all(workers);
    expect(answers.size).toBe(40);
    expect([...answers.values()].filter((ids) => new Set(ids).size !== 1)).toEqual([]);
    const after = (await call(gw, 'GET', '/api/orders', { token })).body.items.length as number;
    expect({ created: after - before, failures: failures < 40 }).toEqual({ created: 40, failures: true });
    victim.start();
    await victim.waitUntilReady(30_000);
  });

  it('keeps serving valid tokens with every auth replica down, answers 503 for login, and recovers', async () => {
    const authReplicas = cluster.replicasOf('auth');
    await Promise.all(authReplicas.map((replica) => replica.stop()));
    for (let i = 0; i < 6; i += 1) expect((await call(gw, 'GET', '/api/orders', { token })).status).toBe(200);
    const started = Date.now();
    const login = await call(gw, 'POST', '/auth/login', { body: { username: 'scaler', password: 'scaler-password' } });
    expect(login.status).toBe(503);
    expect(login.body).toEqual({ error: 'upstream_unavailable', message: 'The auth service is unavailable' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await call(gw, 'POST', '/auth/refresh', { body: { refresh_token: refreshToken } })).status).toBe(503);

    for (const replica of authReplicas) replica.start();
    await Promise.all(authReplicas.map((replica) => replica.waitUntilReady(30_000)));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the gateway's ejection (1 s here) runs out
    expect(
      (await call(gw, 'POST', '/auth/login', { body: { username: 'scaler', password: 'scaler-password' } })).status,
    ).toBe(200);
  });
});
