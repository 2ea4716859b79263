import request from 'supertest';
import { createLogger, runService, type RunningService } from '@jwt-msa/service-defaults';
import { recordingServer, type Recorded, type RecordingServer } from '@jwt-msa/testing';
import { createSessionGatewayApp, type SessionGatewayApp } from '../src/app';
import { loadSessionGatewayConfig } from '../src/config';

export const CHECK_SECRET = 'test-secret-shared-with-the-auth-service';

/** The users the stand-in auth service knows, as its credentials check answers them. */
const USERS: Record<string, { password: string; sub: string; roles: string[] }> = {
  alice: { password: 'alice-password', sub: 'id-alice', roles: ['user'] },
  root: { password: 'root-password', sub: 'id-root', roles: ['user', 'admin'] },
};

/**
 * A real auth stand-in (its credentials check, with the shared secret and a 429 for the user
 * "throttled") and one upstream standing in for every domain service; both record what they got.
 */
export interface Backends {
  auth: RecordingServer;
  upstream: RecordingServer;
  /** Requests that reached a domain service. */
  proxied(): Recorded[];
  close(): Promise<void>;
}

export async function startBackends(): Promise<Backends> {
  const auth = await recordingServer((req) => {
    if (req.url !== '/internal/credentials/check' || req.headers.authorization !== `Bearer ${CHECK_SECRET}`)
      return { status: 401, body: { error: 'unknown_caller', message: 'Unknown caller' } };
    const { username, password } = JSON.parse(req.body) as { username: string; password: string };
    if (username === 'throttled')
      return { status: 429, headers: { 'retry-after': '7' }, body: { error: 'too_many_attempts', message: 'wait' } };
    const user = USERS[username];
    if (!user || user.password !== password)
      return { status: 401, body: { error: 'invalid_credentials', message: 'Invalid username or password' } };
    return { body: { sub: user.sub, username, roles: user.roles } };
  });
  const upstream = await recordingServer((req) => ({
    body: { served: true, userId: req.headers['x-user-id'] ?? null },
  }));
  return {
    auth,
    upstream,
    proxied: () => upstream.requests,
    close: async () => {
      await Promise.all([auth.close(), upstream.close()]);
    },
  };
}

/** The settings of a session gateway in front of the backends; `env` adds or overrides. */
export function gatewayEnv(backends: Backends, env: Record<string, string> = {}): Record<string, string> {
  return {
    AUTH_SERVICE_URLS: backends.auth.url,
    CATALOG_SERVICE_URLS: backends.upstream.url,
    ORDERS_SERVICE_URLS: backends.upstream.url,
    PROFILE_SERVICE_URLS: backends.upstream.url,
    CREDENTIALS_CHECK_SECRET: CHECK_SECRET,
    UPSTREAM_TIMEOUT_MS: '2000',
    ...env,
  };
}

export interface TestGateway {
  gateway: SessionGatewayApp;
  app: SessionGatewayApp['service']['app'];
  /** Moves the gateway's clock forward. */
  advance(seconds: number): void;
  /** Logs in; returns the sid value and the whole Set-Cookie line. */
  login(username?: string): Promise<{ sid: string; setCookie: string }>;
  close(): Promise<void>;
}

export function testGateway(env: Record<string, string>): TestGateway {
  let clock = Date.now();
  const config = loadSessionGatewayConfig(env);
  const gateway = createSessionGatewayApp(config, createLogger('session-gateway', 'test', 'silent'), {
    now: () => clock,
  });
  const app = gateway.service.app;
  return {
    gateway,
    app,
    advance: (seconds) => {
      clock += seconds * 1000;
    },
    login: async (username = 'alice') => {
      const res = await request(app)
        .post('/session/login')
        .send({ username, password: `${username}-password` })
        .expect(200);
      const setCookie = String(res.headers['set-cookie']);
      return { sid: /^sid=([^;]*)/.exec(setCookie)![1]!, setCookie };
    },
    close: async () => {
      await gateway.db?.close();
    },
  };
}

/** The gateway on a real loopback port, for requests supertest cannot send (raw header bytes). */
export function listening(gateway: SessionGatewayApp): Promise<RunningService> {
  return runService({
    service: gateway.service,
    host: '127.0.0.1',
    port: 0,
    logger: createLogger('session-gateway', 'test', 'silent'),
    shutdownGraceMs: 100,
    exitOnShutdown: false,
  });
}

export { rawRequest } from '@jwt-msa/testing';
