import { HttpError, ValidationError, DependencyError } from '@jwt-msa/http-errors';
import { EDGE_INSTANCE_HEADER } from '@jwt-msa/service-defaults';
import type { KnownReplica, ReplicaDirectory } from './replicas';

/** POST /console/api/revocation-lag: when each gateway replica started refusing a token. */
export interface RevocationLag {
  /** refusedAfterMs: from the measurement request's arrival to the gateway's first 401; null = still accepted at the deadline. */
  gateways: Array<{ instance: string; refusedAfterMs: number | null }>;
  /** The slowest gateway; null when one still accepted the token. */
  maxMs: number | null;
}

export interface RevocationLagOptions {
  timeoutMs: number;
  pollMs: number;
  maxConcurrent: number;
}

/** A protected route every gateway serves: the gateway decides 401 before any service is asked. */
const PROBE_PATH = '/api/profile/me';
/** A compact JWS is three base64url parts (RFC 7515 §7.1); nothing else can be a bearer token here. */
const TOKEN_CHARS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 8192;

/** The body's token, or a 400 saying what is wrong with it. */
export function tokenOf(body: unknown): string {
  const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
  if (typeof token !== 'string' || token.length === 0)
    throw new ValidationError('Send {"token": "<access token>"} as the JSON body');
  if (token.length > MAX_TOKEN_LENGTH || !TOKEN_CHARS.test(token))
    throw new ValidationError('"token" must be a compact JWS (header.payload.signature, base64url)');
  return token;
}

/**
 * Polls every gateway replica directly (not through a load balancer, which would answer from one)
 * with the token until each answers 401 or the deadline passes. Any token can be measured: an
 * expired or forged one is refused at once; a revoked one as soon as each gateway learns of it.
 */
export class RevocationLagProbe {
  private running = 0;

  constructor(
    private readonly replicas: ReplicaDirectory,
    private readonly options: RevocationLagOptions,
  ) {}

  async measure(token: string, arrivedAt: number): Promise<RevocationLag> {
    // Each measurement polls every gateway for up to the timeout: bounded, so the page cannot multiply load.
    if (this.running >= this.options.maxConcurrent)
      throw new HttpError(429, 'too_many_measurements', 'Revocation-lag measurements are busy: try again shortly', {
        'Retry-After': String(Math.ceil(this.options.timeoutMs / 1000)),
      });
    this.running += 1;
    try {
      const gateways = await this.replicas.gateways();
      if (gateways.length === 0)
        throw new DependencyError('The console knows of no gateway replica to measure', 503, 'no_gateways');
      const deadline = arrivedAt + this.options.timeoutMs;
      const results = await Promise.all(gateways.map((gateway) => this.probe(gateway, token, arrivedAt, deadline)));
      const refused = results.flatMap((result) => (result.refusedAfterMs === null ? [] : [result.refusedAfterMs]));
      return { gateways: results, maxMs: refused.length === results.length ? Math.max(...refused) : null };
    } finally {
      this.running -= 1;
    }
  }

  private async probe(
    gateway: KnownReplica,
    token: string,
    arrivedAt: number,
    deadline: number,
  ): Promise<RevocationLag['gateways'][number]> {
    let instance = gateway.name ?? new URL(gateway.url).host;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { instance, refusedAfterMs: null };
      try {
        const response = await fetch(`${gateway.url}${PROBE_PATH}`, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(remaining),
        });
        await response.body?.cancel();
        instance = response.headers.get(EDGE_INSTANCE_HEADER) ?? instance;
        if (response.status === 401) return { instance, refusedAfterMs: Date.now() - arrivedAt };
      } catch {
        // Unreachable or too slow: it has not refused the token; try again until the deadline.
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(this.options.pollMs, Math.max(0, deadline - Date.now()))),
      );
    }
  }
}
