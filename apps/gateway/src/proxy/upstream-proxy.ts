import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware, debugProxyErrorsPlugin, proxyEventsPlugin } from 'http-proxy-middleware';
import { DependencyError } from '@jwt-msa/http-errors';
import { requestIdOf, type Logger } from '@jwt-msa/service-defaults';
import type { Endpoint, UpstreamPool } from '../routing/upstream-pool';

export type UpstreamOutcome = 'ok' | 'retried' | 'unavailable' | 'timeout';

export interface UpstreamProxyOptions {
  pool: UpstreamPool;
  timeoutMs: number;
  logger: Logger;
  onOutcome?: (upstream: string, endpoint: string, outcome: UpstreamOutcome) => void;
}

/** Replaying these cannot change anything on the server. */
const IDEMPOTENT = new Set(['GET', 'HEAD']);
/** Failures that mean "this replica is gone", as opposed to "this request is slow". */
const REPLICA_GONE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

interface Attempt {
  endpoint: Endpoint;
  startedAt: number;
  retried: boolean;
}

/**
 * Streams requests to one upstream over its replicas on keep-alive connections (idle sockets close
 * well before the services' 65 s keep-alive timeout, so no reuse races). A replica that refuses or
 * resets a connection is ejected for a while; a GET/HEAD that hit it is replayed once on another
 * replica; other methods are never replayed. Failures become JSON 503/504, never a hang.
 */
export function upstreamProxy({ pool, timeoutMs, logger, onOutcome }: UpstreamProxyOptions): RequestHandler {
  const attempts = new WeakMap<IncomingMessage, Attempt>();
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 30_000 });

  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    router: (req) => attempts.get(req)!.endpoint.url,
    target: 'http://upstream.invalid',
    agent,
    xfwd: true,
    proxyTimeout: timeoutMs,
    ejectPlugins: true,
    plugins: [debugProxyErrorsPlugin, proxyEventsPlugin],
    on: {
      proxyReq: (proxyReq, req) => {
        const id = requestIdOf(req);
        if (id) proxyReq.setHeader('x-request-id', id);
      },
      proxyRes: (_proxyRes, req) => {
        const attempt = attempts.get(req);
        if (attempt) onOutcome?.(pool.name, attempt.endpoint.url, attempt.retried ? 'retried' : 'ok');
      },
      error: (error, req, res) => {
        const attempt = attempts.get(req)!;
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
        // http-proxy reports its own proxyTimeout as a reset; the elapsed time tells them apart.
        const timedOut = Date.now() - attempt.startedAt >= timeoutMs - 50;
        const response = res as ServerResponse;
        logger.warn(
          { upstream: pool.name, endpoint: attempt.endpoint.url, code, timedOut, requestId: requestIdOf(req) },
          'upstream error',
        );
        if (!timedOut && REPLICA_GONE.has(code)) pool.eject(attempt.endpoint);
        if (!('writeHead' in response) || response.headersSent) {
          response.destroy?.();
          return;
        }
        const retryOn =
          !timedOut && !attempt.retried && IDEMPOTENT.has(req.method ?? '') && REPLICA_GONE.has(code)
            ? pool.pick(attempt.endpoint)
            : undefined;
        if (retryOn) {
          attempts.set(req, { endpoint: retryOn, startedAt: Date.now(), retried: true });
          void proxy(req, response);
          return;
        }
        onOutcome?.(pool.name, attempt.endpoint.url, timedOut ? 'timeout' : 'unavailable');
        response.writeHead(timedOut ? 504 : 503, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
        });
        response.end(
          JSON.stringify({
            error: timedOut ? 'upstream_timeout' : 'upstream_unavailable',
            message: timedOut
              ? `The ${pool.name} service did not answer in time`
              : `The ${pool.name} service is unavailable`,
          }),
        );
      },
    },
  });

  return async (req: Request, res: Response, next: NextFunction) => {
    if (!pool.isReady) await pool.ready();
    const endpoint = pool.pick();
    if (!endpoint) throw new DependencyError(`The ${pool.name} service has no replicas`, 503, 'upstream_unavailable');
    attempts.set(req, { endpoint, startedAt: Date.now(), retried: false });
    await proxy(req, res, next);
  };
}
