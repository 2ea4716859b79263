import { Counter } from 'prom-client';
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
  private readonly jwksFetches = new Counter({ name: 'gateway_jwks_fetches_total', help: 'JWKS fetches from the issuer, by outcome.', labelNames: ['outcome'], registers: [this.registry] });
  private readonly upstream = new Counter({
    name: 'gateway_upstream_responses_total',
    help: 'Proxied requests by upstream, replica endpoint and outcome (ok, retried, unavailable, timeout).',
    labelNames: ['upstream', 'endpoint', 'outcome'],
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

  readonly countUpstream = (upstream: string, endpoint: string, outcome: UpstreamOutcome): void => {
    this.upstream.inc({ upstream, endpoint, outcome });
  };
}
