import type { Migration } from '@jwt-msa/db';

export const authMigrations: Migration[] = [
  {
    id: 1,
    name: 'users, refresh token families, signing keys',
    sql: `
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT ARRAY['user'],
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE refresh_token_families (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_reason text
      );
      CREATE TABLE refresh_tokens (
        token_hash text PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES refresh_token_families(id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        private_key_pem text NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      );
    `,
  },
  {
    id: 2,
    name: 'signing key lifecycle: pending (published only), active (signs), retired (published until removed)',
    // A retired key only needs its public half: its private key is erased when it stops signing.
    sql: `
      ALTER TABLE signing_keys ADD COLUMN status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('pending', 'active', 'retired'));
      ALTER TABLE signing_keys ADD COLUMN activated_at timestamptz;
      ALTER TABLE signing_keys ALTER COLUMN private_key_pem DROP NOT NULL;
      UPDATE signing_keys SET status = 'retired', retired_at = coalesce(retired_at, now()), private_key_pem = NULL
       WHERE retired_at IS NOT NULL
          OR kid <> (SELECT kid FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1);
      UPDATE signing_keys SET activated_at = created_at WHERE status = 'active';
      ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_private_key_while_signable
        CHECK (status = 'retired' OR private_key_pem IS NOT NULL);
      CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active';
      CREATE UNIQUE INDEX signing_keys_one_pending ON signing_keys (status) WHERE status = 'pending';
    `,
  },
  {
    id: 3,
    name: 'login throttle: failed logins per account and per client',
    sql: `
      CREATE TABLE login_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        blocked_until timestamptz
      );
      CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
    `,
  },
  {
    id: 4,
    name: 'revocations: the feed every gateway follows; when each refresh family last issued an access token',
    // last_issued_at is the exact instant (ms) of the family's latest access token, its `iat` in
    // whole seconds: a revocation compares it with its cutoff to know which tokens it covers.
    // seq orders the feed; appends serialize on an advisory lock, so they commit in seq order and a
    // follower reading "after seq N" can never miss one that commits late.
    sql: `
      ALTER TABLE refresh_token_families ADD COLUMN last_rotated_at timestamptz;
      ALTER TABLE refresh_token_families ADD COLUMN last_issued_at timestamptz;
      CREATE INDEX refresh_token_families_user_idx ON refresh_token_families (user_id, created_at DESC);
      CREATE TABLE revocations (
        seq bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('token', 'session', 'subject')),
        id text NOT NULL,
        subject text NOT NULL,
        issued_until timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX revocations_expires_idx ON revocations (expires_at);
      CREATE INDEX revocations_subject_idx ON revocations (subject, expires_at);
    `,
  },
];
