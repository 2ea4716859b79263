import jwt from 'jsonwebtoken';
import request from 'supertest';
import { runMigrations, type Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { exportPrivateKeyPem, generateSigningKey } from '@jwt-msa/token-issuer';
import { authService, type AuthApp } from './app';
import { rotateKeysCommand, type ExitCode } from './cli/rotate-keys';
import type { AuthConfig } from './config';
import { authMigrations } from './data-access/migrations';
import { KeyRing } from './domain/key-ring';

/**
 * Key rotation in the database, as `npm run keys:rotate` does it, seen by two auth replicas that
 * reload their keys on their own: a new key is published before it signs, then signs while the
 * old one stays published, and the old one leaves the JWKS only after its last tokens expired.
 */

let testDb: MigratedTestDatabase;
let db: Database;
let replicas: AuthApp[];

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: testDb.url,
  PASSWORD_SCRYPT_LOG2_COST: '10',
  ACCESS_TOKEN_TTL_SECONDS: '60',
  SIGNING_KEY_RETIRE_GRACE_SECONDS: '30',
  SIGNING_KEY_ACTIVATION_DELAY_SECONDS: '600',
  SIGNING_KEY_RELOAD_MS: '100',
  ...extra,
});

async function rotate(
  args: string[],
  config: AuthConfig = authService.loadConfig(env()),
): Promise<{ code: ExitCode; output: string }> {
  const lines: string[] = [];
  const code = await rotateKeysCommand(args, { config, db, print: (line) => lines.push(line) });
  return { code, output: lines.join('\n') };
}

const jwksKids = async (replica: AuthApp) =>
  (await request(replica.app).get('/.well-known/jwks.json').expect(200)).body.keys.map(
    (key: { kid: string }) => key.kid,
  );
const signingKid = async (replica: AuthApp) => {
  const { access_token } = (
    await request(replica.app).post('/auth/login').send({ username: 'alice', password: 'alice-password' }).expect(200)
  ).body;
  return jwt.decode(access_token, { complete: true })!.header.kid!;
};
/** Waits for the replicas' periodic reload (every 100 ms here). */
const reloaded = () => new Promise((resolve) => setTimeout(resolve, 300));

beforeAll(async () => {
  testDb = await migratedTestDatabase('auth_rotation', authMigrations);
  db = testDb.db;
  replicas = ['auth-1', 'auth-2'].map((instance) =>
    authService.createApp({
      config: authService.loadConfig(env({ INSTANCE_ID: instance })),
      db,
      logger: createLogger('auth-service', instance, 'silent'),
    }),
  );
  for (const replica of replicas) {
    await replica.wiring.keys.load();
    replica.wiring.background.forEach((work) => work.start());
  }
  await request(replicas[0]!.app)
    .post('/auth/register')
    .send({ username: 'alice', password: 'alice-password' })
    .expect(201);
});
afterAll(async () => {
  replicas.forEach((replica) => replica.wiring.background.forEach((work) => void work.stop()));
  await testDb.drop();
});

