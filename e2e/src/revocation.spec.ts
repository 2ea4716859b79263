import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { startLocalCluster, type LocalCluster } from '@jwt-msa/cluster';
import { call } from './http';

/**
 * Revocation across 3 gateway replicas and 2 auth replicas, every one a real process: logout,
 * logout-all, admin revoke and refresh reuse reach every gateway's in-memory list within seconds
 * (the demo reports the real figure); the verified-token cache serves no revoked token; a
 * restarted gateway refuses from its first ready moment; with the auth service stopped, revoked
 * tokens stay refused and logout-all answers 503. This suite stops services: its own cluster.
 */
const LAG_LIMIT_MS = 3000;
const password = `pw-${randomBytes(9).toString('hex')}`;
const adminPassword = `admin-${randomBytes(9).toString('hex')}`;

let dataDir: string;
let cluster: LocalCluster;
let gateways: string[];
let gw: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-revocation-'));
  cluster = await startLocalCluster({
    dataDir,
    gatewayPort: 0,
    scale: { auth: 2, gateway: 3 },
    admin: { username: 'admin', password: adminPassword },
    logLevel: 'warn',
    env: { auth: { PASSWORD_SCRYPT_LOG2_COST: '12' } },
  });
  gateways = cluster.gateways.map((gateway) => gateway.url);
  gw = cluster.gatewayUrl;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Login {
  access_token: string;
  refresh_token: string;
}

async function register(username: string): Promise<void> {
  expect((await call(gw, 'POST', '/auth/register', { body: { username, password } })).status).toBe(201);
}

async function login(username: string, secret = password): Promise<Login> {
  const res = await call<Login>(gw, 'POST', '/auth/login', { body: { username, password: secret } });
  expect(res.status).toBe(200);
  return res.body;
}

/** Status of one API call per gateway replica. */
const statusesEverywhere = async (token: string) =>
  Promise.all(gateways.map(async (url) => (await call(url, 'GET', '/api/orders', { token })).status));

