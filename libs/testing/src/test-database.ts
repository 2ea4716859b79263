import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startTestPostgres } from './test-postgres';

export interface TestDatabase {
  readonly name: string;
  /** Superuser URL of this database. */
  readonly url: string;
  /** Drops the database, ending connections a test left open. Idempotent. */
  drop(): Promise<void>;
}

/**
 * A new, empty database on this worker's test server, so test files never share state:
 *
 *     let db: TestDatabase;
 *     beforeAll(async () => { db = await createTestDatabase('auth'); });
 *     afterAll(async () => { await db.drop(); });
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const adminUrl = await startTestPostgres();
  const label = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 40);
  const name = `test_${label}_${randomBytes(4).toString('hex')}`;
  await runAsAdmin(adminUrl, `CREATE DATABASE "${name}"`);
  let dropping: Promise<void> | undefined;
  return {
    name,
    url: urlOfDatabase(adminUrl, name),
    drop: () => (dropping ??= runAsAdmin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

function urlOfDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function runAsAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
