import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import pino from 'pino';
import request from 'supertest';
import type { Database } from '@jwt-msa/db';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { authService, type AuthApp } from './app';
import { authMigrations } from './data-access/migrations';

/**
 * Abuse of the auth service's own endpoints: refresh-token games, SQL injection in every field,
 * hostile request bodies, and what ends up in responses and logs.
 */

let testDb: MigratedTestDatabase;
let db: Database;
let auth: AuthApp;
const logs: string[] = [];

beforeAll(async () => {
  testDb = await migratedTestDatabase('auth_abuse', authMigrations);
  db = testDb.db;
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  // Generous limits: these tests make many failed logins on purpose.
  const config = authService.loadConfig({
    DATABASE_URL: testDb.url,
    PASSWORD_SCRYPT_LOG2_COST: '10',
    LOGIN_THROTTLE_ACCOUNT_ATTEMPTS: '1000',
    LOGIN_THROTTLE_CLIENT_ATTEMPTS: '1000',
  });
  auth = authService.createApp({ config, db, logger: pino({ level: 'trace' }, sink) });
  await auth.wiring.keys.load();
  for (const username of ['alice', 'bob'])
    await post('/auth/register', { username, password: `${username}-password` }).expect(201);
});
afterAll(async () => {
  await testDb.drop();
});

const post = (route: string, body: unknown) =>
  request(auth.app)
    .post(route)
    .send(body as object);
const loginAs = async (username: string) =>
  (await post('/auth/login', { username, password: `${username}-password` }).expect(200)).body;
const refresh = (token: string) => post('/auth/refresh', { refresh_token: token });
const subOf = (accessToken: string) => (jwt.decode(accessToken) as jwt.JwtPayload).sub;
const userCount = async () => (await db.query<{ n: number }>('test', 'SELECT count(*)::int AS n FROM users'))[0]!.n;

describe('refresh token abuse', () => {
  it('reuse of a rotated token: 401, and the whole family is revoked', async () => {
    const first = (await loginAs('alice')).refresh_token;
    const second = (await refresh(first).expect(200)).body.refresh_token;
    await refresh(first).expect(401, {
      error: 'invalid_grant',
      message: 'The refresh token is invalid, expired or revoked',
    });
    await refresh(second).expect(401);
    const [row] = await db.query<{ revoked_reason: string }>(
      'test',
      'SELECT revoked_reason FROM refresh_token_families WHERE revoked_at IS NOT NULL ORDER BY revoked_at DESC LIMIT 1',
    );
    expect(row?.revoked_reason).toBe('reuse');
  });

  it('an expired refresh token: 401', async () => {
    const { refresh_token } = await loginAs('alice');
    await db.query('test', "UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL");
    await refresh(refresh_token).expect(401);
  });

  it('a refresh token after logout: 401', async () => {
    const { refresh_token } = await loginAs('alice');
    await post('/auth/logout', { refresh_token }).expect(204);
    await refresh(refresh_token).expect(401);
  });

  it("another user's refresh token never yields this user's tokens, whatever else the body says", async () => {
    const alice = await loginAs('alice');
    const bob = await loginAs('bob');
    const res = await post('/auth/refresh', {
      refresh_token: bob.refresh_token,
      username: 'alice',
      sub: subOf(alice.access_token),
      user_id: subOf(alice.access_token),
    }).expect(200);
    expect(subOf(res.body.access_token)).toBe(subOf(bob.access_token));
  });

  it("a refresh token from another user's revoked family: 401, and other families live on", async () => {
    const bob = await loginAs('bob');
    const alice = await loginAs('alice');
    await post('/auth/logout', { refresh_token: bob.refresh_token }).expect(204);
    await refresh(bob.refresh_token).expect(401);
    await refresh(alice.refresh_token).expect(200);
  });

  it.each([
    ['an access token', async () => (await loginAs('alice')).access_token],
    [
      'a refresh token with a character changed',
      async () => {
        const t = (await loginAs('alice')).refresh_token as string;
        return `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`;
      },
    ],
    [
      'the hash stored for a refresh token',
      async () =>
        (await db.query<{ token_hash: string }>('test', 'SELECT token_hash FROM refresh_tokens LIMIT 1'))[0]!
          .token_hash,
    ],
  ])('%s presented as a refresh token: refused', async (_name, token) => {
    const res = await refresh(await token());
    // An access token is longer than any refresh token, so it is refused as malformed (400).
    expect([
      [400, 'invalid_request'],
      [401, 'invalid_grant'],
    ]).toContainEqual([res.status, res.body.error]);
  });
});