describe('keys:rotate', () => {
  let first: string;
  let second: string;

  it('starts with one active key, signing and published', async () => {
    first = await signingKid(replicas[0]!);
    expect(await jwksKids(replicas[1]!)).toEqual([first]);
    expect((await rotate(['status'])).output).toMatch(new RegExp(`^active +${first} +since `));
  });

  it('add: publishes a new key on every replica, while the old one keeps signing', async () => {
    const { code, output } = await rotate(['add']);
    expect(code).toBe(0);
    second = /Added pending key ([A-Za-z0-9_-]+)/.exec(output)![1]!;
    await reloaded();
    for (const replica of replicas) {
      expect(await jwksKids(replica)).toEqual([first, second]);
      expect(await signingKid(replica)).toBe(first);
    }
  });

  it('add again: refused while a key is pending', async () => {
    expect(await rotate(['add'])).toEqual({
      code: 1,
      output: `A pending key exists already (${second}): activate it first.`,
    });
  });

  it('activate: refused until the new key has been published long enough', async () => {
    const { code, output } = await rotate(['activate']);
    expect(code).toBe(1);
    // 600 s of publication required; the earlier steps of this suite took a few of them (more on a busy machine).
    const wait = new RegExp(`^Key ${second} has not been published long enough: try again in (\\d+) s`).exec(output);
    expect(Number(wait?.[1])).toBeGreaterThan(540);
    expect(Number(wait?.[1])).toBeLessThanOrEqual(600);
    await reloaded();
    expect(await signingKid(replicas[0]!)).toBe(first);
  });

  it('activate: the new key signs on every replica; the old one stays published and loses its private key', async () => {
    const oldToken = (
      await request(replicas[0]!.app).post('/auth/login').send({ username: 'alice', password: 'alice-password' })
    ).body.access_token;
    const { code, output } = await rotate(
      ['activate'],
      authService.loadConfig(env({ SIGNING_KEY_ACTIVATION_DELAY_SECONDS: '0' })),
    );
    expect(code).toBe(0);
    expect(output).toContain(`Key ${second} signs now`);
    expect(output).toContain(`Key ${first} is retired`);
    await reloaded();
    for (const replica of replicas) {
      expect(await signingKid(replica)).toBe(second);
      expect(await jwksKids(replica)).toEqual([second, first]);
    }
    expect(jwt.decode(oldToken, { complete: true })!.header.kid).toBe(first);
    const rows = await db.query<{ kid: string; status: string; has_private_key: boolean }>(
      'test',
      'SELECT kid, status, private_key_pem IS NOT NULL AS has_private_key FROM signing_keys ORDER BY created_at',
    );
    expect(rows).toEqual([
      { kid: first, status: 'retired', has_private_key: false },
      { kid: second, status: 'active', has_private_key: true },
    ]);
  });

  it('activate again: nothing pending', async () => {
    expect((await rotate(['activate', '--force'])).code).toBe(1);
  });

  it('retire: keeps the retired key while tokens it signed may still be valid', async () => {
    expect(await rotate(['retire'])).toEqual({ code: 0, output: 'No retired key is old enough to remove.' });
    await db.query('test', "UPDATE signing_keys SET retired_at = now() - interval '80 seconds' WHERE kid = $1", [
      first,
    ]);
    expect((await rotate(['retire'])).output).toBe('No retired key is old enough to remove.'); // 80 s < 60 s TTL + 30 s grace
  });

  it('retire: removes it from the JWKS once its last token has expired', async () => {
    await db.query('test', "UPDATE signing_keys SET retired_at = now() - interval '91 seconds' WHERE kid = $1", [
      first,
    ]);
    expect(await rotate(['retire'])).toEqual({ code: 0, output: `Removed from the JWKS: ${first}.` });
    await reloaded();
    for (const replica of replicas) expect(await jwksKids(replica)).toEqual([second]);
  });

  it('explains its usage and refuses keys from a file', async () => {
    expect((await rotate([])).code).toBe(2);
    expect((await rotate(['spin'])).output).toContain('usage: npm run keys:rotate');
    expect((await rotate(['activate', '--now'])).output).toContain('unknown option "--now"');
    expect(
      (await rotate(['add'], authService.loadConfig(env({ SIGNING_KEY_FILE: '/run/secrets/key.pem' })))).code,
    ).toBe(2);
  });
});

describe('key reloading', () => {
  it('keeps the loaded keys when a reload fails, and reports the failure', async () => {
    const key = await generateSigningKey();
    let failing = false;
    const ring = new KeyRing({
      description: 'a source that breaks',
      load: async () => {
        if (failing) throw new Error('database unreachable');
        return { keys: { signing: key, published: [key.publicJwk] }, created: false };
      },
    });
    await ring.load();
    const errors: string[] = [];
    failing = true;
    ring.startReloading({ intervalMs: 20, onError: (error) => errors.push(error.message), onChange: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 100));
    ring.stopReloading();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toBe('database unreachable');
    expect(ring.signingKey().kid).toBe(key.kid);
    expect(ring.publicJwks()).toEqual({ keys: [key.publicJwk] });
  });
});

describe('migration of keys from before the lifecycle', () => {
  it('keeps the newest live key active and retires the others without their private keys', async () => {
    const fresh = await migratedTestDatabase(
      'auth_key_migration',
      authMigrations.filter((migration) => migration.id === 1),
    );
    const old = fresh.db;
    try {
      const [older, newer] = [await generateSigningKey(), await generateSigningKey()];
      for (const [key, age] of [
        [older!, '2 days'],
        [newer!, '1 day'],
      ] as const) {
        await old.query(
          'test',
          'INSERT INTO signing_keys (kid, private_key_pem, public_jwk, created_at) VALUES ($1, $2, $3, now() - $4::interval)',
          [key.kid, exportPrivateKeyPem(key), JSON.stringify(key.publicJwk), age],
        );
      }
      await runMigrations(old, authMigrations);
      const rows = await old.query(
        'test',
        'SELECT kid, status, private_key_pem IS NOT NULL AS has_private_key FROM signing_keys ORDER BY created_at',
      );
      expect(rows).toEqual([
        { kid: older!.kid, status: 'retired', has_private_key: false },
        { kid: newer!.kid, status: 'active', has_private_key: true },
      ]);
    } finally {
      await fresh.drop();
    }
  });
});