/** Calls every replica until each refuses; the slowest one's time since `since`. */
async function refusedEverywhereWithin(token: string, since: number): Promise<number> {
  while ((await statusesEverywhere(token)).some((status) => status !== 401)) {
    if (Date.now() - since > LAG_LIMIT_MS) throw new Error(`still accepted after ${LAG_LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - since;
}

describe('revocation reaches every gateway replica', () => {
  it('logout-all: every replica refuses the old tokens, even from its cache, while a token issued afterwards works', async () => {
    await register('everywhere');
    const first = await login('everywhere');
    const second = await login('everywhere');
    // Warm each replica's verified-token cache with both tokens.
    for (let i = 0; i < 2; i++) {
      expect(await statusesEverywhere(first.access_token)).toEqual([200, 200, 200]);
      expect(await statusesEverywhere(second.access_token)).toEqual([200, 200, 200]);
    }
    const res = await call(gateways[1]!, 'POST', '/auth/logout-all', { token: first.access_token });
    expect(res.status).toBe(204);
    const answered = Date.now();
    const after = await login('everywhere');
    expect(await refusedEverywhereWithin(first.access_token, answered)).toBeLessThan(LAG_LIMIT_MS);
    expect(await refusedEverywhereWithin(second.access_token, answered)).toBeLessThan(LAG_LIMIT_MS);
    expect(await statusesEverywhere(after.access_token)).toEqual([200, 200, 200]);
    const refused = await call(gateways[2]!, 'GET', '/api/orders', { token: first.access_token });
    expect(refused.headers.get('www-authenticate')).toBe(
      'Bearer realm="jwt-msa", error="invalid_token", error_description="The token has been revoked"',
    );
    const sessions = await call(gw, 'GET', '/auth/sessions', { token: after.access_token });
    expect(sessions.status).toBe(200);
    expect(
      sessions.body.sessions.map((s: { revokedReason: string | null; current: boolean }) => [
        s.revokedReason,
        s.current,
      ]),
    ).toEqual([
      [null, true],
      ['logout-all', false],
      ['logout-all', false],
    ]);
  });

  it('logout kills that access token only: another login of the same user keeps working', async () => {
    await register('single-logout');
    const session = await login('single-logout');
    const other = await login('single-logout');
    expect(await statusesEverywhere(session.access_token)).toEqual([200, 200, 200]);
    const res = await call(gw, 'POST', '/auth/logout', {
      token: session.access_token,
      body: { refresh_token: session.refresh_token },
    });
    expect(res.status).toBe(204);
    await refusedEverywhereWithin(session.access_token, Date.now());
    expect(await statusesEverywhere(other.access_token)).toEqual([200, 200, 200]);
  });

  it('refresh reuse: the family ends, and all its access tokens are refused everywhere', async () => {
    await register('reuser');
    const original = await login('reuser');
    const rotated = await call<Login>(gw, 'POST', '/auth/refresh', { body: { refresh_token: original.refresh_token } });
    expect(rotated.status).toBe(200);
    expect(await statusesEverywhere(rotated.body.access_token)).toEqual([200, 200, 200]);
    const replay = await call(gw, 'POST', '/auth/refresh', { body: { refresh_token: original.refresh_token } });
    expect(replay.status).toBe(401);
    const since = Date.now();
    await refusedEverywhereWithin(original.access_token, since);
    await refusedEverywhereWithin(rotated.body.access_token, since);
    const sessions = await call(gw, 'GET', '/auth/sessions', { token: (await login('reuser')).access_token });
    expect(sessions.body.sessions[1].revokedReason).toBe('reuse');
  });

  it('admin revoke: an admin finds a user and ends everything of theirs; nobody else can', async () => {
    await register('victim');
    const victim = await login('victim');
    const admin = await login('admin', adminPassword);
    const found = await call(gw, 'GET', '/auth/admin/users?username=victim', { token: admin.access_token });
    expect(found.status).toBe(200);
    const id = found.body.users[0].id as string;
    expect(id).toBe(jwt.decode(victim.access_token)!.sub);
    // Not without the role, not without a token, not for someone else's id either.
    const bystander = await (async () => {
      await register('bystander');
      return login('bystander');
    })();
    expect((await call(gw, 'POST', `/auth/admin/users/${id}/revoke`, { token: bystander.access_token })).status).toBe(
      403,
    );
    expect((await call(gw, 'POST', `/auth/admin/users/${id}/revoke`)).status).toBe(401);
    expect((await call(gw, 'GET', '/auth/admin/users?username=victim', { token: bystander.access_token })).status).toBe(
      403,
    );
    expect(await statusesEverywhere(victim.access_token)).toEqual([200, 200, 200]);
    const revoked = await call(gw, 'POST', `/auth/admin/users/${id}/revoke`, { token: admin.access_token });
    expect(revoked.status).toBe(204);
    await refusedEverywhereWithin(victim.access_token, Date.now());
    expect(await statusesEverywhere(bystander.access_token)).toEqual([200, 200, 200]);
    const unknown = await call(gw, 'POST', '/auth/admin/users/00000000-0000-4000-8000-000000000000/revoke', {
      token: admin.access_token,
    });
    expect(unknown.status).toBe(404);
    const bad = await call(gw, 'POST', '/auth/admin/users/1%20OR%201=1/revoke', { token: admin.access_token });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
  });
});

describe('abuse', () => {
  it('the feed is not routed by the gateway, and gives nothing to a client without the secret', async () => {
    for (const url of gateways) expect((await call(url, 'GET', '/internal/revocations')).status).toBe(404);
    const auth = cluster.replicasOf('auth')[0]!.url;
    expect((await call(auth, 'GET', '/internal/revocations')).status).toBe(401);
    const forged = await call(auth, 'GET', '/internal/revocations', {
      headers: { authorization: 'Bearer guess-guess-guess-guess-guess-guess' },
    });
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({ error: 'unauthorized', message: 'The revocation feed needs the feed secret' });
  });

  it('revoke endpoints need authentication, and validate their bodies (400 JSON)', async () => {
    expect((await call(gw, 'POST', '/auth/logout-all')).status).toBe(401);
    expect((await call(gw, 'GET', '/auth/ADMIN/users?username=admin')).status).toBe(401);
    expect((await call(gw, 'GET', '/auth/sessions')).status).toBe(401);
    const forgedIdentity = await call(gw, 'GET', '/auth/sessions', {
      headers: { 'x-user-id': 'someone', 'x-token-sid': 'x' },
    });
    expect(forgedIdentity.status).toBe(401);
    for (const body of [[], 'text', { refresh_token: 42 }, {}]) {
      const res = await call(gw, 'POST', '/auth/logout', { body });
      expect([res.status, typeof res.body.error, typeof res.body.message]).toEqual([400, 'string', 'string']);
    }
    await register('abuser');
    const session = await login('abuser');
    const forged = `${session.access_token.slice(0, -4)}AAAA`;
    const res = await call(gw, 'POST', '/auth/logout', {
      token: forged,
      body: { refresh_token: session.refresh_token },
    });
    expect([res.status, res.body.error]).toEqual([401, 'invalid_token']);
    expect(await statusesEverywhere(session.access_token)).toEqual([200, 200, 200]);
  });
});

describe('restarts and outages', () => {
  it('a gateway restarted after a revocation refuses the token from its first ready moment', async () => {
    await register('restart');
    const session = await login('restart');
    await call(gw, 'POST', '/auth/logout', {
      token: session.access_token,
      body: { refresh_token: session.refresh_token },
    });
    await refusedEverywhereWithin(session.access_token, Date.now());
    const replica = cluster.replicasOf('gateway')[2]!;
    await replica.stop();
    replica.start();
    await replica.waitUntilReady(30_000);
    expect((await call(gateways[2]!, 'GET', '/api/orders', { token: session.access_token })).status).toBe(401);
  });

  it('with the auth service stopped, revoked tokens stay refused, others work, and logout-all answers 503', async () => {
    await register('outage');
    const revoked = await login('outage');
    const kept = await login('outage');
    await call(gw, 'POST', '/auth/logout', {
      token: revoked.access_token,
      body: { refresh_token: revoked.refresh_token },
    });
    await refusedEverywhereWithin(revoked.access_token, Date.now());
    const authReplicas = cluster.replicasOf('auth');
    await Promise.all(authReplicas.map((replica) => replica.stop()));
    try {
      expect(await statusesEverywhere(revoked.access_token)).toEqual([401, 401, 401]);
      expect(await statusesEverywhere(kept.access_token)).toEqual([200, 200, 200]);
      const res = await call(gw, 'POST', '/auth/logout-all', { token: kept.access_token });
      expect([res.status, res.body.error]).toEqual([503, 'upstream_unavailable']);
    } finally {
      for (const replica of authReplicas) replica.start();
      await Promise.all(authReplicas.map((replica) => replica.waitUntilReady(30_000)));
    }
  });
});
