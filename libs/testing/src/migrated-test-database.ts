import { Database, runMigrations, type Migration } from '@jwt-msa/db';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface MigratedTestDatabase extends TestDatabase {
  /** A pool on the database, its migrations applied. */
  readonly db: Database;
  /** Another pool on the same database (e.g. a second replica of a service). */
  open(applicationName?: string): Database;
  /** Closes every pool opened here, then drops the database. Idempotent. */
  drop(): Promise<void>;
}

/**
 * A fresh database on this worker's test server with a service's migrations applied, and the
 * pools opened on it closed before it is dropped:
 *
 *     let testDb: MigratedTestDatabase;
 *     beforeAll(async () => { testDb = await migratedTestDatabase('orders', ordersMigrations); });
 *     afterAll(() => testDb.drop());
 */
export async function migratedTestDatabase(
  prefix: string,
  migrations: readonly Migration[],
): Promise<MigratedTestDatabase> {
  const database = await createTestDatabase(prefix);
  const pools: Database[] = [];
  const open = (applicationName = `${prefix}-test`) => {
    const pool = new Database({
      url: database.url,
      poolSize: 10,
      statementTimeoutMs: 5000,
      connectionTimeoutMs: 3000,
      applicationName,
    });
    pools.push(pool);
    return pool;
  };
  const db = open();
  await runMigrations(db, migrations);
  let dropping: Promise<void> | undefined;
  return {
    name: database.name,
    url: database.url,
    db,
    open,
    drop: () =>
      (dropping ??= (async () => {
        await Promise.all(pools.map((pool) => pool.close().catch(() => undefined)));
        await database.drop();
      })()),
  };
}
