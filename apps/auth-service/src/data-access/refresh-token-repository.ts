import type { Queryable } from '@jwt-msa/db';

export interface StoredRefreshToken {
  familyId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  familyRevokedAt: Date | null;
}

/** Why a family ended; the sessions list shows it. */
export type RevokedReason = 'logout' | 'logout-all' | 'reuse' | 'admin';

/** A family that was just revoked, and the latest instant one of its access tokens was signed. */
export interface RevokedFamily {
  familyId: string;
  userId: string;
  lastIssuedAt: Date | null;
}

/** One login as its user sees it. */
export interface FamilyRecord {
  id: string;
  createdAt: Date;
  lastRotatedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: RevokedReason | null;
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

  /** Records that the family just issued an access token signed at `issuedAt` (and, on refresh, rotated). */
  async recordIssue(familyId: string, issuedAt: Date, rotated: boolean): Promise<void> {
    await this.db.query(
      'refresh.record-issue',
      `UPDATE refresh_token_families
          SET last_issued_at = greatest(last_issued_at, $2), last_rotated_at = CASE WHEN $3 THEN now() ELSE last_rotated_at END
        WHERE id = $1`,
      [familyId, issuedAt, rotated],
    );
  }

  async insert(tokenHash: string, familyId: string, expiresAt: Date): Promise<void> {
    await this.db.query(
      'refresh.insert',
      'INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)',
      [tokenHash, familyId, expiresAt],
    );
  }

  /**
   * Locks the token row, so two concurrent refreshes of one token cannot both succeed, and the
   * family row, so a family being revoked (logout-all) and refreshed at once is seen revoked by the
   * refresh or has its new token covered by the revocation.
   */
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
        FOR UPDATE OF t, f`,
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

  /** Ends the family; undefined when it had already ended. */
  async revokeFamily(familyId: string, reason: RevokedReason): Promise<RevokedFamily | undefined> {
    const rows = await this.db.query<{ id: string; user_id: string; last_issued_at: Date | null }>(
      'refresh.revoke-family',
      `UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2
        WHERE id = $1 AND revoked_at IS NULL RETURNING id, user_id, last_issued_at`,
      [familyId, reason],
    );
    return rows.map(toRevoked)[0];
  }

  /**
   * Ends every live family of the user (waiting for refreshes in flight, which lock their family)
   * and returns those that issued an access token at or after `issuedSince`: a user with 100,000
   * logins gets one UPDATE, and only the few families a cutoff cannot cover come back.
   */
  async revokeAllOf(userId: string, reason: RevokedReason, issuedSince: Date): Promise<RevokedFamily[]> {
    // One user's every login in one statement: allowed longer than a request's usual statement limit.
    await this.db.query('refresh.revoke-all', "SET LOCAL statement_timeout = '30s'");
    const rows = await this.db.query<{ id: string; user_id: string; last_issued_at: Date | null }>(
      'refresh.revoke-all',
      `WITH ended AS (
         UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2
          WHERE user_id = $1 AND revoked_at IS NULL RETURNING id, user_id, last_issued_at
       )
       SELECT id, user_id, last_issued_at FROM ended WHERE last_issued_at >= $3`,
      [userId, reason, issuedSince],
    );
    return rows.map(toRevoked);
  }

  /** The user's most recent logins, newest first. */
  async familiesOf(userId: string, limit: number): Promise<FamilyRecord[]> {
    const rows = await this.db.query<{
      id: string;
      created_at: Date;
      last_rotated_at: Date | null;
      revoked_at: Date | null;
      revoked_reason: RevokedReason | null;
    }>(
      'refresh.list-families',
      `SELECT id, created_at, last_rotated_at, revoked_at, revoked_reason FROM refresh_token_families
        WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [userId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      lastRotatedAt: row.last_rotated_at,
      revokedAt: row.revoked_at,
      revokedReason: row.revoked_reason,
    }));
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

const toRevoked = (row: { id: string; user_id: string; last_issued_at: Date | null }): RevokedFamily => ({
  familyId: row.id,
  userId: row.user_id,
  lastIssuedAt: row.last_issued_at,
});
