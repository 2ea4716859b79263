import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { findPrincipal } from '@jwt-msa/claims';
import type { Logger } from './logger';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

const requestIds = new WeakMap<object, string>();

/** The request id set by the gateway (or made here), to pass along on calls to other services. */
export function requestIdOf(req: object): string | undefined {
  return requestIds.get(req);
}

/** Adopts the caller's X-Request-Id when well-formed, or makes one; echoes it on the response. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  requestIds.set(req, id);
  res.setHeader('X-Request-Id', id);
  next();
};

export function servedBy(service: string, instanceId: string): RequestHandler {
  const value = `${service}/${instanceId}`;
  return (_req, res, next) => {
    res.setHeader('X-Served-By', value);
    next();
  };
}

/** One log line per request; never headers or bodies, so no token or password can leak. */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined;
      logger.info(
        {
          requestId: requestIdOf(req),
          method: req.method,
          path: req.originalUrl.split('?')[0],
          route,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 100) / 100,
          userId: findPrincipal(req)?.userId,
        },
        'request',
      );
    });
    next();
  };
}
