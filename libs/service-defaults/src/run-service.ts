import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { flushLogs, type Logger } from './logger';
import type { ServiceApp } from './service-app';

/** Work a replica does while it serves (timers, followers, DNS refreshes). */
export interface Background {
  start(): void;
  stop(): void | Promise<void>;
}

export interface RunServiceOptions {
  service: ServiceApp;
  host: string;
  port: number;
  logger: Logger;
  shutdownGraceMs: number;
  /** An internal listener (e.g. the gateway's metrics), on its own port, stopped with the main one. */
  admin?: { app: Express; port: number };
  /** Started once listening; stopped first when shutting down. */
  background?: readonly Background[];
  /** Run after the server and the background work have stopped, e.g. closing the database pool. */
  onShutdown?: ReadonlyArray<() => Promise<void>>;
  /** Exit the process once shut down (default true; tests pass false). */
  exitOnShutdown?: boolean;
}

export interface RunningService {
  server: Server;
  port: number;
  url: string;
  adminUrl: string | undefined;
  shutdown(reason: string): Promise<void>;
}

/**
 * Listens, and shuts down gracefully on SIGTERM/SIGINT (or when a supervising parent process goes
 * away): stop accepting, let in-flight requests finish within the grace period, run the shutdown
 * hooks, exit 0.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const { service, logger } = options;
  const server = createServer(service.app);
  // Longer than any proxy's idle keep-alive, so the proxy closes idle sockets first (no reset races).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  server.on('clientError', answerClientError);

  const port = await listen(server, options.host, options.port);
  const url = urlOf(options.host, port);
  let adminServer: Server | undefined;
  let adminUrl: string | undefined;
  if (options.admin) {
    adminServer = createServer(options.admin.app);
    adminUrl = urlOf(options.host, await listen(adminServer, options.host, options.admin.port));
    logger.info({ url: adminUrl }, 'admin listener (internal)');
  }
  logger.info({ url }, 'listening');
  for (const work of options.background ?? []) work.start();
  // A supervisor that started this process over IPC (the local launcher) learns the ports it
  // bound: services listen on port 0, so no port is ever picked first and taken by another.
  process.send?.({ type: 'listening', port, adminPort: adminUrl ? Number(new URL(adminUrl).port) : undefined });

  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    shutdownPromise ??= (async () => {
      logger.info({ reason }, 'shutting down');
      service.lifecycle.beginShutdown();
      adminServer?.close();
      adminServer?.closeAllConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), options.shutdownGraceMs).unref(),
      );
      if ((await Promise.race([closed, grace])) === 'timeout') {
        logger.warn('grace period over, closing remaining connections');
        server.closeAllConnections();
      }
      for (const work of options.background ?? []) {
        await Promise.resolve()
          .then(() => work.stop())
          .catch((error: unknown) => logger.error({ err: error }, 'stopping background work failed'));
      }
      for (const hook of options.onShutdown ?? []) {
        await hook().catch((error: unknown) => logger.error({ err: error }, 'shutdown hook failed'));
      }
      logger.info('stopped');
      if (options.exitOnShutdown !== false) {
        flushLogs();
        process.exit(0);
      }
    })();
    return shutdownPromise;
  };

  if (options.exitOnShutdown !== false) {
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
    if (process.send) followSupervisor(shutdown, options.shutdownGraceMs);
  }
  return { server, port, url, adminUrl, shutdown };
}

/** How often a supervised service checks that its parent still lives. */
const PARENT_CHECK_MS = 1000;
/** After the grace period, how long the shutdown hooks may take before the process exits anyway. */
const HOOKS_GRACE_MS = 5000;

/**
 * Started by a supervisor over IPC (the local launcher): never outlive it. The channel's
 * 'disconnect' is the prompt signal; a changed parent pid (an orphan is re-parented to init or a
 * subreaper) is the backstop. A service that lost its parent drains as on SIGTERM, and exits
 * non-zero if the drain itself does not end in time: nobody is left to stop it.
 */
function followSupervisor(shutdown: (reason: string) => Promise<void>, shutdownGraceMs: number): void {
  const parent = process.ppid;
  let parentGone = false;
  const leave = (reason: string) => {
    if (parentGone) return;
    parentGone = true;
    clearInterval(watch);
    setTimeout(() => {
      flushLogs();
      process.exit(1);
    }, shutdownGraceMs + HOOKS_GRACE_MS).unref();
    void shutdown(reason);
  };
  const watch = setInterval(() => {
    if (process.ppid !== parent) leave('parent process gone');
  }, PARENT_CHECK_MS).unref();
  process.once('disconnect', () => leave('parent disconnected'));
}

/**
 * Node answers malformed requests (headers over its 16 KiB limit, bad syntax) before any
 * middleware runs; answer them in the same JSON shape, with the same security headers.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are too large']
      : [400, 'bad_request', 'The request is not valid HTTP'];
  const body = JSON.stringify({ error: code, message });
  socket.end(
    [
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'X-Content-Type-Options: nosniff',
      "Content-Security-Policy: default-src 'none'",
      'Cache-Control: no-store',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
