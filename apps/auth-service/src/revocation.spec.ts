import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { AccessTokenClaims } from '@jwt-msa/claims';
import type { Database } from '@jwt-msa/db';
import { DenyList, type RevocationFeedPage } from '@jwt-msa/revocation';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { authService, type AuthApp } from './app';
import { authMigrations } from './data-access/migrations';
import { FULL_PAGE_LIMIT, MAX_NARROW_ENTRIES_PER_SUBJECT } from './domain/revocations';

const FEED_SECRET = 'feed-secret-'.padEnd(40, 'x');

let testDb: MigratedTestDatabase;
let db: Database;
let auth: AuthApp;
let otherReplica: AuthApp;

function replica(instance: string, pool: Database): AuthApp {
  const config = authService.loadConfig({
    DATABASE_URL: testDb.url,
    INSTANCE_ID: instance,
    JWT_ISSUER: 'http://gateway.test',
    PASSWORD_SCRYPT_LOG2_COST: '10',
    REVOCATION_FEED_SECRET: FEED_SECRET,
    REVOCATION_FEED_POLL_MS: '50',
  });
  return authService.createApp({ config, db: pool, logger: createLogger('auth-service', instance, 'silent') });
}

beforeAll(async () => {
  testDb = await migratedTestDatabase('auth-revocation', authMigrations);
  db = testDb.db;
  auth = replica('auth-1', db);
  otherReplica = replica('auth-2', testDb.open('auth-2'));
  await auth.wiring.keys.load();
  await otherReplica.wiring.keys.load();
  await auth.wiring.accounts.ensureAdmin('root-admin', 'admin password');
});

afterAll(async () => {
  otherReplica.wiring.background[0]!.stop();
  auth.wiring.background[0]!.stop();
  await testDb.drop();
});

interface Login {
  userId: string;
  access: string;
  refresh: string;
  claims: AccessTokenClaims;
}

const claimsOf = (token: string) => jwt.decode(token) as AccessTokenClaims;

async function login(username: string, password = 'correct horse'): Promise<Login> {
  const res = await request(auth.app).post('/auth/login').send({ username, password }).expect(200);
  const claims = claimsOf(res.body.access_token);
  return { userId: claims.sub, access: res.body.access_token, refresh: res.body.refresh_token, claims };
}

async function registerAndLogin(username: string): Promise<Login> {
  await request(auth.app).post('/auth/register').send({ username, password: 'correct horse' }).expect(201);
  return login(username);
}

/** The identity headers the gateway sets for a verified token. */
const identityOf = (session: Login, roles = session.claims.roles) => ({
  'x-user-id': session.userId,
  'x-user-name': session.claims.username,
  'x-user-roles': roles.join(','),
  'x-token-id': session.claims.jti,
  ...(session.claims.sid && { 'x-token-sid': session.claims.sid }),
});

const feed = (app: AuthApp, query = '') =>
  request(app.app).get(`/internal/revocations${query}`).set('Authorization', `Bearer ${FEED_SECRET}`);

/** What a gateway holding the whole feed would refuse. */
async function denyListNow(): Promise<DenyList> {
  const first = (await feed(auth).expect(200)).body as RevocationFeedPage;
  const entries = [...first.entries];
  for (let next = first.next; next !== undefined; ) {
    const page = (await feed(auth, `?from=${next}&until=${first.cursor}`).expect(200)).body as RevocationFeedPage;
    entries.push(...page.entries);
    next = page.next;
  }
  const list = new DenyList();
  list.replace(entries);
  return list;
}

describe('access tokens name their login (sid)', () => {
  it('carry the refresh family as sid, the same across refreshes', async () => {
    const first = await registerAndLogin('sid-user');
    expect(first.claims.sid).toMatch(/^[0-9a-f-]{36}$/);
    const refreshed = await request(auth.app).post('/auth/refresh').send({ refresh_token: first.refresh }).expect(200);
    expect(claimsOf(refreshed.body.access_token).sid).toBe(first.claims.sid);
    const second = await login('sid-user');
    expect(second.claims.sid).not.toBe(first.claims.sid);
  });
});

