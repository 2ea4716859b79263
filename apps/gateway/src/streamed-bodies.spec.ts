import { createLogger, runService, type RunningService } from '@jwt-msa/service-defaults';
import { recordingServer, streamRequest, type RecordingServer } from '@jwt-msa/testing';
import { AccessTokenSigner, generateSigningKey } from '@jwt-msa/token-issuer';
import { createGatewayApp, type GatewayApp } from './app';
import { loadGatewayConfig } from './config';

const LIMIT = 16 * 1024;
const TIMEOUT_MS = 700;
const FIVE_MB = 5 * 1024 * 1024;
const logger = createLogger('gateway', 'test', 'silent');

let upstream: RecordingServer;
let jwks: RecordingServer;
let gateway: GatewayApp;
let running: RunningService;
let token: string;

beforeAll(async () => {
  const key = await generateSigningKey();
  jwks = await recordingServer(() => ({ body: { keys: [key.publicJwk] } }));
  upstream = await recordingServer((req) => ({ body: { bytes: req.body.length } }));
  const config = loadGatewayConfig({
    AUTH_SERVICE_URLS: upstream.url,
    CATALOG_SERVICE_URLS: upstream.url,
    ORDERS_SERVICE_URLS: upstream.url,
    PROFILE_SERVICE_URLS: upstream.url,
    JWKS_URLS: `${jwks.url}/.well-known/jwks.json`,
    BODY_LIMIT: '16kb',
    BODY_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  gateway = createGatewayApp(config, logger);
  running = await runService({
    service: gateway.service,
    background: Object.values(gateway.upstreams.pools),
    host: '127.0.0.1',
    port: 0,
    logger,
    shutdownGraceMs: 500,
    exitOnShutdown: false,
  });
  const signer = new AccessTokenSigner({ issuer: 'http://localhost:8080', audience: 'jwt-msa-api', ttlSeconds: 300 });
  token = signer.sign(key, { sub: 'id-alice', username: 'alice', roles: ['user'] }).token;
});
afterAll(async () => {
  await running.shutdown('test over');
  await Promise.all([upstream.close(), jwks.close()]);
});

/** What the upstream received during one request: never more than the limit. */
async function bytesReachingUpstream(send: () => Promise<unknown>): Promise<number> {
  const before = upstream.bodyBytesReceived();
  await send();
  // Let whatever the proxy had in flight land.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return upstream.bodyBytesReceived() - before;
}

describe('request bodies through the gateway (BODY_LIMIT, BODY_TIMEOUT_MS)', () => {
  it.each([
    ['POST', '/auth/login', 'chunked'],
    ['PUT', '/api/profile/me', 'chunked'],
    ['POST', '/auth/login', 'length'],
    ['PUT', '/api/profile/me', 'length'],
  ] as const)(
    'answers %s %s with a 5 MB %s body 413 at once, closes, and forwards at most the limit',
    async (method, path, framing) => {
      let answer: Awaited<ReturnType<typeof streamRequest>> | undefined;
      const forwarded = await bytesReachingUpstream(async () => {
        answer = await streamRequest(running.url, method, path, {
          body: FIVE_MB,
          framing,
          headers: { authorization: `Bearer ${token}` },
        });
      });
      expect(answer!.status).toBe(413);
      expect(JSON.parse(answer!.body)).toMatchObject({ error: 'body_too_large' });
      expect(answer!.headers['connection']).toBe('close');
      expect(answer!.closed).toBe(true);
      expect(answer!.answeredAfterMs).toBeLessThan(2000);
      expect(answer!.bytesSent).toBeLessThan(FIVE_MB / 4);
      expect(forwarded).toBeLessThanOrEqual(LIMIT);
      if (framing === 'length') expect(forwarded).toBe(0);
    },
  );

  it('refuses a 5 MB keyed POST (read whole for replay) the same way, and sends it nowhere', async () => {
    let answer: Awaited<ReturnType<typeof streamRequest>> | undefined;
    const forwarded = await bytesReachingUpstream(async () => {
      answer = await streamRequest(running.url, 'POST', '/api/orders', {
        body: FIVE_MB,
        framing: 'chunked',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'big-1' },
      });
    });
    expect([answer!.status, answer!.closed, forwarded]).toEqual([413, true, 0]);
  });

  it('cuts off a trickling body with 408 and closes the connection; the upstream got less than the limit', async () => {
    let answer: Awaited<ReturnType<typeof streamRequest>> | undefined;
    const forwarded = await bytesReachingUpstream(async () => {
      answer = await streamRequest(running.url, 'POST', '/auth/login', {
        body: 2000,
        chunkBytes: 20,
        intervalMs: 50,
        framing: 'chunked',
      });
    });
    expect(answer!.status).toBe(408);
    expect(JSON.parse(answer!.body)).toMatchObject({ error: 'body_timeout' });
    expect(answer!.closed).toBe(true);
    expect(forwarded).toBeLessThan(2000);
  });

  it('forwards a body at the limit whole, chunked or not, and keeps the replica in rotation', async () => {
    const body = Buffer.alloc(LIMIT, 0x61);
    for (const framing of ['chunked', 'length'] as const) {
      const answer = await streamRequest(running.url, 'POST', '/auth/login', { body, chunkBytes: 1000, framing });
      expect([framing, answer.status, JSON.parse(answer.body)]).toEqual([framing, 200, { bytes: LIMIT }]);
    }
    // The aborted forwards above were the client's doing, not the replica's.
    expect(gateway.upstreams.pools.auth.snapshot().every((replica) => replica.healthy)).toBe(true);
  });
});
