import type { Request } from 'express';
import request from 'supertest';
import type { Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { authService, type AuthApp } from './app';
import { authMigrations } from './data-access/migrations';
import { backoffSeconds } from './domain/login-throttle';
import { clientAddress } from './routes/client-address';

/**
 * Login throttling across two auth replicas on one real database: per account (from any number
 * of addresses) and per client address (whatever usernames it tries), 429 with Retry-After,
 * exponential and capped, and never a permanent lock-out.
 */

let testDb: MigratedTestDatabase;
let db: Database;
let replicas: AuthApp[];

const ACCOUNT_ATTEMPTS = 3;
const CLIENT_ATTEMPTS = 6;

function replica(instance: string): AuthApp {
  const config = authService.loadConfig({
    DATABASE_URL: testDb.url,
    INSTANCE_ID: instance,
    PASSWORD_SCRYPT_LOG2_COST: '10',
    LOGIN_THROTTLE_ACCOUNT_ATTEMPTS: String(ACCOUNT_ATTEMPTS),
    LOGIN_THROTTLE_CLIENT_ATTEMPTS: String(CLIENT_ATTEMPTS),
    LOGIN_THROTTLE_BASE_DELAY_SECONDS: '1',
    LOGIN_THROTTLE_MAX_DELAY_SECONDS: '2',
    LOGIN_THROTTLE_WINDOW_SECONDS: '60',
  });
  return authService.createApp({ config, db, logger: createLogger('auth-service', instance, 'silent') });
}

beforeAll(async () => {
  testDb = await migratedTestDatabase('auth_throttle', authMigrations);
  db = testDb.db;
  replicas = [replica('auth-1'), replica('auth-2')];
  await Promise.all(replicas.map((r) => r.wiring.keys.load()));
  for (const username of ['victim', 'bystander', 'carol']) {
    await request(replicas[0]!.app)
      .post('/auth/register')
      .send({ username, password: `${username}-password` })
      .expect(201);
  }
});
afterAll(async () => {
  await testDb.drop();
});

let attempts = 0;
/** A login through the replicas in turn, from `client` as the gateway would report it. */
function login(username: string, password: string, client: string) {
  attempts += 1;
  return request(replicas[attempts % 2]!.app)
    .post('/auth/login')
    .set('X-Forwarded-For', client)
    .send({ username, password });
}
const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
let nextAddress = 1;
const freshAddress = () => `198.51.100.${nextAddress++}`;

describe('per account', () => {
  it('answers 429 with Retry-After once the allowance is used up, from any address and on any replica', async () => {
    for (let i = 0; i < ACCOUNT_ATTEMPTS + 1; i += 1)
      await login('victim', 'wrong-password', freshAddress()).expect(401);
    const blocked = await login('victim', 'wrong-password', freshAddress()).expect(429);
    expect(blocked.body).toEqual({
      error: 'too_many_attempts',
      message: expect.stringMatching(/try again in 1 second$/),
    });
    expect(blocked.headers['retry-after']).toBe('1');
    // The right password does not get through a block either: otherwise it would not slow guessing.
    await login('victim', 'victim-password', freshAddress()).expect(429);
    await login('victim', 'victim-password', freshAddress()).expect(429);
  });

  it('lets the real user in once the block is over, and a success clears the account count', async () => {
    await sleep(1.1);
    await login('victim', 'victim-password', freshAddress()).expect(200);
    for (let i = 0; i < ACCOUNT_ATTEMPTS; i += 1) await login('victim', 'wrong-password', freshAddress()).expect(401);
    await login('victim', 'victim-password', freshAddress()).expect(200);
  });

  it('doubles the block with each further failure, up to the cap', async () => {
    for (let i = 0; i < ACCOUNT_ATTEMPTS + 1; i += 1)
      await login('carol', 'wrong-password', freshAddress()).expect(401);
    expect((await login('carol', 'x', freshAddress()).expect(429)).headers['retry-after']).toBe('1');
    await sleep(1.1);
    await login('carol', 'wrong-password', freshAddress()).expect(401);
    expect((await login('carol', 'x', freshAddress()).expect(429)).headers['retry-after']).toBe('2');
    await sleep(2.1);
    await login('carol', 'wrong-password', freshAddress()).expect(401);
    expect((await login('carol', 'x', freshAddress()).expect(429)).headers['retry-after']).toBe('2'); // capped at 2 s here
  });

  it('stores no username, only a hash (people type passwords into the username field)', async () => {
    await login('victim', 'wrong-password', freshAddress()).expect(401);
    const keys = (await db.query<{ key: string }>('test', 'SELECT key FROM login_throttle')).map((row) => row.key);
    expect(keys.some((key) => key.startsWith('account:'))).toBe(true);
    expect(keys.join(' ')).not.toMatch(/victim|carol/);
  });
});

describe('per client address', () => {
  it('blocks an address that guesses across many usernames, known or not', async () => {
    const attacker = '203.0.113.7';
    for (let i = 0; i < CLIENT_ATTEMPTS + 1; i += 1) await login(`nobody-${i}`, 'guess', attacker).expect(401);
    const res = await login('bystander', 'bystander-password', attacker).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The account itself is not locked: its owner, elsewhere, gets in.
    await login('bystander', 'bystander-password', freshAddress()).expect(200);
  });

  it("counts by the last X-Forwarded-For hop (the gateway's), ignoring what the client prepended", async () => {
    const attacker = '203.0.113.8';
    for (let i = 0; i < CLIENT_ATTEMPTS + 1; i += 1)
      await login(`spoof-${i}`, 'guess', `10.0.0.${i}, ${attacker}`).expect(401);
    await login('spoof-last', 'guess', `192.0.2.99, ${attacker}`).expect(429);
  });

  it('counts an IPv6 client by its /64', async () => {
    for (let i = 0; i < CLIENT_ATTEMPTS + 1; i += 1)
      await login(`v6-${i}`, 'guess', `2001:db8:1:2::${i + 1}`).expect(401);
    await login('v6-next', 'guess', '2001:db8:1:2:ffff:ffff:ffff:ffff').expect(429);
    await login('v6-next', 'guess', '2001:db8:1:3::1').expect(401);
  });
});

describe('housekeeping', () => {
  it('prunes counters that can no longer block anyone', async () => {
    await db.query(
      'test',
      "UPDATE login_throttle SET last_failure_at = now() - interval '2 minutes', blocked_until = NULL WHERE key LIKE 'client:203.0.113.%'",
    );
    expect(await replicas[0]!.wiring.throttle.prune()).toBe(2);
    expect(await db.query('test', "SELECT 1 FROM login_throttle WHERE key LIKE 'client:203.0.113.%'")).toHaveLength(0);
  });
});

describe('backoffSeconds', () => {
  it.each([
    [3, 0],
    [4, 1],
    [5, 2],
    [6, 4],
    [7, 8],
    [20, 300],
    [1000, 300],
  ])('after %i failures (allowance 3, base 1 s, cap 300 s) blocks %i s', (failures, seconds) => {
    expect(backoffSeconds(failures, 3, 1, 300)).toBe(seconds);
  });
});

describe('clientAddress', () => {
  const fake = (forwardedFor: string | undefined, peer = '127.0.0.1') =>
    ({
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
      socket: { remoteAddress: peer },
    }) as unknown as Request;
  it.each([
    [undefined, '10.1.2.3', '10.1.2.3'],
    ['203.0.113.1', '127.0.0.1', '203.0.113.1'],
    ['1.1.1.1, 2.2.2.2,203.0.113.1', '127.0.0.1', '203.0.113.1'],
    ["203.0.113.1'; DROP TABLE users; --", '127.0.0.1', '127.0.0.1'],
    ['::ffff:203.0.113.1', '127.0.0.1', '203.0.113.1'],
    ['2001:db8:a:b:c:d:e:f', '127.0.0.1', '2001:db8:a:b::/64'],
    ['2001:db8::1', '127.0.0.1', '2001:db8:0:0::/64'],
  ])('X-Forwarded-For %p from peer %s counts as %s', (forwardedFor, peer, expected) => {
    expect(clientAddress(fake(forwardedFor, peer))).toBe(expected);
  });

  it.each([
    // TRUSTED_PROXY_HOPS=1: an ingress appended the client, then the gateway appended the ingress.
    ['203.0.113.7, 10.0.0.5', 1, '203.0.113.7'],
    // A client spoofing entries of its own: they stand left of what the trusted proxies appended.
    ['6.6.6.6, 7.7.7.7, 203.0.113.7, 10.0.0.5', 1, '203.0.113.7'],
    ['6.6.6.6, 203.0.113.7, 10.0.0.9, 10.0.0.5', 2, '203.0.113.7'],
    // Fewer entries than trusted hops: the leftmost one.
    ['203.0.113.7', 2, '203.0.113.7'],
    // A garbage entry where the client should be: the TCP peer, never a string chosen by the client.
    ['evil, 10.0.0.5', 1, '127.0.0.1'],
  ])('X-Forwarded-For %p with %i trusted proxy hop(s) counts as %s', (forwardedFor, hops, expected) => {
    expect(clientAddress(fake(forwardedFor), hops)).toBe(expected);
  });
});
