import { Router } from 'express';
import { sendJson } from './http-response';
import type { Lifecycle } from './service-app';

/** Resolves when ready (with a detail to show instead of "ok", e.g. a degraded state); rejects when not. */
export type ReadinessCheck = () => Promise<void | string>;

/**
 * /healthz: the process is alive. /readyz: every readiness check passes (database reachable,
 * keys loaded, ...), and the process is not draining. Neither is routed through the public gateway.
 */
export function healthRoutes(checks: Record<string, ReadinessCheck>, lifecycle: Lifecycle, instance: string): Router {
  const router = Router();
  // Node's response API only: the same router answers on an edge, which runs without an express app.
  router.get('/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  router.get('/readyz', async (_req, res) => {
    if (lifecycle.shuttingDown) {
      sendJson(res, 503, { status: 'shutting_down', instance });
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
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', instance, checks: results });
  });
  return router;
}
