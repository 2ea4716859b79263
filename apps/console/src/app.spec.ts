import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createLogger } from '@jwt-msa/service-defaults';
import { deadPort, recordingServer, type RecordingServer, type Reply } from '@jwt-msa/testing';
import type { ClusterFile } from '@jwt-msa/topology';
import { createConsoleApp } from './app';
import { loadConsoleConfig } from './config';
import { CONSOLE_CSP } from './routes';

const logger = createLogger('console', 'test', 'silent');
const servers: RecordingServer[] = [];
let workDir: string;
let publicDir: string;

const serve = async (answer: Parameters<typeof recordingServer>[0]) => {
  const server = await recordingServer(answer);
  servers.push(server);
  return server;
};
const deadUrl = async () => `http://127.0.0.1:${await deadPort()}`;

/** A gateway's admin listener, as GatewayMetrics writes its counters (other series around them). */
const gatewayMetrics = (ok: number, rejected: Record<string, number>, hits: number, misses: number) =>
  [
    '# HELP gateway_token_verifications_total Access-token verifications, by outcome.',
    '# TYPE gateway_token_verifications_total counter',
    `gateway_token_verifications_total{outcome="ok",service="gateway",instance="g"} ${ok}`,
    ...Object.entries(rejected).map(
      ([outcome, n]) => `gateway_token_verifications_total{outcome="${outcome}",service="gateway",instance="g"} ${n}`,
    ),
    `gateway_verified_token_cache_lookups_total{result="hit",service="gateway",instance="g"} ${hits}`,
    `gateway_verified_token_cache_lookups_total{result="miss",service="gateway",instance="g"} ${misses}`,
    'gateway_verified_token_cache_entries{service="gateway",instance="g"} 99',
    'http_requests_total{method="GET",route="/api/orders",status="200"} 1000',
  ].join('\n');
const authMetrics = (queries: Record<string, number>) =>
  [
    'db_queries_total{purpose="none",service="auth-service",instance="a"} 0',
    ...Object.entries(queries).map(
      ([purpose, n]) => `db_queries_total{purpose="${purpose}",service="auth-service",instance="a"} ${n}`,
    ),
    'process_cpu_seconds_total 3',
  ].join('\n');
