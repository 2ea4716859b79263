import express, { Router, type RequestHandler } from 'express';
import type { RevocationLagProbe } from './revocation-lag';
import { tokenOf } from './revocation-lag';
import { callsOf, type ComparisonRuns } from './sessions-vs-jwt';
import type { SystemStatsCollector } from './system-stats';

/**
 * The page's policy: its own scripts, styles and API only (no inline code, nothing from another
 * origin), never framed. Stricter than helmet's default, which allows inline styles and https: images.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export interface ConsoleRoutesOptions {
  publicDir: string;
  stats: SystemStatsCollector;
  revocationLag: RevocationLagProbe;
  comparisons: ComparisonRuns;
}

/** The page at /console/ (files of the build, always revalidated) and its read-only API at /console/api/. */
export function consoleRoutes({ publicDir, stats, revocationLag, comparisons }: ConsoleRoutesOptions): Router {
  const router = Router();
  const api = Router();
  api.get('/stats', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await stats.collect());
  });
  api.post('/revocation-lag', async (req, res) => {
    const arrivedAt = Date.now();
    const token = tokenOf(req.body);
    res.set('Cache-Control', 'no-store').json(await revocationLag.measure(token, arrivedAt));
  });
  api.post('/sessions-vs-jwt', (req, res) => {
    const run = comparisons.start(callsOf(req.body));
    res.status(202).location(`/console/api/sessions-vs-jwt/${run.id}`).set('Cache-Control', 'no-store').json(run);
  });
  api.get('/sessions-vs-jwt/:id', (req, res) => {
    res.set('Cache-Control', 'no-store').json(comparisons.get(req.params.id));
  });
  router.use('/console/api', api);

  const toTrailingSlash: RequestHandler = (req, res, next) => {
    if (req.path !== '/console' || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    res.locals.route = '/console';
    res.redirect(301, '/console/');
  };
  const labelFiles: RequestHandler = (_req, res, next) => {
    res.locals.route = '/console/*';
    next();
  };
  router.use(toTrailingSlash);
  router.use(
    '/console',
    labelFiles,
    express.static(publicDir, {
      index: 'index.html',
      redirect: false,
      dotfiles: 'ignore',
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader('Content-Security-Policy', CONSOLE_CSP);
        // A new build is picked up at once; the ETag makes the check cheap.
        res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  return router;
}
