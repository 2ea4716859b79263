import { createHash } from 'node:crypto';
import type { Database } from './database';

export interface Migration {
  /** Unique, ordered: migrations run in ascending id order, each exactly once. */
  id: number;
  name: string;
  sql: string;
}

/**
 * Applies pending migrations. Several replicas may start at once: a session-level advisory lock
 * (keyed by the database name) lets one apply them while the others wait, then find nothing to do.
 */
export async function runMigrations(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  const ids = migrations.map((migration) => migration.id);
  if (new Set(ids).size !== ids.length) throw new Error('migration ids must be unique');
  const ordered = [...migrations].sort((a, b) => a.id - b.id);

  return db.withConnection(async (client) => {
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    const lockKey = advisoryLockKey(`jwt-msa:migrations:${rows[0]?.name ?? ''}`);
    // Waiting for another replica's migrations (or running a long one) is not a stuck statement.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        id integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const applied = new Set(
        (await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id),
      );
      const newlyApplied: number[] = [];
      for (const migration of ordered) {
        if (applied.has(migration.id)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [
            migration.id,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.id} (${migration.name}) failed: ${(error as Error).message}`);
        }
        newlyApplied.push(migration.id);
      }
      return newlyApplied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lockKey]);
      await client.query('RESET statement_timeout');
    }
  });
}

function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}
