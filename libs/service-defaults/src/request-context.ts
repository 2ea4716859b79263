import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeHandler } from './error-handler';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import type { Lifecycle } from './service-app';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** This request's id: the caller's X-Request-Id when well-formed, else a new one. */
      requestId: string;
      /** The route pattern that served the request, for metrics and logs (never the raw path). */
      route?: string;
      /** Why an edge refused the caller's credentials (`expired`, `revoked`, ...), for the log line. */
      rejection?: string;
    }
  }
}

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Adopts the caller's X-Request-Id when well-formed (or makes one) and echoes it, marks the
 * response with X-Served-By, and asks keep-alive clients to reconnect elsewhere while draining.
 */
export function requestContext(service: string, instanceId: string, lifecycle: Lifecycle): NodeHandler {
  const servedBy = `${service}/${instanceId}`;
  return (req, res, next) => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    // Express gives its responses a locals object; an edge's plain node response gets it here.
    if (res.locals) res.locals.requestId = id;
    else res.locals = { requestId: id };
    res.setHeader('X-Request-Id', id);
    res.setHeader('X-Served-By', servedBy);
    if (lifecycle.shuttingDown) res.setHeader('Connection', 'close');
    next();
  };
}

/** What express's router leaves on a request it matched (absent on an edge's catch-all handler). */
interface RoutedRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/** The route pattern that answered: express's matched route, else what the handler named (an edge's route prefix). */
export function routeOf(req: RoutedRequest, res: ServerResponse): string | undefined {
  return req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : res.locals.route;
}

/**
 * One metrics sample and one log line per request, when it finishes; never headers or bodies,
 * so no token or password can leak. With the log level above info, no log object is built.
 */
export function observeRequests(logger: Logger, metrics: ServiceMetrics | undefined): NodeHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Read now: routers rewrite req.url while a mounted router handles the request.
    const url = req.url;
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req, res);
      metrics?.observeRequest(req.method ?? 'GET', route, res.statusCode, seconds);
      if (!logger.isLevelEnabled('info')) return;
      logger.info(
        {
          requestId: res.locals.requestId,
          method: req.method,
          path: url?.split('?')[0],
          route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 100_000) / 100,
          userId: res.locals.principal?.userId,
          rejection: res.locals.rejection,
        },
        'request',
      );
    });
    next();
  };
}
