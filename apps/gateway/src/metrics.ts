import { Counter, Gauge, Histogram } from 'prom-client';
import { EdgeMetrics } from '@jwt-msa/edge';
import type { RevocationFeedPage } from '@jwt-msa/revocation';
import type { VerifiedTokenCache } from '@jwt-msa/token-verifier';
import type { RevocationGuard } from './revocation-guard';

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

  private readonly revocationLag = new Histogram({
    name: 'gateway_revocation_lag_seconds',
    help: 'From a revocation being written by the auth service to this gateway refusing its tokens (entries from the live feed, not resyncs).',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly revocationPages = new Counter({
    name: 'gateway_revocation_feed_pages_total',
    help: 'Revocation feed answers applied, by kind (full = resync, incremental = long poll).',
    labelNames: ['kind'],
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

  readonly observeRevocationPage = (page: RevocationFeedPage, appliedAtMs: number): void => {
    this.revocationPages.inc({ kind: page.full ? 'full' : 'incremental' });
    if (page.full) return;
    for (const entry of page.entries) this.revocationLag.observe(Math.max(0, appliedAtMs - entry.revokedAtMs) / 1000);
  };

  /** The revocation list's size and age, read when scraped. */
  observeRevocations(guard: RevocationGuard): void {
    new Gauge({
      name: 'gateway_revocation_entries',
      help: 'Revocation entries held in memory (by jti, by sid, per-user cutoffs).',
      registers: [this.registry],
      collect() {
        this.set(guard.denyList.size);
      },
    });
    new Gauge({
      name: 'gateway_revocation_staleness_seconds',
      help: 'How far behind the auth service the revocation list may be: 0 while the feed is followed live (+Inf before the first load; absent without a feed).',
      registers: [this.registry],
      collect() {
        const staleness = guard.stalenessSeconds();
        if (staleness !== undefined) this.set(staleness);
      },
    });
  }

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
