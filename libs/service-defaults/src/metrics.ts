import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per service (not prom-client's global one, so several apps can live in
 * one test process). Request metrics are labelled by route pattern, never by raw path.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly queries: Counter<'purpose'>;

  constructor(
    readonly service: string,
    instanceId: string,
    options: { processMetrics?: boolean } = {},
  ) {
    this.registry.setDefaultLabels({ service, instance: instanceId });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency, by route.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.queries = new Counter({
      name: 'db_queries_total',
      help: 'Database queries made, by purpose (e.g. refresh.find-for-update).',
      labelNames: ['purpose'],
      registers: [this.registry],
    });
    this.queries.inc({ purpose: 'none' }, 0);
  }

  /** Passed to the Database as its onQuery hook. */
  readonly countQuery = (purpose: string): void => {
    this.queries.inc({ purpose });
  };

  /** One answered request; `route` is the pattern that served it (undefined: no route matched). */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const label = route ?? 'unmatched';
    this.duration.observe({ method, route: label }, seconds);
    this.requests.inc({ method, route: label, status: String(status) });
  }

  readonly handler: RequestHandler = async (_req, res) => {
    res.set('Content-Type', this.registry.contentType).send(await this.registry.metrics());
  };
}
