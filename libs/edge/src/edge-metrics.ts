import { Counter } from 'prom-client';
import { ServiceMetrics } from '@jwt-msa/service-defaults';
import type { UpstreamOutcome } from './upstream-proxy';

/** The standard metrics plus what an edge adds: how each upstream replica answered. */
export class EdgeMetrics extends ServiceMetrics {
  private readonly upstream = new Counter({
    name: 'gateway_upstream_responses_total',
    help: 'Proxied requests by upstream, replica endpoint and outcome (ok, retried, unavailable, timeout).',
    labelNames: ['upstream', 'endpoint', 'outcome'],
    registers: [this.registry],
  });

  readonly countUpstream = (upstream: string, endpoint: string, outcome: UpstreamOutcome): void => {
    this.upstream.inc({ upstream, endpoint, outcome });
  };
}
