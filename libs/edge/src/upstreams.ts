import type { Logger } from '@jwt-msa/service-defaults';
import { UPSTREAM_NAMES, type UpstreamName } from '@jwt-msa/topology';
import { UpstreamPool } from '@jwt-msa/upstreams';
import type { EdgeMetrics } from './edge-metrics';
import { upstreamUrlsOf, type EdgeConfig } from './settings';
import { UpstreamProxy } from './upstream-proxy';

export interface Upstreams {
  /** The replicas of each upstream; background work (DNS refresh) for runService. */
  pools: Readonly<Record<UpstreamName, UpstreamPool>>;
  proxies: Readonly<Record<UpstreamName, UpstreamProxy>>;
}

/** A pool and a proxy for every upstream of the service list. */
export function createUpstreams(
  config: EdgeConfig,
  { logger, metrics }: { logger: Logger; metrics: EdgeMetrics },
): Upstreams {
  const urls = upstreamUrlsOf(config);
  const pools = {} as Record<UpstreamName, UpstreamPool>;
  const proxies = {} as Record<UpstreamName, UpstreamProxy>;
  for (const name of UPSTREAM_NAMES) {
    pools[name] = new UpstreamPool(name, urls[name], {
      refreshMs: config.upstreamDnsRefreshMs,
      ejectMs: config.upstreamEjectMs,
    });
    proxies[name] = new UpstreamProxy(pools[name], {
      timeoutMs: config.upstreamTimeoutMs,
      logger,
      onOutcome: metrics.countUpstream,
    });
  }
  return { pools, proxies };
}
