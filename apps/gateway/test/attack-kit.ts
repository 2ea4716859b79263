import { createHmac, createSign, randomUUID, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';
import { runService, type RunningService } from '@jwt-msa/service-defaults';
import { recordingServer, type Recorded, type RecordingServer } from '@jwt-msa/testing';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import { createGatewayApp } from '../src/app';
import { loadGatewayConfig } from '../src/config';

/**
 * A real gateway on a loopback port, between real servers that record everything they receive:
 * the issuer's JWKS, one upstream standing in for every service, and an attacker's server that
 * tokens may point at. Tokens are forged with node:crypto, so any header, payload and signature
 * can be produced, including the ones jsonwebtoken refuses to make.
 */

export const ISSUER = 'http://localhost:8080';
export const AUDIENCE = 'jwt-msa-api';
/** JWKS fetches that unknown kids may cause per minute, in these tests. */
export const REFETCHES_PER_MINUTE = 3;

/** What a recording server saw of one request. */
export type Seen = Recorded;

export type Signer = (signingInput: string) => Buffer;

export const rsa =
  (key: KeyObject, digest = 'RSA-SHA256'): Signer =>
  (input) =>
    createSign(digest).update(input).sign(key);
export const hmac =
  (secret: string | Buffer, digest = 'sha256'): Signer =>
  (input) =>
    createHmac(digest, secret).update(input).digest();

const b64url = (part: object | string): string =>
  Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');

/** A compact JWS with any header, payload and signature. */
export function forge(header: object, payload: object | string, sign: Signer | Buffer | string): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature =
    typeof sign === 'function'
      ? sign(input).toString('base64url')
      : typeof sign === 'string'
        ? sign
        : sign.toString('base64url');
  return `${input}.${signature}`;
}

/** Claims exactly like the issuer's, for the test user alice. */
export function aliceClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'id-alice',
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    username: 'alice',
    roles: ['user'],
    [IS_ADMIN_CLAIM]: false,
    ...overrides,
  };
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete claims[name];
  return claims;
}

export interface GatewayHarness {
  url: string;
  port: number;
  /** The issuer's signing key: the only key in the JWKS. */
  key: SigningKey;
  signer: AccessTokenSigner;
  /** A genuine access token for alice (role user). */
  validToken: string;
  jwks: RecordingServer;
  /** Stands in for auth, catalog, orders and profile alike. */
  upstream: RecordingServer;
  /** A server an attacker controls; tokens name it in jku/x5u. */
  attacker: RecordingServer;
  /** Every log line the gateway wrote, as text. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startGatewayHarness(): Promise<GatewayHarness> {
  const key = await generateSigningKey();
  const jwks = await recordingServer(() => ({ body: { keys: [key.publicJwk] } }));
  const upstream = await recordingServer((req) => ({
    body: { served: true, userId: req.headers['x-user-id'] ?? null },
  }));
  const attacker = await recordingServer(() => ({ body: { keys: [] } }));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  // The most verbose level, so anything the gateway might ever log about a request is seen.
  const logger = pino({ level: 'trace', base: { service: 'gateway' } }, sink);
  const config = loadGatewayConfig({
    AUTH_SERVICE_URLS: upstream.url,
    CATALOG_SERVICE_URLS: upstream.url,
    ORDERS_SERVICE_URLS: upstream.url,
    PROFILE_SERVICE_URLS: upstream.url,
    JWKS_URLS: `${jwks.url}/.well-known/jwks.json`,
    JWKS_REFETCHES_PER_MINUTE: String(REFETCHES_PER_MINUTE),
    UPSTREAM_TIMEOUT_MS: '2000',
  });
  const gateway = createGatewayApp(config, logger);
  const running: RunningService = await runService({
    service: gateway.service,
    background: Object.values(gateway.upstreams.pools),
    host: '127.0.0.1',
    port: 0,
    logger,
    shutdownGraceMs: 1000,
    exitOnShutdown: false,
  });
  const signer = new AccessTokenSigner({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 300 });
  return {
    url: running.url,
    port: running.port,
    key,
    signer,
    validToken: signer.sign(key, { sub: 'id-alice', username: 'alice', roles: ['user'] }).token,
    jwks,
    upstream,
    attacker,
    logs,
    stop: async () => {
      await running.shutdown('test over');
      await Promise.all([jwks.close(), upstream.close(), attacker.close()]);
    },
  };
}

export { rawRequest } from '@jwt-msa/testing';
