import { queryKindOf, samplesOf } from '@jwt-msa/service-defaults';
import type { KnownReplica, ReplicaDirectory } from './replicas';

/**
 * GET /console/api/stats: what the whole system did, as cumulative counters summed over every
 * replica. Aggregates only: never a raw metric, a replica's address or anything about a user.
 */
export interface SystemStats {
  verifications: { ok: number; rejected: number };
  cacheHits: number;
  cacheMisses: number;
  /** The auth service's database queries that requests caused, by purpose (refresh.find-for-update, ...). */
  authStoreQueries: Record<string, number>;
  /** Its queries no request caused, by purpose: the revocation feed's polls, key reloads, pruning. */
  backgroundQueries: Record<string, number>;
  /** Gateway replicas that answered. */
  gateways: number;
  /** Auth replicas that answered. */
  authReplicas: number;
  /** Replicas known but not answering in time: their counters are missing from the sums. */
  unreachable: number;
}

/** The metrics text of one replica, or undefined when it does not answer (in time, or with 200). */
export type MetricsReader = (baseUrl: string) => Promise<string | undefined>;

/** Reads `<baseUrl>/metrics` within a deadline: a replica that hangs never holds up the answer. */
export function httpMetricsReader(timeoutMs: number): MetricsReader {
  return async (baseUrl) => {
    try {
      const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      return await response.text();
    } catch {
      return undefined;
    }
  };
}

// The counters this reads, as the gateway (apps/gateway/src/metrics.ts) and every service with a
// database (libs/service-defaults ServiceMetrics) name them.
const VERIFICATIONS = 'gateway_token_verifications_total';
const CACHE_LOOKUPS = 'gateway_verified_token_cache_lookups_total';
const DB_QUERIES = 'db_queries_total';

export class SystemStatsCollector {
  constructor(
    private readonly replicas: ReplicaDirectory,
    private readonly readMetrics: MetricsReader,
  ) {}

  async collect(): Promise<SystemStats> {
    const [gatewayAdmins, authReplicas] = await Promise.all([
      this.replicas.gatewayAdmins(),
      this.replicas.authReplicas(),
    ]);
    const [gatewayTexts, authTexts] = await Promise.all([this.readAll(gatewayAdmins), this.readAll(authReplicas)]);
    const stats: SystemStats = {
      verifications: { ok: 0, rejected: 0 },
      cacheHits: 0,
      cacheMisses: 0,
      authStoreQueries: {},
      backgroundQueries: {},
      gateways: gatewayTexts.length,
      authReplicas: authTexts.length,
      unreachable: gatewayAdmins.length - gatewayTexts.length + authReplicas.length - authTexts.length,
    };
    for (const text of gatewayTexts) {
      for (const { labels, value } of samplesOf(text, VERIFICATIONS)) {
        if (labels['outcome'] === 'ok') stats.verifications.ok += value;
        else stats.verifications.rejected += value;
      }
      for (const { labels, value } of samplesOf(text, CACHE_LOOKUPS)) {
        if (labels['result'] === 'hit') stats.cacheHits += value;
        else if (labels['result'] === 'miss') stats.cacheMisses += value;
      }
    }
    for (const text of authTexts) {
      for (const { labels, value } of samplesOf(text, DB_QUERIES)) {
        const purpose = labels['purpose'];
        const kind = queryKindOf(purpose);
        // "none" is the zero sample every registry starts with; health checks are the supervisor's.
        if (!purpose || kind === 'health') continue;
        const bucket = kind === 'call' ? stats.authStoreQueries : stats.backgroundQueries;
        bucket[purpose] = (bucket[purpose] ?? 0) + value;
      }
    }
    return stats;
  }

  private async readAll(replicas: readonly KnownReplica[]): Promise<string[]> {
    const texts = await Promise.all(replicas.map((replica) => this.readMetrics(replica.url)));
    return texts.filter((text): text is string => text !== undefined);
  }
}
