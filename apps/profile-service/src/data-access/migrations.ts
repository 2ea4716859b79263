import type { Migration } from '@jwt-msa/db';

export const profileMigrations: Migration[] = [
  {
    id: 1,
    name: 'profiles',
    // Keyed by the token's `sub`: users live in auth-service's database, so there is no foreign key.
    sql: `
      CREATE TABLE profiles (
        user_id text PRIMARY KEY,
        display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