describe('SQL injection is inert in every field', () => {
  const payloads = [
    "' OR '1'='1",
    "alice' --",
    "alice'; DROP TABLE users; --",
    "x' UNION SELECT id, username, password_hash, roles FROM users --",
    "'); UPDATE users SET roles = ARRAY['admin'] WHERE username = 'bob'; --",
    "\\'; SELECT pg_sleep(5); --",
  ];
  const fields: Array<[string, string, (payload: string) => object]> = [
    ['register username', '/auth/register', (p) => ({ username: p, password: 'long enough' })],
    [
      'register password',
      '/auth/register',
      (p) => ({ username: `inj${Math.random().toString(36).slice(2, 8)}`, password: `${p}-long-enough` }),
    ],
    ['login username', '/auth/login', (p) => ({ username: p, password: 'alice-password' })],
    ['login password', '/auth/login', (p) => ({ username: 'alice', password: p })],
    ['refresh token', '/auth/refresh', (p) => ({ refresh_token: p })],
    ['logout token', '/auth/logout', (p) => ({ refresh_token: p })],
  ];
  const cases = fields.flatMap(([field, route, body]) =>
    payloads.map((payload) => [field, payload, route, body] as const),
  );

  it.each(cases)('%s: %s', async (field, payload, route, body) => {
    const usersBefore = await userCount();
    const started = Date.now();
    const res = await post(route, body(payload));
    expect(res.status).toBeLessThan(500);
    expect(Date.now() - started).toBeLessThan(4000); // pg_sleep never ran
    if (field === 'register password') expect(res.status).toBe(201);
    else if (route === '/auth/logout') expect(res.status).toBe(204);
    else expect([400, 401]).toContain(res.status);
    expect(await userCount()).toBe(usersBefore + (res.status === 201 ? 1 : 0));
    const roles = await db.query<{ username: string; roles: string[] }>(
      'test',
      "SELECT username, roles FROM users WHERE username IN ('alice', 'bob') ORDER BY username",
    );
    expect(roles).toEqual([
      { username: 'alice', roles: ['user'] },
      { username: 'bob', roles: ['user'] },
    ]);
  });

  it('builds no SQL text from values anywhere in the auth service (parameters only)', () => {
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && !file.endsWith('.spec.ts')) sources.push(file);
      }
    };
    walk(__dirname);
    expect(sources.length).toBeGreaterThan(10);
    const interpolated = sources.filter((file) =>
      /\.query(<[^>]*>)?\(\s*'[^']*',\s*`[^`]*\$\{/.test(readFileSync(file, 'utf8')),
    );
    expect(interpolated).toEqual([]);
  });
});