describe('GET /auth/sessions', () => {
  it("lists the caller's logins, newest first, marking the current one", async () => {
    const first = await registerAndLogin('sessions-user');
    await request(auth.app).post('/auth/refresh').send({ refresh_token: first.refresh }).expect(200);
    const second = await login('sessions-user');
    await request(auth.app).post('/auth/logout').send({ refresh_token: second.refresh }).expect(204);
    const res = await request(auth.app).get('/auth/sessions').set(identityOf(first)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.sessions).toEqual([
      {
        id: second.claims.sid,
        createdAt: expect.any(String),
        lastRotatedAt: null,
        revokedAt: expect.any(String),
        revokedReason: 'logout',
        current: false,
      },
      {
        id: first.claims.sid,
        createdAt: expect.any(String),
        lastRotatedAt: expect.any(String),
        revokedAt: null,
        revokedReason: null,
        current: true,
      },
    ]);
  });

  it('answers 401 without an authenticated caller', async () => {
    const res = await request(auth.app).get('/auth/sessions').expect(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: 'Authentication required' });
  });
});

describe('POST /auth/logout', () => {
  it("revokes the family by sid: the login's access tokens are refused, another login's are not", async () => {
    const session = await registerAndLogin('logout-user');
    const other = await login('logout-user');
    await request(auth.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${session.access}`)
      .send({ refresh_token: session.refresh })
      .expect(204);
    const list = await denyListNow();
    expect(list.match(session.claims)).toMatchObject({ kind: 'session', id: session.claims.sid });
    expect(list.match(other.claims)).toBeUndefined();
  });

  it('revokes an access token of another login (or an expired one) by jti', async () => {
    const session = await registerAndLogin('logout-jti');
    const other = await login('logout-jti');
    await request(auth.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${other.access}`)
      .send({ refresh_token: session.refresh })
      .expect(204);
    const list = await denyListNow();
    expect(list.match(other.claims)).toMatchObject({ kind: 'token', id: other.claims.jti });
  });

  it('refuses an access token it did not sign (401) and a malformed Authorization header (400), revoking nothing', async () => {
    const session = await registerAndLogin('logout-forged');
    const forged = jwt.sign({ sub: session.userId }, 'secret', {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt' },
    });
    const res = await request(auth.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${forged}`)
      .send({ refresh_token: session.refresh })
      .expect(401);
    expect(res.body.error).toBe('invalid_token');
    const malformed = await request(auth.app)
      .post('/auth/logout')
      .set('Authorization', 'Basic abc')
      .send({ refresh_token: session.refresh })
      .expect(400);
    expect(malformed.body.error).toBe('invalid_request');
    await request(auth.app).post('/auth/refresh').send({ refresh_token: session.refresh }).expect(200);
  });
});

describe('POST /auth/logout-all', () => {
  it('ends every login of the caller and every access token issued before now, not later ones', async () => {
    const first = await registerAndLogin('everywhere');
    const second = await login('everywhere');
    await request(auth.app).post('/auth/logout-all').set(identityOf(first)).expect(204);
    const after = await login('everywhere'); // very likely within the same second as the cutoff
    const list = await denyListNow();
    expect(list.match(first.claims)).toBeDefined();
    expect(list.match(second.claims)).toBeDefined();
    expect(list.match(after.claims)).toBeUndefined();
    await request(auth.app).post('/auth/refresh').send({ refresh_token: first.refresh }).expect(401);
    await request(auth.app).post('/auth/refresh').send({ refresh_token: after.refresh }).expect(200);
    const sessions = (await request(auth.app).get('/auth/sessions').set(identityOf(after)).expect(200)).body.sessions;
    expect(sessions.map((s: { revokedReason: string | null }) => s.revokedReason)).toEqual([
      null,
      'logout-all',
      'logout-all',
    ]);
  });

  it('answers 401 without an authenticated caller', async () => {
    await request(auth.app).post('/auth/logout-all').expect(401);
  });

  it('collapses 100,000 logins into a cutoff and the families of its last second', async () => {
    const session = await registerAndLogin('many-logins');
    // 100,000 logins, written directly (100,000 scrypt checks would take an hour): spread over the last 10 minutes.
    await db.transaction(async (tx) => {
      await tx.query('test', "SET LOCAL statement_timeout = '60s'");
      await tx.query(
        'test',
        `INSERT INTO refresh_token_families (user_id, created_at, last_issued_at)
         SELECT $1, now() - (i || ' milliseconds')::interval, now() - (i * 6 || ' milliseconds')::interval
           FROM generate_series(2000, 101999) i`,
        [session.userId],
      );
    });
    await request(auth.app).post('/auth/logout-all').set(identityOf(session)).expect(204);
    const rows = await db.query<{ kind: string; n: number }>(
      'test',
      'SELECT kind, count(*)::int AS n FROM revocations WHERE subject = $1 GROUP BY kind ORDER BY kind',
      [session.userId],
    );
    // The cutoff, and at most the real login (issued within the cutoff's second).
    expect(rows.find((row) => row.kind === 'subject')?.n).toBe(1);
    expect(rows.find((row) => row.kind === 'session')?.n ?? 0).toBeLessThanOrEqual(1);
    expect((await denyListNow()).match(session.claims)).toBeDefined();
  });
});

describe('a user with many single logouts', () => {
  it(`collapses into a cutoff past ${MAX_NARROW_ENTRIES_PER_SUBJECT} entries`, async () => {
    const session = await registerAndLogin('many-logouts');
    await db.query(
      'test',
      `INSERT INTO revocations (kind, id, subject, issued_until, expires_at)
       SELECT 'session', gen_random_uuid()::text, $1, now() - interval '1 minute', now() + interval '10 minutes'
         FROM generate_series(1, $2::int)`,
      [session.userId, MAX_NARROW_ENTRIES_PER_SUBJECT],
    );
    await request(auth.app).post('/auth/logout').send({ refresh_token: session.refresh }).expect(204);
    const rows = await db.query<{ kind: string; n: number }>(
      'test',
      'SELECT kind, count(*)::int AS n FROM revocations WHERE subject = $1 GROUP BY kind ORDER BY kind',
      [session.userId],
    );
    // One cutoff instead of 101 entries; the family keeps an entry of its own only when it issued a
    // token within the cutoff's own second (login and logout in one second: a quiet machine).
    expect(rows.filter((row) => row.kind === 'subject')).toEqual([{ kind: 'subject', n: 1 }]);
    expect(rows.filter((row) => row.kind !== 'subject').map((row) => [row.kind, row.n <= 1])).toEqual(
      rows.filter((row) => row.kind !== 'subject').map(() => ['session', true]),
    );
    expect((await denyListNow()).match(session.claims)).toBeDefined();
  });
});

describe('strict refresh-token reuse', () => {
  it('gives 20 parallel refreshes of one token one 200 and nineteen 401s, and revokes the family and its access tokens', async () => {
    const session = await registerAndLogin('parallel-refresh');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(auth.app).post('/auth/refresh').send({ refresh_token: session.refresh }),
      ),
    );
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(401)]);
    const winner = results.find((res) => res.status === 200)!.body;
    // The winner's new refresh token is dead too: the family ended at the first reuse.
    await request(auth.app).post('/auth/refresh').send({ refresh_token: winner.refresh_token }).expect(401);
    const sessions = (await request(auth.app).get('/auth/sessions').set(identityOf(session)).expect(200)).body.sessions;
    expect(sessions).toEqual([expect.objectContaining({ id: session.claims.sid, revokedReason: 'reuse' })]);
    const list = await denyListNow();
    expect(list.match(session.claims)).toMatchObject({ kind: 'session' });
    expect(list.match(claimsOf(winner.access_token))).toMatchObject({ kind: 'session' });
  });
});

describe('admin revocation', () => {
  let admin: Login;
  beforeAll(async () => {
    admin = await login('root-admin', 'admin password');
  });

  it('finds a user by username and revokes everything of theirs', async () => {
    const victim = await registerAndLogin('admin-target');
    const found = await request(auth.app)
      .get('/auth/admin/users')
      .query({ username: 'admin-target' })
      .set(identityOf(admin))
      .expect(200);
    expect(found.body).toEqual({ users: [{ id: victim.userId, username: 'admin-target', roles: ['user'] }] });
    await request(auth.app).post(`/auth/admin/users/${victim.userId}/revoke`).set(identityOf(admin)).expect(204);
    expect((await denyListNow()).match(victim.claims)).toBeDefined();
    await request(auth.app).post('/auth/refresh').send({ refresh_token: victim.refresh }).expect(401);
    const sessions = (await request(auth.app).get('/auth/sessions').set(identityOf(victim)).expect(200)).body.sessions;
    expect(sessions[0].revokedReason).toBe('admin');
  });

  it('answers an empty list for an unknown username, 404 for an unknown id, 400 for bad input', async () => {
    await request(auth.app)
      .get('/auth/admin/users?username=nobody-here')
      .set(identityOf(admin))
      .expect(200, { users: [] });
    const unknown = await request(auth.app)
      .post('/auth/admin/users/00000000-0000-4000-8000-000000000000/revoke')
      .set(identityOf(admin))
      .expect(404);
    expect(unknown.body.error).toBe('not_found');
    const badId = await request(auth.app)
      .post('/auth/admin/users/not-a-uuid/revoke')
      .set(identityOf(admin))
      .expect(400);
    expect(badId.body).toEqual({ error: 'invalid_request', message: 'The user id must be a UUID' });
    await request(auth.app).get('/auth/admin/users').set(identityOf(admin)).expect(400);
    await request(auth.app).get('/auth/admin/users?username=a&username=b').set(identityOf(admin)).expect(400);
  });

  it('needs the admin role: 401 without a caller, 403 for a user, even for their own id', async () => {
    const user = await registerAndLogin('not-an-admin');
    await request(auth.app).get('/auth/admin/users?username=root-admin').expect(401);
    // The gateway's table is case-sensitive and sends this to the public /auth rule: the role is checked here too.
    await request(auth.app).get('/auth/ADMIN/users?username=root-admin').expect(401);
    await request(auth.app).get('/auth/Admin/users?username=root-admin').set(identityOf(user)).expect(403);
    const forbidden = await request(auth.app)
      .post(`/auth/admin/users/${admin.userId}/revoke`)
      .set(identityOf(user))
      .expect(403);
    expect(forbidden.body).toEqual({ error: 'forbidden', message: 'The "admin" role is required' });
    await request(auth.app).post(`/auth/admin/users/${user.userId}/revoke`).set(identityOf(user)).expect(403);
    await request(auth.app).post('/auth/refresh').send({ refresh_token: admin.refresh }).expect(200);
  });
});

describe('the internal revocation feed', () => {
  it('gives nothing without the feed secret', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Bearer ${FEED_SECRET}x`,
      FEED_SECRET,
      `Basic ${FEED_SECRET}`,
    ]) {
      const call = request(auth.app).get('/internal/revocations');
      const res = await (authorization === undefined ? call : call.set('Authorization', authorization)).expect(401);
      expect(res.body).toEqual({ error: 'unauthorized', message: 'The revocation feed needs the feed secret' });
    }
  });

  it('validates its query', async () => {
    for (const query of [
      '?after=-1',
      '?after=abc',
      '?after=1&waitMs=40000',
      '?after=1&waitMs=x',
      '?from=x',
      '?until=1e3',
    ]) {
      const res = await feed(auth, query).expect(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });

  it(`serves a full list in pages of ${FULL_PAGE_LIMIT}, all from one snapshot`, async () => {
    await db.query(
      'test',
      `INSERT INTO revocations (kind, id, subject, issued_until, expires_at)
       SELECT 'token', gen_random_uuid()::text, gen_random_uuid()::text, now(), now() + interval '10 minutes'
         FROM generate_series(1, $1::int)`,
      [FULL_PAGE_LIMIT + 10],
    );
    const first = (await feed(auth).expect(200)).body as RevocationFeedPage;
    expect(first).toMatchObject({ full: true, next: first.entries.at(-1)!.seq });
    expect(first.entries).toHaveLength(FULL_PAGE_LIMIT);
    const session = await registerAndLogin('during-resync');
    await request(auth.app).post('/auth/logout').send({ refresh_token: session.refresh }).expect(204);
    const rest = (await feed(auth, `?from=${first.next}&until=${first.cursor}`).expect(200)).body as RevocationFeedPage;
    expect(rest.next).toBeUndefined();
    expect(rest.cursor).toBe(first.cursor);
    // The logout made during the resync comes after the snapshot: with the next incremental read.
    expect(rest.entries.some((entry) => entry.id === session.claims.sid)).toBe(false);
    const after = (await feed(auth, `?after=${first.cursor}`).expect(200)).body as RevocationFeedPage;
    expect(after.entries.map((entry) => entry.id)).toEqual([session.claims.sid]);
  });

  it('pages after a cursor, and a long poll on one replica wakes for a revocation made on another', async () => {
    const { cursor } = (await feed(auth).expect(200)).body as RevocationFeedPage;
    expect((await feed(auth, `?after=${cursor}`).expect(200)).body).toEqual({ cursor, full: false, entries: [] });
    const session = await registerAndLogin('long-poll');
    const started = Date.now();
    const waiting = feed(otherReplica, `?after=${cursor}&waitMs=10000`);
    const logout = new Promise((resolve) => setTimeout(resolve, 300)).then(() =>
      request(auth.app).post('/auth/logout').send({ refresh_token: session.refresh }).expect(204),
    );
    const [page] = await Promise.all([waiting, logout]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(page.body.full).toBe(false);
    expect(page.body.cursor).toBeGreaterThan(cursor);
    expect(page.body.entries).toEqual([
      expect.objectContaining({ kind: 'session', id: session.claims.sid, subject: session.userId }),
    ]);
  });
});
