import request from 'supertest';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { authService, type AuthApp } from './app';
import { authMigrations } from './data-access/migrations';
import { CREDENTIALS_CHECK_PATH } from './routes/credentials-check-routes';

const SECRET = 'a-secret-shared-with-the-session-gateway';

let testDb: MigratedTestDatabase;

function replica(env: Record<string, string>): AuthApp {
  const config = authService.loadConfig({
    DATABASE_URL: testDb.url,
    JWT_ISSUER: 'http://gateway.test',
    PASSWORD_SCRYPT_LOG2_COST: '12',
    LOGIN_THROTTLE_CLIENT_ATTEMPTS: '2',
    ...env,
  });
  return authService.createApp({ config, db: testDb.db, logger: createLogger('auth-service', 'test', 'silent') });
}

let auth: AuthApp;

beforeAll(async () => {
  testDb = await migratedTestDatabase('auth_credentials', authMigrations);
  auth = replica({ CREDENTIALS_CHECK_SECRET: SECRET });
  await request(auth.app).post('/auth/register').send({ username: 'carol', password: 'correct horse' }).expect(201);
});

afterAll(() => testDb.drop());

const check = (body: object, headers: Record<string, string> = { authorization: `Bearer ${SECRET}` }) =>
  request(auth.app).post(CREDENTIALS_CHECK_PATH).set(headers).send(body);

describe(`POST ${CREDENTIALS_CHECK_PATH} (the session gateway's login)`, () => {
  it('answers who the user is and nothing else: no token, not cacheable', async () => {
    const res = await check({ username: 'carol', password: 'correct horse' }).expect(200);
    expect(res.body).toEqual({ sub: expect.stringMatching(/^[0-9a-f-]{36}$/), username: 'carol', roles: ['user'] });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a caller without the shared secret before looking at the password', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: SECRET }] as Array<
      Record<string, string>
    >) {
      const res = await check({ username: 'carol', password: 'correct horse' }, headers).expect(401);
      expect(res.body).toEqual({ error: 'unknown_caller', message: 'Unknown caller' });
    }
  });

  it('gives the same 401 as /auth/login for a wrong password and 400 for a malformed body', async () => {
    const res = await check({ username: 'carol', password: 'wrong password' }).expect(401);
    expect(res.body.error).toBe('invalid_credentials');
    await check({ username: 'carol' }).expect(400);
  });

  it('throttles per client as the session gateway forwarded it (X-Forwarded-For)', async () => {
    const fromClient = (client: string, username: string, password: string) =>
      check({ username, password }, { authorization: `Bearer ${SECRET}`, 'x-forwarded-for': client });
    await fromClient('203.0.113.7', 'nobody-1', 'guess one').expect(401);
    await fromClient('203.0.113.7', 'nobody-2', 'guess two').expect(401);
    await fromClient('203.0.113.7', 'nobody-3', 'guess three').expect(401); // over the allowance: blocked from now
    await fromClient('203.0.113.7', 'carol', 'correct horse').expect(429);
    await fromClient('198.51.100.8', 'carol', 'correct horse').expect(200);
  });

  it('does not exist unless the secret is configured', async () => {
    const plain = replica({});
    await request(plain.app)
      .post(CREDENTIALS_CHECK_PATH)
      .set('authorization', 'Bearer ')
      .send({ username: 'carol', password: 'correct horse' })
      .expect(404);
  });
});
