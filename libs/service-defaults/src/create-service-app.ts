import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { attachPrincipal } from '@jwt-msa/claims';
import { HttpError } from '@jwt-msa/http-errors';
import { errorHandler, notFound } from './error-handler';
import { healthRoutes, type ReadinessCheck } from './health';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { requestId, requestLogger, servedBy } from './request-context';

export interface ServiceAppOptions {
  service: string;
  instanceId: string;
  logger: Logger;
  /** Largest JSON body accepted, e.g. "16kb". */
  bodyLimit: string;
  readiness?: Record<string, ReadinessCheck>;
  /** Mounts the service's own routes. */
  routes: (app: Express) => void;
  /**
   * Domain services trust the gateway's identity headers; the gateway itself must not (it
   * strips them). Defaults to true.
   */
  trustIdentityHeaders?: boolean;
  /**
   * Replaces the default identity reader (the gateway's headers), e.g. with one that verifies the
   * forwarded bearer token itself (defense in depth). Ignored when trustIdentityHeaders is false.
   */
  identity?: RequestHandler;
  /** Request metrics and `/metrics`; pass the same instance to the Database for query counts. */
  metrics?: ServiceMetrics;
  /**
   * Serve /metrics on this app (default). The gateway sets false: its port is public, so its
   * metrics live on a separate internal listener.
   */
  exposeMetrics?: boolean;
  /** The gateway streams bodies to upstreams untouched; everyone else parses JSON. Default true. */
  parseJsonBodies?: boolean;
}

export interface Lifecycle {
  shuttingDown: boolean;
}

export function lifecycleOf(app: Express): Lifecycle {
  return app.locals['lifecycle'] as Lifecycle;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Bodies are JSON or nothing: anything else gets a clear 415 before a route sees it. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (BODY_METHODS.has(req.method) && hasBody && !req.is('application/json')) {
    return next(new HttpError(415, 'unsupported_media_type', 'Send the body as application/json'));
  }
  next();
};

/**
 * The standard service: security headers, request id, X-Served-By, per-request log line, JSON
 * bodies with a size limit, identity from the gateway's headers, /healthz and /readyz, the
 * service's routes, JSON 404 and the central error handler.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  const lifecycle: Lifecycle = { shuttingDown: false };
  app.locals['lifecycle'] = lifecycle;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet());
  app.use(requestId);
  app.use(servedBy(options.service, options.instanceId));
  app.use((_req, res, next) => {
    // While draining, tell keep-alive clients to reconnect elsewhere.
    if (lifecycle.shuttingDown) res.setHeader('Connection', 'close');
    next();
  });
  app.use(healthRoutes(options.readiness ?? {}, () => lifecycle.shuttingDown));
  if (options.metrics) {
    if (options.exposeMetrics !== false) app.get('/metrics', options.metrics.handler);
    app.use(options.metrics.httpMiddleware);
  }
  app.use(requestLogger(options.logger));
  if (options.parseJsonBodies !== false) {
    app.use(requireJsonBody);
    app.use(express.json({ limit: options.bodyLimit, strict: true }));
  }
  if (options.trustIdentityHeaders !== false) app.use(options.identity ?? attachPrincipal);
  options.routes(app);
  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
