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
  /** The whole body of a request that may be replayed (read once, written to each attempt). */
  body?: Buffer;
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
/**
 * A refused connection means the request never left: replaying it cannot run it twice. Of the
 * other methods, only a POST whose client made it safe to retry (RFC draft-ietf-httpapi-
 * idempotency-key-header) is replayed, and only then: a reset may come after the replica acted.
 */
const NOTHING_SENT = 'ECONNREFUSED';
const isKeyedPost = (req: IncomingMessage) => req.method === 'POST' && req.headers['idempotency-key'] !== undefined;
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
 * replica, and so is a POST carrying an Idempotency-Key whose connection was refused (its body is
 * read first, within BODY_LIMIT, so it can be sent again); nothing else is ever replayed.
 * Failures become JSON 503/504, never a hang.
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
    let body: Buffer | undefined;
    if (isKeyedPost(req)) {
      body = await readWholeBody(req);
      // Cut off by the body limit or timeout (already answered), or the client went away.
      if (!body) return;
    }
    await this.send(req, res, replica, false, body);
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    replica: Replica,
    retried: boolean,
    body?: Buffer,
  ): Promise<void> {
    res.locals.upstreamAttempt = { replica, startedAt: Date.now(), retried, ...(body && { body }) };
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
        // The proxy pipes the request stream, which a replayable request has already given up:
        // its body goes in here, and the ended stream then only ends the upstream request.
        proxyReq: (proxyReq, _req, res) => {
          const body = res.locals.upstreamAttempt?.body;
          if (body) proxyReq.write(body);
        },
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
          const replayable =
            (IDEMPOTENT.has(req.method ?? '') && REPLICA_GONE.has(code)) || (isKeyedPost(req) && code === NOTHING_SENT);
          const replayOn = !timedOut && !attempt.retried && replayable ? this.pool.pick([attempt.replica]) : undefined;
          if (replayOn) {
            void this.send(req, res, replayOn, true, attempt.body);
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

/** The request's body in full, or undefined if the request ended early (cut off or aborted). */
function readWholeBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('close', () => resolve(req.complete ? Buffer.concat(chunks) : undefined));
  });
}
