import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** One address of one replica of an upstream: what a proxy or client connects to. */
export interface Replica {
  /** http://<ip>:<port> */
  readonly url: string;
  /** The configured URL it was resolved from, for logs and metrics. */
  readonly source: string;
  ejectedUntil: number;
}

export type Resolver = (hostname: string) => Promise<string[]>;

export interface UpstreamPoolOptions {
  /** Re-resolve DNS names this often, so replicas added or removed by the platform are seen. */
  refreshMs: number;
  /** How long a replica that refused or reset a connection stays out of rotation. */
  ejectMs: number;
  resolve?: Resolver;
  now?: () => number;
}

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true })).map((entry) => entry.address);

/**
 * The replicas of one upstream service. Each configured URL is either an address (the local
 * launcher lists one per replica) or a DNS name that resolves to one address per replica (compose
 * --scale, a Kubernetes headless Service). Every address is its own replica with its own
 * keep-alive sockets, so one busy connection never pins traffic to one replica.
 */
export class UpstreamPool {
  private replicas: Replica[] = [];
  /** Where the round robin goes on from. */
  private next = 0;
  private resolved: Promise<void> | undefined;
  private firstResolutionDone = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly resolve: Resolver;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly urls: readonly string[],
    private readonly options: UpstreamPoolOptions,
  ) {
    if (urls.length === 0) throw new Error(`upstream ${name} has no URLs`);
    this.resolve = options.resolve ?? systemResolver;
    this.now = options.now ?? Date.now;
  }

  /** Resolves now and then every refreshMs; a failed lookup keeps the last known addresses. */
  start(): void {
    this.resolved ??= this.refresh();
    this.timer ??= setInterval(() => void this.refresh(), this.options.refreshMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async refresh(): Promise<void> {
    const fresh: Replica[] = [];
    for (const configured of this.urls) {
      const url = new URL(configured);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      let addresses: string[];
      try {
        addresses = isIP(host) ? [host] : await this.resolve(host);
      } catch {
        addresses = this.replicas
          .filter((replica) => replica.source === configured)
          .map((replica) => new URL(replica.url).hostname.replace(/^\[|\]$/g, ''));
      }
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      for (const address of new Set(addresses)) {
        const replicaUrl = `${url.protocol}//${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
        const known = this.replicas.find((replica) => replica.url === replicaUrl);
        fresh.push(known ?? { url: replicaUrl, source: configured, ejectedUntil: 0 });
      }
    }
    this.replicas = fresh;
  }

  /** True once the first resolution is done; until then callers await `ready()`. */
  get isReady(): boolean {
    return this.firstResolutionDone;
  }

  /** Waits for the first resolution (only the very first requests ever wait). */
  async ready(): Promise<void> {
    this.start();
    await this.resolved;
    this.firstResolutionDone = true;
  }

  /**
   * The next replica in turn, skipping ejected ones and those already `tried` for this request.
   * When every untried replica is ejected, one is tried anyway: better a likely failure than a
   * certain one. One pass from the cursor, no allocation: this runs on every proxied request.
   */
  pick(tried: readonly Replica[] = []): Replica | undefined {
    const count = this.replicas.length;
    const now = this.now();
    let fallback = -1;
    for (let step = 0; step < count; step += 1) {
      const index = (this.next + step) % count;
      const replica = this.replicas[index]!;
      if (tried.includes(replica)) continue;
      if (replica.ejectedUntil <= now) return this.advancePast(index);
      if (fallback < 0) fallback = index;
    }
    return fallback < 0 ? undefined : this.advancePast(fallback);
  }

  private advancePast(index: number): Replica {
    this.next = (index + 1) % this.replicas.length;
    return this.replicas[index]!;
  }

  eject(replica: Replica): void {
    replica.ejectedUntil = this.now() + this.options.ejectMs;
  }

  snapshot(): Array<{ url: string; source: string; healthy: boolean }> {
    const now = this.now();
    return this.replicas.map((replica) => ({
      url: replica.url,
      source: replica.source,
      healthy: replica.ejectedUntil <= now,
    }));
  }
}
