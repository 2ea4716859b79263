import type { Queryable } from '@jwt-msa/db';

export interface StoredRefreshToken {
  familyId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  familyRevokedAt: Date | null;
}

/** Refresh tokens are stored only as SHA-256 hashes, grouped in families (one per login). */
export class RefreshTokenRepository {
  constructor(private readonly db: Queryable) {}

  async createFamily(userId: string): Promise<string> {
    const rows = await this.db.query<{ id: string }>(
      'refresh.create-family',
      'INSERT INTO refresh_token_families (user_id) VALUES ($1) RETURNING id',
      [userId],
    );
    return rows[0]!.id;
  }

  async insert(tokenHash: string, familyId: string, expiresAt: Date): Promise<void> {
    await this.db.query(
      'refresh.insert',
      'INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)',
      [tokenHash, familyId, expiresAt],
    );
  }

  /** Locks the token row, so two concurrent refreshes of one token cannot both succeed. */
  async findForUpdate(tokenHash: string): Promise<StoredRefreshToken | undefined> {
    const rows = await this.db.query<{
      family_id: string;
      user_id: string;
      expires_at: Date;
      used_at: Date | null;
      revoked_at: Date | null;
    }>(
      'refresh.find-for-update',
      `SELECT t.family_id, f.user_id, t.expires_at, t.used_at, f.revoked_at
         FROM refresh_tokens t JOIN refresh_token_families f ON f.id = t.family_id
        WHERE t.token_hash = $1
        FOR UPDATE OF t`,
      [tokenHash],
    );
    const row = rows[0];
    return (
      row && {
        familyId: row.family_id,
        userId: row.user_id,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
        familyRevokedAt: row.revoked_at,
      }
    );
  }

  async markUsed(tokenHash: string): Promise<void> {
    await this.db.query('refresh.mark-used', 'UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1', [
      tokenHash,
    ]);
  }

  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.db.query(
      'refresh.revoke-family',
      'UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL',
      [familyId, reason],
    );
  }

  async findFamilyOf(tokenHash: string): Promise<string | undefined> {
    const rows = await this.db.query<{ family_id: string }>(
      'refresh.find-family',
      'SELECT family_id FROM refresh_tokens WHERE token_hash = $1',
      [tokenHash],
    );
    return rows[0]?.family_id;
  }
}
