import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createProxyMiddleware, debugProxyErrorsPlugin, proxyEventsPlugin, type Plugin } from 'http-proxy-middleware';
import { DependencyError } from '@jwt-msa/http-errors';
import type { Logger } from '@jwt-msa/service-defaults';
import type { Replica, UpstreamPool } from '@jwt-msa/upstreams';

export type UpstreamOutcome = 'ok' | 'retried' | 'unavailable' | 'timeout';

export interface UpstreamProxyOptions {
  timeoutMs: number;
  logger: Logger;
  onOutcome?: (upstream: string, replica: string, outcome: UpstreamOutcome) => void;
}

/** The replica one request is being sent to, for the proxy's own callbacks. */
interface UpstreamAttempt {
  replica: Replica;
  startedAt: number;
  retried: boolean;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      upstreamAttempt?: UpstreamAttempt;
    }
  }
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

type ProxyMiddleware = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** http-proxy-middleware's own plugins minus its per-request console logger: error guards and the `on` handlers. */
const PLUGINS: Plugin[] = [debugProxyErrorsPlugin, proxyEventsPlugin];

/**
 * Streams requests to one upstream over its replicas on keep-alive connections (idle sockets close
 * well before the services' 65 s keep-alive timeout, so no reuse races). A replica that refuses or
 * resets a connection is ejected for a while; a GET/HEAD that hit it is replayed once on another
 * replica; other methods are never replayed. Failures become JSON 503/504, never a hang.
 */
export class UpstreamProxy {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 30_000 });
  /** One proxy per replica address, its target fixed: no per-request routing inside the proxy. */
  private readonly proxies = new Map<string, ProxyMiddleware>();

  constructor(
    readonly pool: UpstreamPool,
    private readonly options: UpstreamProxyOptions,
  ) {}

  async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.pool.isReady) await this.pool.ready();
    const replica = this.pool.pick();
    if (!replica) {
      throw new DependencyError(`The ${this.pool.name} service has no replicas`, 503, 'upstream_unavailable');
    }
    await this.send(req, res, replica, false);
  }

  private send(req: IncomingMessage, res: ServerResponse, replica: Replica, retried: boolean): Promise<void> {
    res.locals.upstreamAttempt = { replica, startedAt: Date.now(), retried };
    let proxy = this.proxies.get(replica.url);
    if (!proxy) {
      proxy = this.proxyTo(replica);
      this.proxies.set(replica.url, proxy);
    }
    return proxy(req, res);
  }

  private proxyTo(replica: Replica): ProxyMiddleware {
    const { timeoutMs, logger, onOutcome } = this.options;
    const upstream = this.pool.name;
    const middleware = createProxyMiddleware({
      target: replica.url,
      agent: this.agent,
      xfwd: true,
      proxyTimeout: timeoutMs,
      ejectPlugins: true,
      plugins: PLUGINS,
      on: {
        proxyRes: (_proxyRes, _req, res) => {
          const attempt = res.locals.upstreamAttempt;
          if (attempt) onOutcome?.(upstream, attempt.replica.url, attempt.retried ? 'retried' : 'ok');
        },
        error: (error, req, res: ServerResponse | Socket) => {
          if (!('locals' in res)) {
            res.destroy();
            return;
          }
          const attempt = res.locals.upstreamAttempt ?? { replica, startedAt: Date.now(), retried: false };
          const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
          // http-proxy reports its own proxyTimeout as a reset; the elapsed time tells them apart.
          const timedOut = Date.now() - attempt.startedAt >= timeoutMs - 50;
          logger.warn(
            { upstream, replica: attempt.replica.url, code, timedOut, requestId: res.locals.requestId },
            'upstream error',
          );
          if (!timedOut && REPLICA_GONE.has(code)) this.pool.eject(attempt.replica);
          if (res.headersSent) {
            (res as ServerResponse).destroy();
            return;
          }
          const replayOn =
            !timedOut && !attempt.retried && IDEMPOTENT.has(req.method ?? '') && REPLICA_GONE.has(code)
              ? this.pool.pick([attempt.replica])
              : undefined;
          if (replayOn) {
            void this.send(req, res, replayOn, true);
            return;
          }
          onOutcome?.(upstream, attempt.replica.url, timedOut ? 'timeout' : 'unavailable');
          res.writeHead(timedOut ? 504 : 503, {
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
          });
          res.end(
            JSON.stringify({
              error: timedOut ? 'upstream_timeout' : 'upstream_unavailable',
              message: timedOut
                ? `The ${upstream} service did not answer in time`
                : `The ${upstream} service is unavailable`,
            }),
          );
        },
      },
    });
    return (req, res) =>
      middleware(req, res, (error?: unknown) => {
        if (error) throw error;
      });
  }
}
