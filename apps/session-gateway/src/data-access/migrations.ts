import type { Migration } from '@jwt-msa/db';

/** The shared session table: one row per login, found by the hash of its id (the primary key). */
export const sessionMigrations: readonly Migration[] = [
  {
    id: 1,
    name: 'sessions',
    sql: `
      CREATE TABLE sessions (
        id_hash       text PRIMARY KEY,
        user_id       text NOT NULL,
        username      text NOT NULL,
        roles         text[] NOT NULL,
        created_at    timestamptz NOT NULL,
        last_seen_at  timestamptz NOT NULL
      );
      CREATE INDEX sessions_last_seen_at ON sessions (last_seen_at);
      CREATE INDEX sessions_created_at ON sessions (created_at);
    `,
  },
];
