import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startLocalCluster, type LocalCluster } from '@jwt-msa/cluster';
import { call } from './http';

/** What an operator relies on: config errors, logs that follow a request, metrics, drains. */
const DIST = path.resolve(__dirname, '..', '..', 'dist', 'apps');
const password = randomBytes(12).toString('hex');
let dataDir: string;
let cluster: LocalCluster;
let gw: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-ops-'));
  cluster = await startLocalCluster({
    dataDir,
    gatewayPort: 0,
    scale: { orders: 2 },
    logLevel: 'info',
    admin: { username: 'admin', password },
  });
  gw = cluster.gatewayUrl;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function logLines(): Promise<Array<Record<string, unknown> & { file: string }>> {
  const dir = path.join(dataDir, 'logs');
  const lines: Array<Record<string, unknown> & { file: string }> = [];
  for (const file of await readdir(dir)) {
    for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
      if (line.startsWith('{')) lines.push({ ...JSON.parse(line), file });
    }
  }
  return lines;
}

describe('operations', () => {
  it('stops a service with one clear line naming each bad or missing variable', async () => {
    const run = promisify(execFile)(process.execPath, [path.join(DIST, 'orders-service', 'main.js')], {
      env: { PATH: process.env['PATH'], PORT: 'eighty', DATABASE_URL: 'postgres://x@127.0.0.1:1/orders' },
      timeout: 10_000,
    });
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toEqual([
      'orders-service: Invalid configuration: PORT must be an integer, got "eighty"; CATALOG_SERVICE_URLS is required (Comma-separated base URLs of the catalog-service replicas; a DNS name stands for every address it resolves to.)',
    ]);
  });

  it('follows one request id across gateway, orders and catalog, logging one line per request and no secrets', async () => {
    const registered = await call(gw, 'POST', '/auth/register', {
      body: { username: 'operator', password: 'operator-password' },
    });
    const login = await call(gw, 'POST', '/auth/login', {
      body: { username: 'operator', password: 'operator-password' },
    });
    const token: string = login.body.access_token;
    const product = (await call(gw, 'GET', '/api/catalog/products')).body.items[0].id;
    const requestId = `trace-${randomBytes(4).toString('hex')}`;
    const order = await call(gw, 'POST', '/api/orders', {
      token,
      body: { productId: product, quantity: 1 },
      headers: { 'X-Request-Id': requestId },
    });
    expect(order.status).toBe(201);
    expect(order.headers.get('x-request-id')).toBe(requestId);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // services batch log writes for up to 250 ms

    const lines = await logLines();
    const traced = lines.filter((line) => line['requestId'] === requestId && line['msg'] === 'request');
    expect(traced.map((line) => line['service']).sort()).toEqual(['catalog-service', 'gateway', 'orders-service']);
    const ordersLine = traced.find((line) => line['service'] === 'orders-service')!;
    expect(ordersLine).toMatchObject({ method: 'POST', status: 201, route: '/api/orders', userId: registered.body.id });
    expect(typeof ordersLine['durationMs']).toBe('number');
    expect(ordersLine['instance']).toMatch(/^orders-[12]$/);

    const everything = JSON.stringify(lines);
    for (const secret of [token, login.body.refresh_token, 'operator-password', password])
      expect(everything).not.toContain(secret);
  });

  it('exposes metrics that move, on the services and on the gateway admin listener only', async () => {
    const catalog = cluster.replicasOf('catalog')[0]!;
    const read = async () =>
      (await (await fetch(`${catalog.url}/metrics`)).text()).match(
        /http_requests_total\{method="GET",route="\/api\/catalog\/products",status="200"[^}]*\} (\d+)/,
      )?.[1];
    const before = Number((await read()) ?? 0);
    await call(gw, 'GET', '/api/catalog/products');
    expect(Number(await read())).toBe(before + 1);
    expect((await call(gw, 'GET', '/metrics')).status).toBe(404);
    expect((await fetch(`${cluster.adminUrl}/metrics`)).status).toBe(200);
  });

  it('restarts every orders replica in turn under load without a failed GET', async () => {
    const token = (
      await call(gw, 'POST', '/auth/login', { body: { username: 'operator', password: 'operator-password' } })
    ).body.access_token;
    const statuses: number[] = [];
    let running = true;
    const load = (async () => {
      while (running) statuses.push((await call(gw, 'GET', '/api/orders', { token })).status);
    })();
    for (const replica of cluster.replicasOf('orders')) {
      expect(await replica.stop('SIGTERM')).toBe(0);
      replica.start();
      await replica.waitUntilReady(30_000);
    }
    running = false;
    await load;
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });
});
