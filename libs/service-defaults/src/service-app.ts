import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { attachPrincipal } from '@jwt-msa/claims';
import { HttpError } from '@jwt-msa/http-errors';
import { errorHandler, notFound } from './error-handler';
import { healthRoutes, type ReadinessCheck } from './health';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { observeRequests, requestContext } from './request-context';

/** Whether the process is draining; runService flips it when a shutdown begins. */
export class Lifecycle {
  private draining = false;
  private readonly drainListeners: Array<() => void> = [];

  get shuttingDown(): boolean {
    return this.draining;
  }

  /** Called once when draining begins (e.g. to answer long polls now rather than hold the shutdown). */
  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  beginShutdown(): void {
    if (this.draining) return;
    this.draining = true;
    for (const listener of this.drainListeners) listener();
  }
}

/** An app and the lifecycle runService drives it with. */
export interface ServiceApp {
  readonly app: Express;
  readonly lifecycle: Lifecycle;
}

export interface BaseAppOptions {
  service: string;
  instanceId: string;
  logger: Logger;
  /** Request metrics; pass the same instance to the Database for query counts. */
  metrics?: ServiceMetrics;
  readiness?: Record<string, ReadinessCheck>;
}

/**
 * What every service answers with, in order: security headers, a request id, X-Served-By,
 * `Connection: close` while draining, /healthz and /readyz, one metrics sample and one log line
 * per request, then the preset's handlers, a JSON 404 and the one error handler.
 */
function createBaseApp(options: BaseAppOptions, mount: (app: Express) => void): ServiceApp {
  const app = express();
  const lifecycle = new Lifecycle();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet());
  app.use(requestContext(options.service, options.instanceId, lifecycle));
  app.use(healthRoutes(options.readiness ?? {}, lifecycle, options.instanceId));
  app.use(observeRequests(options.logger, options.metrics));
  mount(app);
  app.use(notFound);
  app.use(errorHandler(options.logger));
  return { app, lifecycle };
}

export interface DomainServiceAppOptions extends BaseAppOptions {
  /** Largest JSON body accepted, e.g. "16kb". */
  bodyLimit: string;
  /** Who the caller is; default: the edge's identity headers. */
  identity?: RequestHandler;
  routes: Router;
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
 * A domain service (auth, catalog, orders, profile): the base, `/metrics`, JSON bodies within a
 * size limit, the caller's identity, the service's routes.
 */
export function createDomainServiceApp(options: DomainServiceAppOptions): ServiceApp {
  return createBaseApp(options, (app) => {
    if (options.metrics) app.get('/metrics', options.metrics.handler);
    app.use(requireJsonBody);
    app.use(express.json({ limit: options.bodyLimit, strict: true }));
    app.use(options.identity ?? attachPrincipal);
    app.use(options.routes);
  });
}

export interface EdgeAppOptions extends BaseAppOptions {
  /** The edge's whole public surface: resolve the route, authorize, forward. */
  handler: RequestHandler;
}

/**
 * An edge (the gateway): the base and one handler. Bodies stream through untouched, and the
 * metrics stay off this public port (the edge serves them on its internal admin listener).
 */
export function createEdgeApp(options: EdgeAppOptions): ServiceApp {
  return createBaseApp(options, (app) => {
    app.use(options.handler);
  });
}
