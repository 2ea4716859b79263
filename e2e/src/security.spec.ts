import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { startLocalCluster, type LocalCluster } from '@jwt-msa/cluster';
import { call } from './http';

/**
 * Security properties of the running system (every service a real process, auth with two
 * replicas, the domain services in verify-token mode): key rotation under load with zero 401s,
 * login throttling shared by the auth replicas, forged identity against the services directly,
 * security headers, and logs free of secrets. Intervals are shortened through the environment.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const ROTATE_KEYS = path.join(REPO_ROOT, 'dist', 'apps', 'auth-service', 'rotate-keys.js');
const ACCESS_TOKEN_TTL_SECONDS = 10;
const authEnv = {
  ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS),
  SIGNING_KEY_RELOAD_MS: '250',
  SIGNING_KEY_ACTIVATION_DELAY_SECONDS: '3',
  SIGNING_KEY_RETIRE_GRACE_SECONDS: '1',
  LOGIN_THROTTLE_ACCOUNT_ATTEMPTS: '3',
  // Every test client is 127.0.0.1: the per-client limit is covered by the auth-service tests.
  LOGIN_THROTTLE_CLIENT_ATTEMPTS: '10000',
  LOGIN_THROTTLE_MAX_DELAY_SECONDS: '2',
  PASSWORD_SCRYPT_LOG2_COST: '12',
};
const verifyTokens = { VERIFY_FORWARDED_TOKEN: 'true', JWKS_CACHE_MAX_AGE_SECONDS: '1' };

let dataDir: string;
let cluster: LocalCluster;
let gw: string;
/** Every secret the tests handled, to look for in the logs at the end. */
const secrets = new Set<string>();
const password = `pw-${randomBytes(9).toString('hex')}`;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-security-'));
  cluster = await startLocalCluster({
    dataDir,
    gatewayPort: 0,
    scale: { auth: 2 },
    logLevel: 'debug',
    env: {
      auth: authEnv,
      gateway: { JWKS_CACHE_MAX_AGE_SECONDS: '1' },
      catalog: verifyTokens,
      orders: verifyTokens,
      profile: verifyTokens,
    },
  });
  gw = cluster.gatewayUrl;
  secrets.add(password);
  for (const username of ['rotor', 'alice', 'bob', 'target']) {
    expect((await call(gw, 'POST', '/auth/register', { body: { username, password } })).status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kidOf = (token: string) => jwt.decode(token, { complete: true })!.header.kid as string;

async function login(username: string): Promise<{ access_token: string; refresh_token: string }> {
  const res = await call(gw, 'POST', '/auth/login', { body: { username, password } });
  expect(res.status).toBe(200);
  secrets.add(res.body.refresh_token);
  secrets.add(res.body.access_token.split('.')[2]);
  return res.body;
}

async function rotateKeys(command: string): Promise<{ code: number; output: string }> {
  const env = { PATH: process.env['PATH'] ?? '', DATABASE_URL: cluster.postgres.url('auth'), ...authEnv };
  return new Promise((resolve) => {
    execFile(process.execPath, [ROTATE_KEYS, command], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('key rotation while clients keep calling through the gateway', () => {
  it('publishes the new key before it signs, keeps old tokens valid, retires the old key, and no call gets a 401', async () => {
    const calls: Array<{ at: number; kid: string; status: number }> = [];
    const tokenKids: Array<{ at: number; kid: string }> = [];
    const jwksKids: Array<{ at: number; kids: string[] }> = [];
    let running = true;

    // Clients: each logs in, uses its token until it is about to expire, then logs in again.
    const client = async () => {
      let token: string | undefined;
      let expiresAt = 0;
      while (running) {
        if (!token || expiresAt - Date.now() < 2500) {
          token = (await login('rotor')).access_token;
          expiresAt = (jwt.decode(token) as jwt.JwtPayload).exp! * 1000;
          tokenKids.push({ at: Date.now(), kid: kidOf(token) });
        }
        for (const route of ['/api/profile/me', '/api/orders']) {
          const { status } = await call(gw, 'GET', route, { token });
          calls.push({ at: Date.now(), kid: kidOf(token), status });
        }
        await sleep(25);
      }
    };
    const watcher = async () => {
      while (running) {
        const res = await call(gw, 'GET', '/.well-known/jwks.json');
        jwksKids.push({ at: Date.now(), kids: res.body.keys.map((key: { kid: string }) => key.kid) });
        await sleep(100);
      }
    };
    const load = Promise.all([client(), client(), client(), watcher()]);

    let oldKid = '';
    let newKid = '';
    try {
      await sleep(1000);
      oldKid = tokenKids[0]!.kid;
      const added = await rotateKeys('add');
      expect(added).toMatchObject({ code: 0, output: expect.stringContaining('Added pending key') });
      newKid = /Added pending key ([A-Za-z0-9_-]+)/.exec(added.output)![1]!;

      // Refused until the key has been published for SIGNING_KEY_ACTIVATION_DELAY_SECONDS.
      await sleep(2000);
      const lastOldToken = (await login('rotor')).access_token;
      expect(kidOf(lastOldToken)).toBe(oldKid);
      let activated = await rotateKeys('activate');
      for (let tries = 0; activated.code === 1 && tries < 5; tries += 1) {
        expect(activated.output).toMatch(/has not been published long enough: try again in \d+ s/);
        await sleep(Number(/try again in (\d+) s/.exec(activated.output)![1]) * 1000);
        activated = await rotateKeys('activate');
      }
      expect(activated).toMatchObject({ code: 0, output: expect.stringContaining(`Key ${newKid} signs now`) });
      // A token of the old key, issued just before the switch, keeps working after it.
      await sleep(2000);
      expect((await call(gw, 'GET', '/api/profile/me', { token: lastOldToken })).status).toBe(200);
      expect((await call(gw, 'GET', '/api/orders', { token: lastOldToken })).status).toBe(200);

      // Tokens signed with the old key stay in use until they expire, then the old key may go.
      await sleep(ACCESS_TOKEN_TTL_SECONDS * 1000);
      const retired = await rotateKeys('retire');
      expect(retired).toEqual({ code: 0, output: `Removed from the JWKS: ${oldKid}.\n` });
      await sleep(1500);
    } finally {
      running = false;
      await load;
    }

    expect(calls.filter((entry) => entry.status !== 200)).toEqual([]);
    expect(calls.length).toBeGreaterThan(100);
    expect(calls.filter((entry) => entry.kid === newKid).length).toBeGreaterThan(0);
    const firstNewToken = tokenKids.find((entry) => entry.kid === newKid)!;
    const firstPublished = jwksKids.find((snapshot) => snapshot.kids.includes(newKid))!;
    expect(firstPublished.at).toBeLessThan(firstNewToken.at);
    expect(jwksKids.at(-1)!.kids).toEqual([newKid]);
    expect(tokenKids.at(-1)!.kid).toBe(newKid);
  }, 90_000);
});

describe('login throttling across the auth replicas', () => {
  it('answers 429 with Retry-After after repeated failures, whichever replica answers, then lets the user in again', async () => {
    const servedBy = new Set<string>();
    for (let i = 0; i < 4; i += 1) {
      const res = await call(gw, 'POST', '/auth/login', { body: { username: 'target', password: 'wrong-password' } });
      expect(res.status).toBe(401);
      servedBy.add(res.headers.get('x-served-by')!);
    }
    expect(servedBy.size).toBe(2);
    const blocked = await call(gw, 'POST', '/auth/login', { body: { username: 'target', password } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await sleep(Number(blocked.headers.get('retry-after')) * 1000 + 200);
    await login('target');
  });
});

describe('domain services verifying the forwarded token themselves', () => {
  it('ignore identity headers sent straight to a service, with or without a token', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const bobId = (jwt.decode(bob.access_token) as jwt.JwtPayload).sub!;
    const profile = cluster.replicasOf('profile')[0]!.url;
    const orders = cluster.replicasOf('orders')[0]!.url;
    const forged = { 'x-user-id': bobId, 'x-user-name': 'bob', 'x-user-roles': 'user,admin' };
    expect((await call(orders, 'GET', '/api/orders', { headers: forged })).status).toBe(401);
    const me = await call(profile, 'GET', '/api/profile/me', { token: alice.access_token, headers: forged });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'alice', roles: ['user'] });
    const catalog = cluster.replicasOf('catalog')[0]!.url;
    expect(
      (
        await call(catalog, 'POST', '/api/catalog/products', {
          token: alice.access_token,
          headers: forged,
          body: { name: 'x', price: 1 },
        })
      ).status,
    ).toBe(403);
  });

  it('and work through the gateway', async () => {
    const alice = await login('alice');
    const res = await call(gw, 'GET', '/api/profile/me', {
      token: alice.access_token,
      headers: { 'X-User-Name': 'mallory' },
    });
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('alice');
  });
});

describe('hygiene', () => {
  it("puts security headers on proxied answers and the gateway's own, and no X-Powered-By", async () => {
    const alice = await login('alice');
    for (const res of [
      await call(gw, 'GET', '/api/profile/me', { token: alice.access_token }),
      await call(gw, 'GET', '/api/orders'),
      await call(gw, 'GET', '/nowhere'),
      await call(gw, 'POST', '/auth/login', { body: { username: 'alice' } }),
    ]) {
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      if (res.status >= 400) expect(Object.keys(res.body).sort()).toEqual(['error', 'message']);
    }
  });

  it("never writes a password or a token to any service's log", async () => {
    await sleep(300);
    const logDir = path.join(dataDir, 'logs');
    const files = await readdir(logDir);
    expect(files.sort()).toEqual([
      'auth-1.log',
      'auth-2.log',
      'catalog-1.log',
      'console-1.log',
      'gateway-1.log',
      'orders-1.log',
      'profile-1.log',
    ]);
    const logs = (await Promise.all(files.map((file) => readFile(path.join(logDir, file), 'utf8')))).join('\n');
    expect(logs).toContain('"status":401'); // the logs are there, at debug level, and hold the failed logins
    expect(secrets.size).toBeGreaterThan(20);
    const leaked = [...secrets].filter((secret) => logs.includes(secret));
    expect(leaked).toEqual([]);
  });
});