const metricsReply = (text: string): Reply => ({
  headers: { 'content-type': 'text/plain; version=0.0.4' },
  body: text,
});

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'console-spec-'));
  publicDir = path.join(workDir, 'public');
  await mkdir(publicDir);
  await writeFile(path.join(publicDir, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(path.join(publicDir, 'app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map');
  await writeFile(path.join(publicDir, 'app.js.map'), '{"version":3}');
  await writeFile(path.join(publicDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(workDir, { recursive: true, force: true });
});

const consoleApp = (env: Record<string, string>) =>
  createConsoleApp(loadConsoleConfig({ CONSOLE_PUBLIC_DIR: publicDir, INSTANCE_ID: 'console-1', ...env }), logger).app;

describe('the page', () => {
  const app = () => consoleApp({});

  it('is served at /console/ with the strict CSP, revalidated on every load', async () => {
    const res = await request(app()).get('/console/').expect(200);
    expect(res.text).toContain('<title>console</title>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['etag']).toBeDefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the script, its source map and the icon with their types', async () => {
    for (const [file, type] of [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['app.js.map', 'application/json; charset=utf-8'],
      ['favicon.svg', 'image/svg+xml'],
    ]) {
      const res = await request(app()).get(`/console/${file}`).expect(200);
      expect([file, res.headers['content-type'], res.headers['cache-control']]).toEqual([file, type, 'no-cache']);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    }
    await request(app()).head('/console/app.js').expect(200);
  });

  it('redirects /console to /console/, and answers 404 JSON for what the build does not have', async () => {
    const res = await request(app()).get('/console').expect(301);
    expect(res.headers['location']).toBe('/console/');
    for (const missing of ['/console/nothing.js', '/console/../app.ts', '/console/.env', '/']) {
      const answer = await request(app()).get(missing);
      expect([missing, answer.status, answer.body.error]).toEqual([missing, 404, 'not_found']);
    }
  });

  it('is ready only once the build is there', async () => {
    await request(app()).get('/readyz').expect(200);
    const noBuild = createConsoleApp(
      loadConsoleConfig({ CONSOLE_PUBLIC_DIR: path.join(workDir, 'absent'), INSTANCE_ID: 'console-1' }),
      logger,
    ).app;
    await request(noBuild).get('/readyz').expect(503);
  });
});

describe('GET /console/api/stats', () => {
  it('sums the counters of every gateway and auth replica, from the cluster file and configured URLs', async () => {
    const gateway1 = await serve(() => metricsReply(gatewayMetrics(10, { expired: 2, bad_signature: 1 }, 7, 3)));
    const gateway2 = await serve(() => metricsReply(gatewayMetrics(5, { malformed: 4 }, 4, 1)));
    const gateway3 = await serve(() => metricsReply(gatewayMetrics(1, {}, 0, 1)));
    const auth1 = await serve(() => metricsReply(authMetrics({ 'user.find-by-username': 3, 'refresh.insert': 2 })));
    const auth2 = await serve(() =>
      metricsReply(authMetrics({ 'refresh.insert': 5, 'revocation.feed-after': 9, 'signing-key.load': 2, health: 4 })),
    );
    const clusterFile = path.join(workDir, 'cluster.json');
    const file: Pick<ClusterFile, 'gateways' | 'replicas'> = {
      gateways: [
        { name: 'gateway-1', url: 'http://localhost:1', adminUrl: gateway1.url },
        { name: 'gateway-2', url: 'http://localhost:2', adminUrl: gateway2.url },
      ],
      replicas: { auth: [{ name: 'auth-1', url: auth1.url, pid: 1 }] } as ClusterFile['replicas'],
    };
    await writeFile(clusterFile, JSON.stringify(file));
    const app = consoleApp({
      CLUSTER_FILE: clusterFile,
      GATEWAY_ADMIN_URLS: `${gateway3.url},${gateway1.url}`,
      AUTH_SERVICE_URLS: auth2.url,
    });
    const res = await request(app).get('/console/api/stats').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      verifications: { ok: 16, rejected: 7 },
      cacheHits: 11,
      cacheMisses: 5,
      authStoreQueries: { 'user.find-by-username': 3, 'refresh.insert': 7 },
      // What no request caused is apart, so the page's "0 auth-store queries per API call" stays true.
      backgroundQueries: { 'revocation.feed-after': 9, 'signing-key.load': 2 },
      gateways: 3,
      authReplicas: 2,
      unreachable: 0,
    });
  });

  it('skips and counts replicas that refuse or hang, answering within the scrape timeout', async () => {
    const alive = await serve(() => metricsReply(gatewayMetrics(2, {}, 1, 1)));
    const hanging = await serve(() => 'hang');
    const failing = await serve(() => ({ status: 500, body: 'no' }));
    const app = consoleApp({
      GATEWAY_ADMIN_URLS: [alive.url, hanging.url, await deadUrl()].join(','),
      AUTH_SERVICE_URLS: failing.url,
      STATS_SCRAPE_TIMEOUT_MS: '300',
    });
    const started = Date.now();
    const res = await request(app).get('/console/api/stats').expect(200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body).toMatchObject({
      verifications: { ok: 2, rejected: 0 },
      gateways: 1,
      authReplicas: 0,
      unreachable: 3,
    });
  });

  it('answers zeros, not an error, when it knows of no replica (no cluster file yet)', async () => {
    const res = await request(consoleApp({ CLUSTER_FILE: path.join(workDir, 'not-yet.json') }))
      .get('/console/api/stats')
      .expect(200);
    expect(res.body).toEqual({
      verifications: { ok: 0, rejected: 0 },
      cacheHits: 0,
      cacheMisses: 0,
      authStoreQueries: {},
      backgroundQueries: {},
      gateways: 0,
      authReplicas: 0,
      unreachable: 0,
    });
  });
});

describe('POST /console/api/revocation-lag', () => {
  const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  /** A gateway that accepts the token until `refuseAfterMs` after its first probe, then answers 401. */
  const gateway = async (instance: string, refuseAfterMs: number | 'never') => {
    let firstProbe: number | undefined;
    return serve((recorded) => {
      firstProbe ??= Date.now();
      const refused = refuseAfterMs !== 'never' && Date.now() - firstProbe >= refuseAfterMs;
      expect(recorded.headers['authorization']).toBe(`Bearer ${TOKEN}`);
      expect(recorded.url).toBe('/api/profile/me');
      return {
        status: refused ? 401 : 200,
        headers: { 'x-gateway-instance': instance },
        body: refused ? { error: 'unauthorized' } : { id: 'x' },
      };
    });
  };

  it('polls every gateway replica until each refuses the token; null for one that still accepts it', async () => {
    const atOnce = await gateway('gateway-a', 0);
    const later = await gateway('gateway-b', 300);
    const never = await gateway('gateway-c', 'never');
    const app = consoleApp({
      GATEWAY_URLS: [atOnce.url, later.url, never.url].join(','),
      REVOCATION_LAG_TIMEOUT_MS: '1000',
      REVOCATION_LAG_POLL_MS: '20',
    });
    const started = Date.now();
    const res = await request(app).post('/console/api/revocation-lag').send({ token: TOKEN }).expect(200);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
    const [a, b, c] = res.body.gateways;
    expect(a).toEqual({ instance: 'gateway-a', refusedAfterMs: expect.any(Number) });
    expect(a.refusedAfterMs).toBeLessThan(200);
    expect(b.instance).toBe('gateway-b');
    expect(b.refusedAfterMs).toBeGreaterThanOrEqual(300);
    expect(b.refusedAfterMs).toBeLessThan(900);
    expect(c).toEqual({ instance: 'gateway-c', refusedAfterMs: null });
    expect(res.body.maxMs).toBeNull();
    expect(atOnce.requests).toHaveLength(1);
  });

  it('gives the slowest refusal as maxMs when every gateway refused', async () => {
    const app = consoleApp({
      GATEWAY_URLS: [(await gateway('g1', 0)).url, (await gateway('g2', 150)).url].join(','),
      REVOCATION_LAG_POLL_MS: '20',
    });
    const res = await request(app).post('/console/api/revocation-lag').send({ token: TOKEN }).expect(200);
    expect(res.body.maxMs).toBe(
      Math.max(...res.body.gateways.map((g: { refusedAfterMs: number }) => g.refusedAfterMs)),
    );
    expect(res.body.maxMs).toBeGreaterThanOrEqual(150);
  });

  it('answers a clear 400 for a body without a token, and 503 when it knows of no gateway', async () => {
    const app = consoleApp({ GATEWAY_URLS: await deadUrl(), REVOCATION_LAG_TIMEOUT_MS: '200' });
    for (const body of [{}, { token: 42 }, { token: 'not a token' }, { token: `a.b.${'c'.repeat(9000)}` }]) {
      const res = await request(app).post('/console/api/revocation-lag').send(body).expect(400);
      expect(res.body.error).toBe('invalid_request');
    }
    await request(app).post('/console/api/revocation-lag').set('content-type', 'text/plain').send('x').expect(415);
    const dead = await request(app).post('/console/api/revocation-lag').send({ token: TOKEN }).expect(200);
    expect(dead.body.gateways).toEqual([
      { instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/), refusedAfterMs: null },
    ]);
    const none = await request(consoleApp({})).post('/console/api/revocation-lag').send({ token: TOKEN }).expect(503);
    expect(none.body.error).toBe('no_gateways');
  });
});
