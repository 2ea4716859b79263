import type { Queryable } from '@jwt-msa/db';

/**
 * Failed-login counters, one row per throttled key (an account or a client address), shared by
 * every auth replica. Counting happens in the database, on its clock, one row lock at a time, so
 * concurrent failures on several replicas each count exactly once.
 */
export class LoginThrottleRepository {
  constructor(private readonly db: Queryable) {}

  /** Seconds until every one of these keys is unblocked (0 = none is blocked). */
  async secondsBlocked(keys: string[]): Promise<number> {
    const rows = await this.db.query<{ seconds: number | null }>(
      'login-throttle.check',
      'SELECT ceil(extract(epoch FROM max(blocked_until) - now()))::int AS seconds FROM login_throttle WHERE key = ANY($1) AND blocked_until > now()',
      [keys],
    );
    return Math.max(0, rows[0]?.seconds ?? 0);
  }

  /** Counts one failure and returns the count; a count idle for windowSeconds starts again at 1. */
  async countFailure(key: string, windowSeconds: number): Promise<number> {
    const rows = await this.db.query<{ failures: number }>(
      'login-throttle.count-failure',
      `INSERT INTO login_throttle AS t (key, failures, last_failure_at) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.last_failure_at < now() - make_interval(secs => $2::double precision) THEN 1 ELSE t.failures + 1 END,
         last_failure_at = now()
       RETURNING failures`,
      [key, windowSeconds],
    );
    return rows[0]!.failures;
  }

  /** Blocks the key for at least `seconds` from now (never shortens a longer block). */
  async blockFor(key: string, seconds: number): Promise<void> {
    await this.db.query(
      'login-throttle.block',
      `UPDATE login_throttle SET blocked_until = greatest(blocked_until, now() + make_interval(secs => $2::double precision))
        WHERE key = $1`,
      [key, seconds],
    );
  }

  async reset(key: string): Promise<void> {
    await this.db.query('login-throttle.reset', 'DELETE FROM login_throttle WHERE key = $1', [key]);
  }

  /** Drops counters that can no longer block anyone; returns how many. */
  async prune(windowSeconds: number): Promise<number> {
    const rows = await this.db.query<{ key: string }>(
      'login-throttle.prune',
      `DELETE FROM login_throttle
        WHERE last_failure_at < now() - make_interval(secs => $1::double precision)
          AND (blocked_until IS NULL OR blocked_until < now())
        RETURNING key`,
      [windowSeconds],
    );
    return rows.length;
  }
}
