import type { Database } from '@jwt-msa/db';
import type { SessionLifetimes, StoredSession } from '../domain/session';
import type { SessionStore } from '../domain/session-store';

interface SessionRow {
  user_id: string;
  username: string;
  roles: string[];
  created_at: Date;
  last_seen_at: Date;
}

/**
 * A session table every replica shares. Each request costs one statement on the primary key
 * (`session.lookup`): it finds the live session and, in the same statement, records its use when
 * the last recorded one is older than the touch interval (the idle lifetime needs it), so the
 * lookup writes at most once per interval and session, as session stores with a "touch" do.
 */
export class PostgresSessionStore implements SessionStore {
  readonly kind = 'postgres';

  /** How stale a recorded last use may get: the idle lifetime is enforced to within this. */
  private readonly touchIntervalMs: number;

  constructor(
    private readonly db: Database,
    private readonly lifetimes: SessionLifetimes,
  ) {
    this.touchIntervalMs = Math.min(60_000, Math.floor(lifetimes.idleMs / 10));
  }

  async save(session: StoredSession): Promise<void> {
    await this.db.query(
      'session.create',
      `INSERT INTO sessions (id_hash, user_id, username, roles, created_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        session.idHash,
        session.user.sub,
        session.user.username,
        [...session.user.roles],
        new Date(session.createdAt),
        new Date(session.lastSeenAt),
      ],
    );
  }

  async findLive(idHash: string, now: number): Promise<StoredSession | undefined> {
    const rows = await this.db.query<SessionRow>(
      'session.lookup',
      `WITH live AS (
         SELECT user_id, username, roles, created_at, last_seen_at FROM sessions
         WHERE id_hash = $1 AND last_seen_at > $3 AND created_at > $4
       ), touched AS (
         UPDATE sessions SET last_seen_at = $2
         WHERE id_hash = $1 AND last_seen_at > $3 AND created_at > $4 AND last_seen_at <= $5
       )
       SELECT * FROM live`,
      [
        idHash,
        new Date(now),
        new Date(now - this.lifetimes.idleMs),
        new Date(now - this.lifetimes.absoluteMs),
        new Date(now - this.touchIntervalMs),
      ],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      idHash,
      user: { sub: row.user_id, username: row.username, roles: row.roles },
      createdAt: row.created_at.getTime(),
      lastSeenAt: row.last_seen_at.getTime(),
    };
  }

  async delete(idHash: string): Promise<void> {
    await this.db.query('session.delete', 'DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  /** Deletes the sessions that can no longer be used (periodically: the lookup already ignores them). */
  async prune(now: number): Promise<number> {
    const rows = await this.db.query<{ id_hash: string }>(
      'session.prune',
      'DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2 RETURNING id_hash',
      [new Date(now - this.lifetimes.idleMs), new Date(now - this.lifetimes.absoluteMs)],
    );
    return rows.length;
  }
}
