/** GET /console/api/stats: cumulative counters of the whole system. */
export interface SystemStats {
  verifications: { ok: number; rejected: number };
  cacheHits: number;
  cacheMisses: number;
  authStoreQueries: Record<string, number>;
  gateways: number;
}

export type ActionKind = 'api' | 'refresh' | 'login' | 'logout' | 'other';

export function isSystemStats(body: unknown): body is SystemStats {
  const value = body as Partial<SystemStats> | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.verifications?.ok === 'number' &&
    typeof value.verifications.rejected === 'number' &&
    typeof value.cacheHits === 'number' &&
    typeof value.cacheMisses === 'number' &&
    typeof value.authStoreQueries === 'object' &&
    value.authStoreQueries !== null &&
    typeof value.gateways === 'number'
  );
}

const sumQueries = (queries: Record<string, number>) =>
  Object.values(queries).reduce((total, n) => total + (Number.isFinite(n) ? n : 0), 0);

export interface Bucket {
  actions: number;
  queries: number;
}

/**
 * Deltas since the page loaded, and which of this page's actions the auth-store queries came with:
 * each action is followed by a snapshot, and what changed since the previous snapshot is put on
 * that action's account (other users of the system count too: the counters are system-wide).
 */
export class StatsLedger {
  baseline: SystemStats | undefined;
  last: SystemStats | undefined;
  readonly buckets: Record<ActionKind, Bucket> = {
    api: { actions: 0, queries: 0 },
    refresh: { actions: 0, queries: 0 },
    login: { actions: 0, queries: 0 },
    logout: { actions: 0, queries: 0 },
    other: { actions: 0, queries: 0 },
  };

  /** Records a snapshot taken after `kinds` actions (empty for the first, or a plain reload). */
  record(snapshot: SystemStats, kinds: ActionKind[] = []): void {
    if (!this.baseline || !this.last) {
      this.baseline = snapshot;
      this.last = snapshot;
      // Actions before the first snapshot cannot be measured; still count them.
      for (const kind of kinds) this.buckets[kind].actions += 1;
      return;
    }
    const queries = Math.max(0, sumQueries(snapshot.authStoreQueries) - sumQueries(this.last.authStoreQueries));
    for (const kind of kinds) this.buckets[kind].actions += 1;
    const first = kinds[0];
    if (first) this.buckets[first].queries += queries;
    else if (queries > 0) this.buckets.other.queries += queries;
    this.last = snapshot;
  }

  delta(): SystemStats | undefined {
    const { baseline, last } = this;
    if (!baseline || !last) return undefined;
    const purposes = new Set([...Object.keys(baseline.authStoreQueries), ...Object.keys(last.authStoreQueries)]);
    const authStoreQueries: Record<string, number> = {};
    for (const purpose of purposes)
      authStoreQueries[purpose] = (last.authStoreQueries[purpose] ?? 0) - (baseline.authStoreQueries[purpose] ?? 0);
    return {
      verifications: {
        ok: last.verifications.ok - baseline.verifications.ok,
        rejected: last.verifications.rejected - baseline.verifications.rejected,
      },
      cacheHits: last.cacheHits - baseline.cacheHits,
      cacheMisses: last.cacheMisses - baseline.cacheMisses,
      authStoreQueries,
      gateways: last.gateways,
    };
  }

  /** "20 API calls, 0 auth-store queries; 1 refresh, 4 queries; 1 login, 3 queries". */
  summary(): string {
    const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
    const { api, refresh, login, logout } = this.buckets;
    const parts = [
      `${plural(api.actions, 'API call')}, ${plural(api.queries, 'auth-store query', 'auth-store queries')}`,
    ];
    if (refresh.actions)
      parts.push(`${plural(refresh.actions, 'refresh', 'refreshes')}, ${plural(refresh.queries, 'query', 'queries')}`);
    if (login.actions)
      parts.push(
        `${plural(login.actions, 'login or registration', 'logins and registrations')}, ${plural(login.queries, 'query', 'queries')}`,
      );
    if (logout.actions)
      parts.push(`${plural(logout.actions, 'logout')}, ${plural(logout.queries, 'query', 'queries')}`);
    return parts.join('; ');
  }
}
