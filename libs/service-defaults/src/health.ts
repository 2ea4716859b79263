import { Router } from 'express';
import type { Lifecycle } from './service-app';

/** Resolves when ready (with a detail to show instead of "ok", e.g. a degraded state); rejects when not. */
export type ReadinessCheck = () => Promise<void | string>;

/**
 * /healthz: the process is alive. /readyz: every readiness check passes (database reachable,
 * keys loaded, ...), and the process is not draining. Neither is routed through the public gateway.
 */
export function healthRoutes(checks: Record<string, ReadinessCheck>, lifecycle: Lifecycle, instance: string): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (lifecycle.shuttingDown) {
      res.status(503).json({ status: 'shutting_down', instance });
      return;
    }
    const results: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          results[name] = (await check()) || 'ok';
        } catch (error) {
          ready = false;
          results[name] = (error as Error).message || 'failed';
        }
      }),
    );
    // The instance named, so a supervisor polling this port knows it reached the replica it started.
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', instance, checks: results });
  });
  return router;
}
