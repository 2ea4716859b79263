import type { Database } from '@jwt-msa/db';
import { exportPrivateKeyPem, signingKeyFromPem, type PublicJwk, type SigningKey } from '@jwt-msa/token-issuer';
import type { KeySet } from '../domain/key-ring';
import type { ActivationOutcome, KeyStatus, SigningKeyStore, StoredKeyInfo } from '../domain/signing-keys';

const KEY_CREATION_LOCK = 0x6a77746b; // any constant shared by all auth replicas and the rotation command

interface KeyRow {
  kid: string;
  status: KeyStatus;
  private_key_pem: string | null;
  public_jwk: PublicJwk;
  created_at: Date;
  activated_at: Date | null;
  retired_at: Date | null;
}

export class SigningKeyRepository implements SigningKeyStore {
  constructor(private readonly db: Database) {}

  /** The active key (it signs) and every published public key, the active one first. */
  async loadPublished(): Promise<KeySet | undefined> {
    const rows = await this.db.query<Pick<KeyRow, 'status' | 'private_key_pem' | 'public_jwk'>>(
      'signing-key.load',
      `SELECT status, private_key_pem, public_jwk FROM signing_keys
        ORDER BY status = 'active' DESC, status = 'pending' DESC, created_at DESC, kid`,
    );
    const active = rows.find((row) => row.status === 'active');
    if (!active?.private_key_pem) return undefined;
    return { signing: signingKeyFromPem(active.private_key_pem), published: rows.map((row) => row.public_jwk) };
  }

  /**
   * Creates the first key unless one exists. Replicas starting together serialize on an advisory
   * lock, so exactly one key is created and every replica then loads that same key.
   */
  async createFirstKeyIfNone(generate: () => Promise<SigningKey>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query('signing-key.lock', "SET LOCAL statement_timeout = '60s'");
      await tx.query('signing-key.lock', 'SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
      const existing = await tx.query<{ n: number }>(
        'signing-key.count',
        "SELECT count(*)::int AS n FROM signing_keys WHERE status = 'active'",
      );
      if ((existing[0]?.n ?? 0) > 0) return false;
      const key = await generate();
      await tx.query(
        'signing-key.insert',
        "INSERT INTO signing_keys (kid, private_key_pem, public_jwk, status, activated_at) VALUES ($1, $2, $3, 'active', now())",
        [key.kid, exportPrivateKeyPem(key), JSON.stringify(key.publicJwk)],
      );
      return true;
    });
  }

  /** Stores a key that is published but does not sign yet; at most one can be pending. */
  async addPending(key: SigningKey): Promise<{ added: true } | { added: false; pendingKid: string }> {
    return this.db.transaction(async (tx) => {
      await tx.query('signing-key.lock', "SET LOCAL statement_timeout = '60s'");
      await tx.query('signing-key.lock', 'SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
      const pending = await tx.query<{ kid: string }>(
        'signing-key.find-pending',
        "SELECT kid FROM signing_keys WHERE status = 'pending'",
      );
      if (pending[0]) return { added: false as const, pendingKid: pending[0].kid };
      await tx.query(
        'signing-key.insert-pending',
        "INSERT INTO signing_keys (kid, private_key_pem, public_jwk, status) VALUES ($1, $2, $3, 'pending')",
        [key.kid, exportPrivateKeyPem(key), JSON.stringify(key.publicJwk)],
      );
      return { added: true as const };
    });
  }

  /**
   * The pending key starts signing; the active one is retired (still published) and its private
   * key erased. Refused while the pending key has been published for less than minPublishedSeconds.
   */
  async activatePending(minPublishedSeconds: number): Promise<ActivationOutcome> {
    return this.db.transaction(async (tx) => {
      await tx.query('signing-key.lock', "SET LOCAL statement_timeout = '60s'");
      await tx.query('signing-key.lock', 'SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
      const pending = await tx.query<{ kid: string; seconds_left: number }>(
        'signing-key.find-pending-age',
        `SELECT kid, ceil(greatest(0, $1::double precision - extract(epoch FROM now() - created_at)))::int AS seconds_left
           FROM signing_keys WHERE status = 'pending'`,
        [minPublishedSeconds],
      );
      const next = pending[0];
      if (!next) return { outcome: 'no_pending_key' as const };
      if (next.seconds_left > 0)
        return { outcome: 'too_early' as const, kid: next.kid, secondsLeft: next.seconds_left };
      const retired = await tx.query<{ kid: string }>(
        'signing-key.retire-active',
        "UPDATE signing_keys SET status = 'retired', retired_at = now(), private_key_pem = NULL WHERE status = 'active' RETURNING kid",
      );
      await tx.query(
        'signing-key.activate',
        "UPDATE signing_keys SET status = 'active', activated_at = now() WHERE kid = $1",
        [next.kid],
      );
      return { outcome: 'activated' as const, kid: next.kid, retiredKid: retired[0]?.kid };
    });
  }

  /** Deletes retired keys that stopped signing more than `seconds` ago; returns their kids. */
  async removeRetiredBefore(seconds: number): Promise<string[]> {
    const rows = await this.db.query<{ kid: string }>(
      'signing-key.remove-retired',
      "DELETE FROM signing_keys WHERE status = 'retired' AND retired_at < now() - make_interval(secs => $1::double precision) RETURNING kid",
      [seconds],
    );
    return rows.map((row) => row.kid);
  }

  async list(): Promise<StoredKeyInfo[]> {
    const rows = await this.db.query<Omit<KeyRow, 'private_key_pem' | 'public_jwk'>>(
      'signing-key.list',
      `SELECT kid, status, created_at, activated_at, retired_at FROM signing_keys
        ORDER BY status = 'active' DESC, status = 'pending' DESC, created_at DESC, kid`,
    );
    return rows.map((row) => ({
      kid: row.kid,
      status: row.status,
      createdAt: row.created_at,
      activatedAt: row.activated_at,
      retiredAt: row.retired_at,
    }));
  }
}
