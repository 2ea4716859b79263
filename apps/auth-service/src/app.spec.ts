import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';
import type { Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { exportPrivateKeyPem, generateSigningKey } from '@jwt-msa/token-issuer';
import { authService, type AuthApp } from './app';
import { authMigrations } from './data-access/migrations';

let testDb: MigratedTestDatabase;
let db: Database;
let auth: AuthApp;

function newReplica(instance: string): AuthApp {
  const config = authService.loadConfig({
    DATABASE_URL: testDb.url,
    INSTANCE_ID: instance,
    JWT_ISSUER: 'http://gateway.test',
    PASSWORD_SCRYPT_LOG2_COST: '12',
  });
  return authService.createApp({ config, db, logger: createLogger('auth-service', instance, 'silent') });
}

beforeAll(async () => {
  testDb = await migratedTestDatabase('auth', authMigrations);
  db = testDb.db;
  auth = newReplica('auth-1');
  await auth.wiring.keys.load();
});

afterAll(async () => {
  await testDb.drop();
});

const register = (username: string, password = 'correct horse') =>
  request(auth.app).post('/auth/register').send({ username, password });
const login = (username: string, password = 'correct horse') =>
  request(auth.app).post('/auth/login').send({ username, password });

describe('POST /auth/register', () => {
  it('creates a user with the user role', async () => {
    const res = await register('alice').expect(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), username: 'alice', roles: ['user'] });
  });

  it('stores only an scrypt hash of the password', async () => {
    const rows = await db.query<{ password_hash: string }>(
      'test',
      'SELECT password_hash FROM users WHERE username = $1',
      ['alice'],
    );
    expect(rows[0]?.password_hash).toMatch(/^scrypt\$12\$8\$1\$/);
    expect(rows[0]?.password_hash).not.toContain('correct horse');
  });

  it('answers 409 for a taken username', async () => {
    const res = await register('alice').expect(409);
    expect(res.body).toEqual({ error: 'conflict', message: 'The username "alice" is taken' });
  });

  it.each([
    [{ username: 'Al', password: 'longenough' }, /username must be 3-64 characters/],
    [{ username: 'Alice', password: 'longenough' }, /username must be/],
    [{ username: 'x'.repeat(65), password: 'longenough' }, /username must be/],
    [{ username: 'bob', password: 'short' }, /password must be at least 8 characters/],
    [{ username: 'bob' }, /password is required/],
    [{ username: 42, password: 'longenough' }, /username must be a string/],
    [['bob', 'longenough'], /body must be a JSON object/],
  ])('answers 400 with a clear message for %j', async (body, message) => {
    const res = await request(auth.app)
      .post('/auth/register')
      .send(body as object)
      .expect(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toMatch(message);
  });
});

describe('POST /auth/login', () => {
  it('returns an RS256 access token carrying registered, public and private claims', async () => {
    const res = await login('alice').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refresh_expires_in: 604800,
    });
    const decoded = jwt.decode(res.body.access_token, { complete: true })!;
    expect(decoded.header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: auth.wiring.keys.signingKey().kid });
    const claims = decoded.payload as jwt.JwtPayload;
    expect(claims).toMatchObject({
      iss: 'http://gateway.test',
      aud: 'jwt-msa-api',
      username: 'alice',
      roles: ['user'],
      [IS_ADMIN_CLAIM]: false,
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives the same 401 for an unknown user and a wrong password', async () => {
    const unknown = await login('nobody').expect(401);
    const wrong = await login('alice', 'wrong password').expect(401);
    expect(unknown.body).toEqual({ error: 'invalid_credentials', message: 'Invalid username or password' });
    expect(wrong.body).toEqual(unknown.body);
  });

  it('stores refresh tokens only as hashes', async () => {
    const { refresh_token } = (await login('alice')).body;
    const rows = await db.query('test', 'SELECT 1 FROM refresh_tokens WHERE token_hash = $1', [refresh_token]);
    expect(rows).toHaveLength(0);
  });
});

