import express, { type Express } from 'express';
import type { ServiceMetrics } from '@jwt-msa/service-defaults';
import type { UpstreamPool } from '@jwt-msa/upstreams';

/**
 * An edge's internal listener: its own metrics, and the replicas it balances over with their
 * metrics, so a person (or `npm run demo`) can count state without reaching every service.
 * Its port is never published.
 */
export function createAdminApp(
  metrics: ServiceMetrics,
  pools: Readonly<Partial<Record<string, UpstreamPool>>>,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metrics.handler);
  app.get('/replicas', (_req, res) => {
    res.json(Object.fromEntries(Object.entries(pools).map(([name, pool]) => [name, pool?.snapshot()])));
  });
  app.get('/replicas/:upstream/metrics', async (req, res) => {
    const pool = Object.hasOwn(pools, req.params.upstream) ? pools[req.params.upstream] : undefined;
    if (!pool) {
      res.status(404).json({ error: 'not_found', message: `No upstream "${req.params.upstream}"` });
      return;
    }
    const scraped = await Promise.all(
      pool.snapshot().map(async ({ url }) => {
        try {
          const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
          return [url, response.ok ? await response.text() : null] as const;
        } catch {
          return [url, null] as const;
        }
      }),
    );
    res.json(Object.fromEntries(scraped));
  });
  return app;
}
