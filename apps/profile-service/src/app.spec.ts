import type { RequestListener } from 'node:http';
import request from 'supertest';
import type { Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { profileService } from './app';
import { profileMigrations } from './data-access/migrations';

let testDb: MigratedTestDatabase;
let db: Database;
let app: RequestListener;

const alice = { 'x-user-id': 'user-alice', 'x-user-name': 'alice', 'x-user-roles': 'user' };
const bob = { 'x-user-id': 'user-bob', 'x-user-name': 'bob', 'x-user-roles': 'user,admin' };
const putDisplayName = (body: unknown, headers: Record<string, string> = alice) =>
  request(app)
    .put('/api/profile/me')
    .set(headers)
    .send(body as object);

beforeAll(async () => {
  testDb = await migratedTestDatabase('profile', profileMigrations);
  db = testDb.db;
  const config = profileService.loadConfig({ DATABASE_URL: testDb.url, INSTANCE_ID: 'profile-1' });
  app = profileService.createApp({ config, db, logger: createLogger('profile-service', 'profile-1', 'silent') }).app;
});

afterAll(async () => {
  await testDb.drop();
});

describe('GET /api/profile/me', () => {
  it("answers the caller's claims and no display name before one is set", async () => {
    const res = await request(app).get('/api/profile/me').set(alice).expect(200);
    expect(res.headers['x-served-by']).toBe('profile-service/profile-1');
    expect(res.body).toEqual({ sub: 'user-alice', username: 'alice', roles: ['user'], displayName: null });
  });

  it('answers 401 without identity', async () => {
    await request(app)
      .get('/api/profile/me')
      .expect(401, { error: 'unauthorized', message: 'Authentication required' });
  });
});

describe('PUT /api/profile/me', () => {
  it('sets the display name, trimmed, and GET shows it', async () => {
    const res = await putDisplayName({ displayName: '  Alice Liddell ' }).expect(200);
    expect(res.body).toEqual({ sub: 'user-alice', username: 'alice', roles: ['user'], displayName: 'Alice Liddell' });
    await request(app).get('/api/profile/me').set(alice).expect(200, res.body);
  });

  it('replaces an existing display name', async () => {
    await putDisplayName({ displayName: 'Alice L.' }).expect(200);
    expect((await request(app).get('/api/profile/me').set(alice)).body.displayName).toBe('Alice L.');
    const rows = await db.query<{ total: number }>(
      'test',
      'SELECT count(*)::int AS total FROM profiles WHERE user_id = $1',
      ['user-alice'],
    );
    expect(rows[0]?.total).toBe(1);
  });

  it("keeps one user's profile apart from another's", async () => {
    await request(app)
      .get('/api/profile/me')
      .set(bob)
      .expect(200, { sub: 'user-bob', username: 'bob', roles: ['user', 'admin'], displayName: null });
    await putDisplayName({ displayName: 'Bob' }, bob).expect(200);
    expect((await request(app).get('/api/profile/me').set(alice)).body.displayName).toBe('Alice L.');
    expect((await request(app).get('/api/profile/me').set(bob)).body.displayName).toBe('Bob');
  });

  it('accepts exactly 100 characters, counting characters rather than UTF-16 units', async () => {
    const carol = { 'x-user-id': 'user-carol', 'x-user-name': 'carol', 'x-user-roles': 'user' };
    await putDisplayName({ displayName: 'a'.repeat(100) }, carol).expect(200);
    const res = await putDisplayName({ displayName: '😀'.repeat(100) }, carol).expect(200);
    expect(res.body.displayName).toBe('😀'.repeat(100));
  });

  it.each([
    ['missing', {}, 'displayName is required'],
    ['null', { displayName: null }, 'displayName is required'],
    ['a number', { displayName: 42 }, 'displayName must be a string'],
    ['empty', { displayName: '' }, 'displayName must not be empty'],
    ['blank', { displayName: '   ' }, 'displayName must not be empty'],
    ['101 characters', { displayName: 'a'.repeat(101) }, 'displayName must be at most 100 characters'],
    ['a NUL byte', { displayName: 'a\u0000b' }, 'displayName must not contain control characters'],
    ['an array body', ['Alice'], 'The body must be a JSON object'],
  ])('answers 400 for %s', async (_label, body, message) => {
    await putDisplayName(body).expect(400, { error: 'invalid_request', message });
  });

  it('answers 401 without identity and changes nothing', async () => {
    await request(app).put('/api/profile/me').send({ displayName: 'Mallory' }).expect(401);
    expect((await request(app).get('/api/profile/me').set(alice)).body.displayName).toBe('Alice L.');
  });
});
