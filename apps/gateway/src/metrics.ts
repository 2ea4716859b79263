import { Counter, Gauge } from 'prom-client';
import type { VerifiedTokenCache } from '@jwt-msa/token-verifier';
import { ServiceMetrics } from '@jwt-msa/service-defaults';
import type { UpstreamOutcome } from './proxy/upstream-proxy';

/** The gateway's metrics: the standard ones plus verifications, JWKS fetches and upstream outcomes. */
export class GatewayMetrics extends ServiceMetrics {
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
  private readonly upstream = new Counter({
    name: 'gateway_upstream_responses_total',
    help: 'Proxied requests by upstream, replica endpoint and outcome (ok, retried, unavailable, timeout).',
    labelNames: ['upstream', 'endpoint', 'outcome'],
    registers: [this.registry],
  });

  constructor(instanceId: string, cache?: VerifiedTokenCache) {
    super('gateway', instanceId);
    this.verifications.inc({ outcome: 'ok' }, 0);
    if (cache) {
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

  readonly countVerification = (outcome: string): void => {
    this.verifications.inc({ outcome });
  };

  readonly countJwksFetch = (outcome: 'ok' | 'error'): void => {
    this.jwksFetches.inc({ outcome });
  };

  readonly countUpstream = (upstream: string, endpoint: string, outcome: UpstreamOutcome): void => {
    this.upstream.inc({ upstream, endpoint, outcome });
  };
}
