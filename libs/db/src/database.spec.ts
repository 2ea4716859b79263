import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@jwt-msa/config';
import { DependencyError } from '@jwt-msa/http-errors';
import { createTestDatabase, type TestDatabase } from '@jwt-msa/testing';
import { Database, databaseFromConfig, databaseSettings, runMigrations, type Migration } from './index';

let testDb: TestDatabase;
const open = (url = testDb.url, statementTimeoutMs = 5000) =>
  new Database({ url, poolSize: 4, statementTimeoutMs, connectionTimeoutMs: 2000, applicationName: 'db-test' });

const migrations: Migration[] = [
  { id: 1, name: 'items', sql: 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)' },
  { id: 2, name: 'seed', sql: "INSERT INTO items (name) VALUES ('first')" },
];

beforeAll(async () => {
  testDb = await createTestDatabase('dblib');
});
afterAll(async () => {
  await testDb.drop();
});

describe('runMigrations', () => {
  it('applies each migration exactly once, even when replicas start together', async () => {
    const replicas = [open(), open(), open()];
    const applied = await Promise.all(replicas.map((db) => runMigrations(db, migrations)));
    expect(applied.flat().sort()).toEqual([1, 2]);
    const rows = await replicas[0]!.query<{ n: number }>('test', 'SELECT count(*)::int AS n FROM items');
    expect(rows[0]!.n).toBe(1);
    expect(await runMigrations(replicas[1]!, migrations)).toEqual([]);
    await Promise.all(replicas.map((db) => db.close()));
  });

  it('rolls back a failing migration and names it', async () => {
    const db = open();
    await expect(
      runMigrations(db, [...migrations, { id: 3, name: 'broken', sql: 'CREATE TABLE oops (; ' }]),
    ).rejects.toThrow('migration 3 (broken) failed');
    const rows = await db.query('test', 'SELECT 1 FROM schema_migrations WHERE id = 3');
    expect(rows).toHaveLength(0);
    await db.close();
  });
});

describe('Database', () => {
  it('counts queries by purpose', async () => {
    const db = open();
    await db.query('items.list', 'SELECT * FROM items');
    await db.query('items.list', 'SELECT * FROM items WHERE name = $1', ["first' OR '1'='1"]);
    await db.transaction(async (tx) => {
      await tx.query('items.insert', 'INSERT INTO items (name) VALUES ($1)', ['second']);
    });
    expect(db.queryCounts()).toEqual({ 'items.list': 2, 'items.insert': 1 });
    await db.close();
  });

  it('rolls back a transaction on error', async () => {
    const db = open();
    await expect(
      db.transaction(async (tx) => {
        await tx.query('items.insert', 'INSERT INTO items (name) VALUES ($1)', ['doomed']);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.query('test', 'SELECT 1 FROM items WHERE name = $1', ['doomed'])).toHaveLength(0);
    await db.close();
  });

  it('maps an unreachable database to 503 and a slow statement to 504', async () => {
    const down = open('postgres://postgres:x@127.0.0.1:1/none');
    await expect(down.query('test', 'SELECT 1')).rejects.toMatchObject({ status: 503, code: 'database_unavailable' });
    await expect(down.ping()).rejects.toBeInstanceOf(DependencyError);
    await down.close();
    const slow = open(testDb.url, 200);
    await expect(slow.query('test', 'SELECT pg_sleep(2)')).rejects.toMatchObject({
      status: 504,
      code: 'database_timeout',
    });
    await slow.close();
  });
});

describe('DATABASE_PASSWORD(_FILE): the password apart from the URL', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'db-password-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const split = () => {
    const url = new URL(testDb.url);
    const password = decodeURIComponent(url.password);
    url.password = '';
    return { urlWithoutPassword: url.toString(), password };
  };
  const connectWith = async (env: Record<string, string>) => {
    const db = databaseFromConfig(loadConfig(databaseSettings, env), 'db-password-test');
    try {
      return await db.query<{ user: string }>('test', 'SELECT current_user AS user');
    } finally {
      await db.close();
    }
  };

  it('connects with the password read from a mounted file and a URL that carries none', async () => {
    const { urlWithoutPassword, password } = split();
    expect(urlWithoutPassword).not.toContain(password);
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o400 });
    const rows = await connectWith({ DATABASE_URL: urlWithoutPassword, DATABASE_PASSWORD_FILE: passwordFile });
    expect(rows).toEqual([{ user: new URL(testDb.url).username }]);
  });

  it('uses it over a password in the URL', async () => {
    const { password } = split();
    const wrongInUrl = new URL(testDb.url);
    wrongInUrl.password = 'not-the-password';
    await expect(
      connectWith({ DATABASE_URL: wrongInUrl.toString(), DATABASE_PASSWORD: password }),
    ).resolves.toHaveLength(1);
    await expect(
      connectWith({ DATABASE_URL: testDb.url, DATABASE_PASSWORD: 'not-the-password' }),
    ).rejects.toMatchObject({ code: '28P01' }); // invalid_password: the setting is really used
  });
});
