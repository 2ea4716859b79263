import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { createProxyMiddleware, debugProxyErrorsPlugin, proxyEventsPlugin, type RequestHandler } from 'http-proxy-middleware';
import { requestIdOf, type Logger } from '@jwt-msa/service-defaults';
import type { UpstreamPool } from '../routing/upstream-pool';

export interface UpstreamProxyOptions {
  pool: UpstreamPool;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Streams requests to one upstream service, spread over its replicas, on keep-alive connections
 * (idle sockets close well before the services' 65 s keep-alive timeout, so no reuse races).
 * Upstream failures become JSON 502/504 answers, never a hang.
 */
export function upstreamProxy({ pool, timeoutMs, logger }: UpstreamProxyOptions): RequestHandler<IncomingMessage, ServerResponse> {
  const startedAt = new WeakMap<IncomingMessage, number>();
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 30_000 });
  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    router: () => pool.pick(),
    target: 'http://upstream.invalid',
    agent,
    xfwd: true,
    proxyTimeout: timeoutMs,
    ejectPlugins: true,
    plugins: [debugProxyErrorsPlugin, proxyEventsPlugin],
    on: {
      proxyReq: (proxyReq, req) => {
        startedAt.set(req, Date.now());
        const id = requestIdOf(req);
        if (id) proxyReq.setHeader('x-request-id', id);
      },
      error: (error, req, res) => {
        // http-proxy reports its own proxyTimeout as a reset; the elapsed time tells them apart.
        const timedOut = Date.now() - (startedAt.get(req) ?? Date.now()) >= timeoutMs - 50;
        logger.warn({ upstream: pool.name, code: (error as NodeJS.ErrnoException).code, requestId: requestIdOf(req) }, 'upstream error');
        if (!('writeHead' in res) || res.headersSent) {
          res.destroy();
          return;
        }
        const status = timedOut ? 504 : 502;
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({
          error: timedOut ? 'upstream_timeout' : 'upstream_unavailable',
          message: timedOut ? `The ${pool.name} service did not answer in time` : `The ${pool.name} service is unavailable`,
        }));
      },
    },
  });
}
