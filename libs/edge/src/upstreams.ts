import type { Logger } from '@jwt-msa/service-defaults';
import { UPSTREAM_NAMES, type UpstreamName } from '@jwt-msa/topology';
import { UpstreamPool } from '@jwt-msa/upstreams';
import type { EdgeMetrics } from './edge-metrics';
import { upstreamUrlsOf, type EdgeConfig } from './settings';
import { UpstreamProxy } from './upstream-proxy';

export interface Upstreams {
  /** The replicas of each deployed upstream; background work (DNS refresh) for runService. */
  pools: Readonly<Partial<Record<UpstreamName, UpstreamPool>>>;
  /** Absent for an optional upstream that is not deployed (no URLs configured). */
  proxies: Readonly<Partial<Record<UpstreamName, UpstreamProxy>>>;
}

/** A pool and a proxy for every upstream of the service list that has replicas configured. */
export function createUpstreams(
  config: EdgeConfig,
  { logger, metrics }: { logger: Logger; metrics: EdgeMetrics },
): Upstreams {
  const urls = upstreamUrlsOf(config);
  const pools: Partial<Record<UpstreamName, UpstreamPool>> = {};
  const proxies: Partial<Record<UpstreamName, UpstreamProxy>> = {};
  for (const name of UPSTREAM_NAMES) {
    if (urls[name].length === 0) continue;
    const pool = new UpstreamPool(name, urls[name], {
      refreshMs: config.upstreamDnsRefreshMs,
      ejectMs: config.upstreamEjectMs,
    });
    pools[name] = pool;
    proxies[name] = new UpstreamProxy(pool, {
      timeoutMs: config.upstreamTimeoutMs,
      logger,
      onOutcome: metrics.countUpstream,
    });
  }
  return { pools, proxies };
}