describe('refresh token rotation', () => {
  it('rotates: each refresh token works once and yields a new pair', async () => {
    const first = (await login('alice')).body;
    const second = (
      await request(auth.app).post('/auth/refresh').send({ refresh_token: first.refresh_token }).expect(200)
    ).body;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(jwt.decode(second.access_token)).toMatchObject({ username: 'alice' });
    await request(auth.app).post('/auth/refresh').send({ refresh_token: second.refresh_token }).expect(200);
  });

  it('revokes the whole family when a rotated token is reused', async () => {
    const first = (await login('alice')).body;
    const second = (
      await request(auth.app).post('/auth/refresh').send({ refresh_token: first.refresh_token }).expect(200)
    ).body;
    const reuse = await request(auth.app)
      .post('/auth/refresh')
      .send({ refresh_token: first.refresh_token })
      .expect(401);
    expect(reuse.body).toEqual({ error: 'invalid_grant', message: 'The refresh token is invalid, expired or revoked' });
    // The legitimate-looking newest token of that family is dead too.
    await request(auth.app).post('/auth/refresh').send({ refresh_token: second.refresh_token }).expect(401);
    // Other logins are unaffected.
    const other = (await login('alice')).body;
    await request(auth.app).post('/auth/refresh').send({ refresh_token: other.refresh_token }).expect(200);
  });

  it('rejects an expired refresh token', async () => {
    const { refresh_token } = (await login('alice')).body;
    await db.query('test', "UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL");
    await request(auth.app).post('/auth/refresh').send({ refresh_token }).expect(401);
  });

  it('rejects unknown and malformed refresh tokens', async () => {
    await request(auth.app)
      .post('/auth/refresh')
      .send({ refresh_token: 'x'.repeat(43) })
      .expect(401);
    await request(auth.app).post('/auth/refresh').send({}).expect(400);
  });

  it('logout revokes the family', async () => {
    const { refresh_token } = (await login('alice')).body;
    await request(auth.app).post('/auth/logout').send({ refresh_token }).expect(204);
    await request(auth.app).post('/auth/refresh').send({ refresh_token }).expect(401);
    await request(auth.app).post('/auth/logout').send({ refresh_token }).expect(204);
  });
});

describe('key publication', () => {
  it('publishes the public signing key as a JWKS with a max-age', async () => {
    const res = await request(auth.app).get('/.well-known/jwks.json').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.keys).toHaveLength(1);
    const [jwk] = res.body.keys;
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(jwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: auth.wiring.keys.signingKey().kid });
    expect(Buffer.from(jwk.n, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
  });

  it('serves discovery metadata naming only what it serves: the issuer and its JWKS', async () => {
    const res = await request(auth.app).get('/.well-known/openid-configuration').expect(200);
    expect(res.body).toEqual({
      issuer: 'http://gateway.test',
      jwks_uri: 'http://gateway.test/.well-known/jwks.json',
    });
  });

  it('shares one signing key between replicas, even when they start together', async () => {
    const replicas = [newReplica('auth-2'), newReplica('auth-3')];
    await Promise.all(replicas.map((replica) => replica.wiring.keys.load()));
    expect(replicas.map((replica) => replica.wiring.keys.signingKey().kid)).toEqual([
      auth.wiring.keys.signingKey().kid,
      auth.wiring.keys.signingKey().kid,
    ]);
    const token = (await login('alice')).body.access_token;
    const jwks = (await request(replicas[1]!.app).get('/.well-known/jwks.json')).body;
    expect(jwks.keys[0].kid).toBe(jwt.decode(token, { complete: true })!.header.kid);
  });
});

describe('bootstrap admin', () => {
  it('ensures the configured admin with roles user and admin', async () => {
    await auth.wiring.accounts.ensureAdmin('root-admin', 'admin password');
    await auth.wiring.accounts.ensureAdmin('root-admin', 'admin password');
    const res = await login('root-admin', 'admin password').expect(200);
    expect(jwt.decode(res.body.access_token)).toMatchObject({ roles: ['user', 'admin'], [IS_ADMIN_CLAIM]: true });
  });
});

describe('signing keys from a mounted secret (SIGNING_KEY_FILE)', () => {
  it('signs with the first key of the file and publishes all of them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'auth-keys-'));
    const [first, second] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    const file = path.join(dir, 'signing-keys.pem');
    await writeFile(file, `${exportPrivateKeyPem(first!)}\n${exportPrivateKeyPem(second!)}`);
    const config = authService.loadConfig({
      DATABASE_URL: testDb.url,
      SIGNING_KEY_FILE: file,
      PASSWORD_SCRYPT_LOG2_COST: '12',
    });
    const fromFile = authService.createApp({ config, db, logger: createLogger('auth-service', 'file', 'silent') });
    await fromFile.wiring.keys.load();
    const jwks = (await request(fromFile.app).get('/.well-known/jwks.json')).body;
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toEqual([first!.kid, second!.kid]);
    const token = (
      await request(fromFile.app).post('/auth/login').send({ username: 'alice', password: 'correct horse' }).expect(200)
    ).body.access_token;
    expect(jwt.decode(token, { complete: true })!.header.kid).toBe(first!.kid);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start from a file without a PKCS#8 key', async () => {
    const config = authService.loadConfig({ DATABASE_URL: testDb.url, SIGNING_KEY_FILE: '/dev/null' });
    const broken = authService.createApp({ config, db, logger: createLogger('auth-service', 'file', 'silent') });
    await expect(broken.wiring.keys.load()).rejects.toThrow('/dev/null holds no "BEGIN PRIVATE KEY" (PKCS#8) block');
  });
});
