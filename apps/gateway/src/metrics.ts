import { Counter, Gauge } from 'prom-client';
import { EdgeMetrics } from '@jwt-msa/edge';
import type { VerifiedTokenCache } from '@jwt-msa/token-verifier';

/** The edge's metrics plus token verifications, JWKS fetches and the verified-token cache. */
export class GatewayMetrics extends EdgeMetrics {
  private readonly verifications = new Counter({
    name: 'gateway_token_verifications_total',
    help: 'Access-token verifications, by outcome (ok, expired, bad_signature, unknown_kid, bad_audience, ...).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly jwksFetches = new Counter({
    name: 'gateway_jwks_fetches_total',
    help: 'JWKS fetches from the issuer, by outcome.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor(instanceId: string) {
    super('gateway', instanceId);
    this.verifications.inc({ outcome: 'ok' }, 0);
  }

  readonly countVerification = (outcome: string): void => {
    this.verifications.inc({ outcome });
  };

  readonly countJwksFetch = (outcome: 'ok' | 'error'): void => {
    this.jwksFetches.inc({ outcome });
  };

  /** Cache hits and size, read from the cache when scraped (nothing is counted per request here). */
  observeCache(cache: VerifiedTokenCache): void {
    new Counter({
      name: 'gateway_verified_token_cache_lookups_total',
      help: 'Verified-token cache lookups: hit = no signature check needed.',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const stats = cache.stats();
        this.reset();
        this.inc({ result: 'hit' }, stats.hits);
        this.inc({ result: 'miss' }, stats.misses);
      },
    });
    new Gauge({
      name: 'gateway_verified_token_cache_entries',
      help: 'Tokens currently held by the verified-token cache.',
      registers: [this.registry],
      collect() {
        this.set(cache.size);
      },
    });
  }
}
