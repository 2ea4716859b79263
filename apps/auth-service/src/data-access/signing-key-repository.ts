import type { Database } from '@jwt-msa/db';
import { exportPrivateKeyPem, signingKeyFromPem, type SigningKey } from '@jwt-msa/token-issuer';

const KEY_CREATION_LOCK = 0x6a77746b; // any constant shared by all auth replicas

export class SigningKeyRepository {
  constructor(private readonly db: Database) {}

  /** Live keys, newest first. The newest signs; all are published in the JWKS. */
  async loadLive(): Promise<SigningKey[]> {
    const rows = await this.db.query<{ private_key_pem: string }>(
      'signing-key.load',
      'SELECT private_key_pem FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid',
    );
    return rows.map((row) => signingKeyFromPem(row.private_key_pem));
  }

  /**
   * Creates the first key unless one exists. Replicas starting together serialize on an advisory
   * lock, so exactly one key is created and every replica then loads that same key.
   */
  async createFirstKeyIfNone(generate: () => Promise<SigningKey>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query('signing-key.lock', 'SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
      const existing = await tx.query<{ n: number }>('signing-key.count', 'SELECT count(*)::int AS n FROM signing_keys WHERE retired_at IS NULL');
      if ((existing[0]?.n ?? 0) > 0) return false;
      const key = await generate();
      await tx.query('signing-key.insert', 'INSERT INTO signing_keys (kid, private_key_pem, public_jwk) VALUES ($1, $2, $3)', [
        key.kid, exportPrivateKeyPem(key), JSON.stringify(key.publicJwk),
      ]);
      return true;
    });
  }
}
