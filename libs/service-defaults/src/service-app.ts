import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { attachPrincipal } from '@jwt-msa/claims';
import { HttpError } from '@jwt-msa/http-errors';
import { limitRequestBody, type BodyLimits } from './body-limit';
import { errorHandler, notFound, type NodeErrorHandler, type NodeHandler } from './error-handler';
import { healthRoutes, type ReadinessCheck } from './health';
import { assertJsonShape } from './json-shape';
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

/** An app (what node's server calls per request; supertest takes it too) and the lifecycle runService drives it with. */
export interface ServiceApp {
  readonly app: RequestListener;
  readonly lifecycle: Lifecycle;
  /** An edge's replica name, for the answers Node gives before any middleware runs (431, 400). */
  readonly edgeInstance?: string;
}

export interface BaseAppOptions {
  service: string;
  instanceId: string;
  logger: Logger;
  /** Request metrics; pass the same instance to the Database for query counts. */
  metrics?: ServiceMetrics;
  readiness?: Record<string, ReadinessCheck>;
  /** Every request body, counted while it streams (413) and timed (408). */
  bodyLimits: BodyLimits;
}

/** Something the base middlewares can be mounted on: an express app or a bare express router. */
interface MountPoint {
  use(...handlers: (NodeHandler | NodeErrorHandler | RequestHandler | Router)[]): unknown;
}

/**
 * What every service answers with, in order: security headers, a request id, X-Served-By,
 * `Connection: close` while draining, the body limit, /healthz and /readyz, one metrics sample and
 * one log line per request, then the preset's handlers, a JSON 404 and the one error handler.
 */
function mountBase<T extends MountPoint>(
  target: T,
  options: BaseAppOptions & { isEdge?: boolean },
  lifecycle: Lifecycle,
  mount: (target: T) => void,
): void {
  target.use(helmet());
  target.use(requestContext(options.service, options.instanceId, lifecycle, { isEdge: options.isEdge ?? false }));
  target.use(limitRequestBody(options.bodyLimits));
  target.use(healthRoutes(options.readiness ?? {}, lifecycle, options.instanceId));
  target.use(observeRequests(options.logger, options.metrics));
  mount(target);
  target.use(notFound);
  target.use(errorHandler(options.logger));
}

export interface DomainServiceAppOptions extends BaseAppOptions {
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

/** An express app with the base, `/metrics`, JSON bodies within the limit and a bounded shape, then `mount`. */
function createJsonServiceApp(options: BaseAppOptions, mount: (app: express.Express) => void): ServiceApp {
  const app = express();
  const lifecycle = new Lifecycle();
  app.disable('x-powered-by');
  app.set('etag', false);
  mountBase(app, options, lifecycle, (app) => {
    if (options.metrics) app.get('/metrics', options.metrics.handler);
    app.use(requireJsonBody);
    app.use(
      express.json({
        // Decompressed bodies (Content-Encoding: gzip) are held to the same limit.
        limit: options.bodyLimits.limitBytes,
        strict: true,
        verify: (_req, _res, body) => assertJsonShape(body),
      }),
    );
    mount(app);
  });
  return { app, lifecycle };
}

/**
 * A domain service (auth, catalog, orders, profile): the base, `/metrics`, JSON bodies within the
 * size limit and a bounded shape (depth, keys), the caller's identity, the service's routes.
 */
export function createDomainServiceApp(options: DomainServiceAppOptions): ServiceApp {
  return createJsonServiceApp(options, (app) => {
    app.use(options.identity ?? attachPrincipal);
    app.use(options.routes);
  });
}

export interface StaticServiceAppOptions extends BaseAppOptions {
  routes: Router;
}

/**
 * A static service (the console): the domain preset without a caller identity: everything it
 * serves is public, and it never acts for a user.
 */
export function createStaticServiceApp(options: StaticServiceAppOptions): ServiceApp {
  return createJsonServiceApp(options, (app) => {
    app.use(options.routes);
  });
}

export interface EdgeAppOptions extends BaseAppOptions {
  /** The edge's whole public surface: resolve the route, authorize, forward. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * An edge (the gateway): the base and one handler; every response names the edge replica
 * (X-Gateway-Instance). It runs on an express Router called directly by node's server, without
 * an express app. An app swaps the prototypes of node's request and response for
 * its own on every request, and that swap alone slowed every later step of the proxying (measured:
 * the app layer was more than half of the gateway's CPU per request; docs/benchmark.md). So the
 * edge's path uses node's own API only. Bodies stream through untouched, and the metrics stay off
 * this public port (the edge serves them on its internal admin listener).
 */
export function createEdgeApp(options: EdgeAppOptions): ServiceApp {
  const router = Router();
  const lifecycle = new Lifecycle();
  const handler = options.handler;
  mountBase(router, { ...options, isEdge: true }, lifecycle, (router) => {
    router.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
      handler(req, res).catch(next);
    });
  });
  // The router package runs on node's objects (its documented use); express's types say otherwise.
  const app: RequestListener = (req, res) =>
    router(req as express.Request, res as express.Response, (error?: unknown) => {
      // Reached only when the error handler passed an error on (the answer had already begun).
      if (error) res.destroy();
    });
  return { app, lifecycle, edgeInstance: options.instanceId };
}