describe('hostile request bodies: always a clear 4xx, never a 500 or a stack trace', () => {
  const routes = ['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout'];
  const bodies: Array<[string, string, string]> = [
    ['a text/plain body', 'text/plain', 'username=alice&password=x'],
    ['a form body', 'application/x-www-form-urlencoded', 'username=alice&password=x'],
    ['invalid JSON', 'application/json', '{"username": "alice", '],
    ['JSON null', 'application/json', 'null'],
    ['a JSON string', 'application/json', '"alice"'],
    ['a JSON array', 'application/json', '["alice", "alice-password"]'],
    ['an empty object', 'application/json', '{}'],
    ['numbers for strings', 'application/json', '{"username": 42, "password": 42, "refresh_token": 42}'],
    [
      'objects for strings',
      'application/json',
      '{"username": {"$ne": null}, "password": {"$gt": ""}, "refresh_token": {"a": 1}}',
    ],
    ['arrays for strings', 'application/json', '{"username": ["alice"], "password": ["x"], "refresh_token": ["x"]}'],
    ['booleans for strings', 'application/json', '{"username": true, "password": true, "refresh_token": true}'],
    ['null fields', 'application/json', '{"username": null, "password": null, "refresh_token": null}'],
    [
      'a prototype-pollution attempt',
      'application/json',
      '{"__proto__": {"roles": ["admin"]}, "constructor": {"prototype": {"admin": true}}}',
    ],
    [
      'NUL bytes',
      'application/json',
      '{"username": "ali\\u0000ce", "password": "alice-password\\u0000", "refresh_token": "a\\u0000b"}',
    ],
    ['a 64 KiB body', 'application/json', JSON.stringify({ username: 'alice', password: 'x'.repeat(64 * 1024) })],
    [
      'over-long fields',
      'application/json',
      JSON.stringify({ username: 'a'.repeat(5000), password: 'p'.repeat(5000), refresh_token: 'r'.repeat(5000) }),
    ],
    ['deeply nested JSON', 'application/json', `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`],
  ];
  const cases = routes.flatMap((route) => bodies.map(([name, type, body]) => [route, name, type, body] as const));

  it.each(cases)('%s with %s', async (route, _name, type, body) => {
    const res = await request(auth.app).post(route).set('content-type', type).send(body);
    // Logout is idempotent: a well-typed but unknown token is simply nothing to revoke.
    expect(res.status).toBeGreaterThanOrEqual(route === '/auth/logout' ? 204 : 400);
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400) {
      expect(Object.keys(res.body).sort()).toEqual(['error', 'message']);
      expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
    }
    expect(({} as Record<string, unknown>)['roles']).toBeUndefined();
  });

  it.each([
    ['text/plain', 415, 'unsupported_media_type'],
    ['invalid JSON', 400, 'invalid_json'],
    ['a body over the limit', 413, 'body_too_large'],
    ['a field of the wrong type', 400, 'invalid_request'],
    ['a missing field', 400, 'invalid_request'],
  ])('answers %s with %i %s', async (name, status, code) => {
    const send: Record<string, () => request.Test> = {
      'text/plain': () => request(auth.app).post('/auth/login').set('content-type', 'text/plain').send('x'),
      'invalid JSON': () => request(auth.app).post('/auth/login').set('content-type', 'application/json').send('{'),
      'a body over the limit': () => post('/auth/login', { username: 'alice', password: 'x'.repeat(20_000) }),
      'a field of the wrong type': () => post('/auth/login', { username: 'alice', password: 1 }),
      'a missing field': () => post('/auth/login', { username: 'alice' }),
    };
    const res = await send[name]!().expect(status);
    expect(res.body.error).toBe(code);
  });
});

describe('hygiene', () => {
  it('sends security headers and no X-Powered-By, on successes and errors alike', async () => {
    for (const res of [
      await post('/auth/login', { username: 'alice', password: 'alice-password' }),
      await post('/auth/login', {}),
      await request(auth.app).get('/nope'),
    ]) {
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toContain('max-age=');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('never logs a password or a token', async () => {
    const tokens = await loginAs('alice');
    await refresh(tokens.refresh_token).expect(200);
    await post('/auth/login', { username: 'alice', password: 'a-wrong-password-42' }).expect(401);
    const text = logs.join('');
    expect(text).toContain('"status":401');
    for (const secret of [
      'alice-password',
      'bob-password',
      'a-wrong-password-42',
      tokens.refresh_token,
      tokens.access_token.split('.')[2],
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
