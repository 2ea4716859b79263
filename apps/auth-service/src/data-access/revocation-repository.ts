import type { Queryable } from '@jwt-msa/db';
import type { RevocationEntry, RevocationKind } from '@jwt-msa/revocation';

/** Any constant shared by every auth replica: appends to the feed take this lock (see migration 4). */
const FEED_APPEND_LOCK = 0x6a777276;

export type NewRevocation = Omit<RevocationEntry, 'seq' | 'revokedAtMs'>;

interface RevocationRow {
  seq: string;
  kind: RevocationKind;
  id: string;
  subject: string;
  issued_until: Date;
  expires_at: Date;
  created_at: Date;
}

const toEntry = (row: RevocationRow): RevocationEntry => ({
  seq: Number(row.seq),
  kind: row.kind,
  id: row.id,
  subject: row.subject,
  issuedUntilMs: row.issued_until.getTime(),
  expiresAtMs: row.expires_at.getTime(),
  revokedAtMs: row.created_at.getTime(),
});

/** The revocation feed's store: an append-only list ordered by seq, pruned once entries expire. */
export class RevocationRepository {
  constructor(private readonly db: Queryable) {}

  /** Appends in one transaction's order; call inside the transaction that revoked. */
  async append(entries: readonly NewRevocation[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.query('revocation.lock', 'SELECT pg_advisory_xact_lock($1)', [FEED_APPEND_LOCK]);
    await this.db.query(
      'revocation.append',
      `INSERT INTO revocations (kind, id, subject, issued_until, expires_at, created_at)
       SELECT *, $6::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])`,
      [
        entries.map((entry) => entry.kind),
        entries.map((entry) => entry.id),
        entries.map((entry) => entry.subject),
        entries.map((entry) => new Date(entry.issuedUntilMs)),
        entries.map((entry) => new Date(entry.expiresAtMs)),
        // This replica's clock, like the tokens' iat: the lag gateways measure from it is the feed's, not the database's clock.
        new Date(),
      ],
    );
  }

  /** Live token and session entries of one user (what a cutoff could replace). */
  async countNarrowEntriesOf(subject: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'revocation.count-subject',
      "SELECT count(*)::int AS n FROM revocations WHERE subject = $1 AND kind <> 'subject' AND expires_at > now()",
      [subject],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Drops a user's token and session entries that a cutoff covers: every token they cover was
   * issued in a whole second before the cutoff's, and they expire no later than it.
   */
  async dropCoveredBy(cutoff: NewRevocation): Promise<void> {
    await this.db.query(
      'revocation.drop-covered',
      `DELETE FROM revocations
        WHERE subject = $1 AND kind <> 'subject'
          AND floor(extract(epoch FROM issued_until)) < floor($2::double precision / 1000)
          AND expires_at <= $3`,
      [cutoff.subject, cutoff.issuedUntilMs, new Date(cutoff.expiresAtMs)],
    );
  }

  /** Entries after the cursor (at most `limit`), and the cursor to ask with next. */
  async after(cursor: number, limit: number): Promise<{ cursor: number; entries: RevocationEntry[] }> {
    const rows = await this.db.query<RevocationRow & { live: boolean }>(
      'revocation.feed-after',
      `SELECT seq, kind, id, subject, issued_until, expires_at, created_at, expires_at > now() AS live FROM revocations WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [cursor, limit],
    );
    const last = rows.at(-1);
    return {
      cursor: last ? Number(last.seq) : cursor,
      entries: rows.filter((row) => row.live).map(toEntry),
    };
  }

  /**
   * One page of the full list: live entries after `from`, up to `until` (the first page's
   * snapshot: the newest seq when it was read), and that cursor. Entries appended meanwhile come
   * with the follower's next incremental read.
   */
  async livePage(
    from: number,
    until: number | undefined,
    limit: number,
  ): Promise<{ cursor: number; entries: RevocationEntry[] }> {
    type JsonRow = Omit<RevocationRow, 'issued_until' | 'expires_at' | 'created_at'> & {
      issued_until: string;
      expires_at: string;
      created_at: string;
    };
    const rows = await this.db.query<{ cursor: string; entries: JsonRow[] }>(
      'revocation.feed-full',
      `WITH snapshot AS (SELECT coalesce($2::bigint, (SELECT coalesce(max(seq), 0) FROM revocations)) AS until)
       SELECT (SELECT until FROM snapshot) AS cursor,
              coalesce((SELECT json_agg(r ORDER BY r.seq) FROM (
                SELECT seq, kind, id, subject, issued_until, expires_at, created_at FROM revocations
                 WHERE seq > $1 AND seq <= (SELECT until FROM snapshot) AND expires_at > now()
                 ORDER BY seq LIMIT $3) r), '[]') AS entries`,
      [from, until ?? null, limit],
    );
    const row = rows[0]!;
    return {
      cursor: Number(row.cursor),
      entries: row.entries.map((entry) =>
        toEntry({
          ...entry,
          issued_until: new Date(entry.issued_until),
          expires_at: new Date(entry.expires_at),
          created_at: new Date(entry.created_at),
        }),
      ),
    };
  }

  /** The newest seq (0 when empty): cheap, so waiting followers can poll it. */
  async latestSeq(): Promise<number> {
    const rows = await this.db.query<{ seq: string }>(
      'revocation.latest',
      'SELECT coalesce(max(seq), 0) AS seq FROM revocations',
    );
    return Number(rows[0]?.seq ?? 0);
  }

  /** Deletes entries that cover no unexpired token any more; returns how many. */
  async prune(): Promise<number> {
    const rows = await this.db.query<{ seq: string }>(
      'revocation.prune',
      'DELETE FROM revocations WHERE expires_at <= now() RETURNING seq',
    );
    return rows.length;
  }
}
