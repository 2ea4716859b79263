import { readClusterFileAt, type ClusterFile } from '@jwt-msa/topology';
import { UpstreamPool, type Resolver } from '@jwt-msa/upstreams';

/** One replica the console measures: where to reach it, and its name when the cluster file gives one. */
export interface KnownReplica {
  url: string;
  name?: string;
}

export interface ReplicaSources {
  /** A local cluster's cluster.json; '' = none. */
  clusterFile: string;
  gatewayUrls: readonly string[];
  gatewayAdminUrls: readonly string[];
  authMetricsUrls: readonly string[];
}

/**
 * The gateway and auth replicas, found afresh on each call: from the cluster file (a local
 * cluster restarts on new ports; the file appears once every replica is ready) and from the
 * configured URLs, each DNS name expanded to every address it resolves to (compose --scale, a
 * headless Service), the way the edges find their upstreams.
 */
export class ReplicaDirectory {
  constructor(
    private readonly sources: ReplicaSources,
    private readonly resolve?: Resolver,
  ) {}

  /** The gateways' public listeners (the revocation-lag probe talks to each directly). */
  async gateways(): Promise<KnownReplica[]> {
    const file = await this.clusterFile();
    return merge(
      (file?.gateways ?? []).map(({ name, url }) => ({ name, url })),
      await this.expand('gateway', this.sources.gatewayUrls),
    );
  }

  /** The gateways' internal admin listeners, with their /metrics. */
  async gatewayAdmins(): Promise<KnownReplica[]> {
    const file = await this.clusterFile();
    return merge(
      (file?.gateways ?? []).map(({ name, adminUrl }) => ({ name, url: adminUrl })),
      await this.expand('gateway-admin', this.sources.gatewayAdminUrls),
    );
  }

  async authReplicas(): Promise<KnownReplica[]> {
    const file = await this.clusterFile();
    return merge(
      (file?.replicas.auth ?? []).map(({ name, url }) => ({ name, url })),
      await this.expand('auth', this.sources.authMetricsUrls),
    );
  }

  /** No file yet (the launcher writes it once everything is ready) counts as no replicas from it. */
  private async clusterFile(): Promise<ClusterFile | undefined> {
    if (!this.sources.clusterFile) return undefined;
    return readClusterFileAt(this.sources.clusterFile).catch(() => undefined);
  }

  private async expand(name: string, urls: readonly string[]): Promise<KnownReplica[]> {
    if (urls.length === 0) return [];
    const pool = new UpstreamPool(name, urls, {
      refreshMs: 60_000,
      ejectMs: 0,
      ...(this.resolve && { resolve: this.resolve }),
    });
    await pool.refresh();
    return pool.snapshot().map(({ url }) => ({ url }));
  }
}

function merge(...lists: KnownReplica[][]): KnownReplica[] {
  const byUrl = new Map<string, KnownReplica>();
  for (const replica of lists.flat()) if (!byUrl.has(replica.url)) byUrl.set(replica.url, replica);
  return [...byUrl.values()];
}
