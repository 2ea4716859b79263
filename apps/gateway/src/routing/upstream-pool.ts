import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** One address of one replica: what the proxy connects to. */
export interface Endpoint {
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
 * --scale, a Kubernetes headless Service). Every address is its own endpoint with its own
 * keep-alive sockets, so one busy connection never pins traffic to one replica.
 */
export class UpstreamPool {
  private endpoints: Endpoint[] = [];
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
  }

  async refresh(): Promise<void> {
    const fresh: Endpoint[] = [];
    for (const configured of this.urls) {
      const url = new URL(configured);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      let addresses: string[];
      try {
        addresses = isIP(host) ? [host] : await this.resolve(host);
      } catch {
        addresses = this.endpoints
          .filter((endpoint) => endpoint.source === configured)
          .map((endpoint) => new URL(endpoint.url).hostname.replace(/^\[|\]$/g, ''));
      }
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      for (const address of new Set(addresses)) {
        const endpointUrl = `${url.protocol}//${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
        const known = this.endpoints.find((endpoint) => endpoint.url === endpointUrl);
        fresh.push(known ?? { url: endpointUrl, source: configured, ejectedUntil: 0 });
      }
    }
    this.endpoints = fresh;
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
   * The next endpoint in turn, skipping ejected ones and `exclude`. When every replica is ejected,
   * ejected ones are tried anyway: better a likely failure than a certain one.
   */
  pick(exclude?: Endpoint): Endpoint | undefined {
    const candidates = this.endpoints.filter((endpoint) => endpoint !== exclude);
    if (candidates.length === 0) return undefined;
    const now = this.now();
    const healthy = candidates.filter((endpoint) => endpoint.ejectedUntil <= now);
    const pool = healthy.length > 0 ? healthy : candidates;
    const endpoint = pool[this.next % pool.length]!;
    this.next = (this.next + 1) % 1_000_000;
    return endpoint;
  }

  eject(endpoint: Endpoint): void {
    endpoint.ejectedUntil = this.now() + this.options.ejectMs;
  }

  snapshot(): Array<{ url: string; source: string; healthy: boolean }> {
    const now = this.now();
    return this.endpoints.map((endpoint) => ({
      url: endpoint.url,
      source: endpoint.source,
      healthy: endpoint.ejectedUntil <= now,
    }));
  }
}
