/**
 * BENCH-ONLY CODE, NOT PART OF THE PRODUCT. The comparison the README's claims table makes (claims 4 and 5): a gateway that
 * authenticates by looking an opaque session id up in a store on every request. Built to be as
 * fair to the session store as possible:
 *
 * - the same framework stack as the real gateway (createEdgeApp: helmet, request id, metrics,
 *   request log, error handler; the same http-proxy-middleware with the same keep-alive agent);
 * - a real PostgreSQL, a primary-key index on the session id, a warm pg pool, a named prepared
 *   statement, a read-only lookup (no sliding-expiry write, which real session stores often add).
 */
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { createProxyMiddleware, debugProxyErrorsPlugin, proxyEventsPlugin } from 'http-proxy-middleware';
import { Pool } from 'pg';
import { IDENTITY_HEADERS, stripIdentityHeaders } from '@jwt-msa/claims';
import { UnauthorizedError } from '@jwt-msa/http-errors';
import { createEdgeApp, createLogger, runService, ServiceMetrics } from '@jwt-msa/service-defaults';
import { envOrThrow, reportToParent } from './child-role';

export const SESSION_TABLE_DDL = `
  CREATE TABLE IF NOT EXISTS sessions (
    id          text PRIMARY KEY,
    user_id     text NOT NULL,
    username    text NOT NULL,
    roles       text[] NOT NULL,
    expires_at  timestamptz NOT NULL
  )`;

const LOOKUP = {
  name: 'session-lookup',
  text: 'SELECT user_id, username, roles FROM sessions WHERE id = $1 AND expires_at > now()',
};
const SESSION_HEADER = /^Session +([A-Za-z0-9_-]{16,128}) *$/;

interface SessionRow {
  user_id: string;
  username: string;
  roles: string[];
}

export async function runSessionStoreGateway(): Promise<void> {
  const databaseUrl = envOrThrow('DATABASE_URL');
  const upstreamUrl = envOrThrow('UPSTREAM_URL');
  const poolSize = Number(process.env['SESSION_POOL_SIZE'] ?? 10);
  const logger = createLogger('session-gateway', 'bench', process.env['LOG_LEVEL'] ?? 'warn');
  const db = new Pool({ connectionString: databaseUrl, max: poolSize, idleTimeoutMillis: 0 });
  db.on('error', (error) => logger.warn({ err: error.message }, 'idle pg client error'));

  // Warm: open every connection and prepare the statement on each.
  const clients = await Promise.all(Array.from({ length: poolSize }, () => db.connect()));
  await Promise.all(clients.map((client) => client.query({ ...LOOKUP, values: ['warm-up-no-such-session'] })));
  clients.forEach((client) => client.release());

  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 30_000 });
  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: upstreamUrl,
    agent,
    xfwd: true,
    proxyTimeout: 10_000,
    ejectPlugins: true,
    plugins: [debugProxyErrorsPlugin, proxyEventsPlugin],
    on: {
      error: (_error, _req, res) => {
        const response = res as ServerResponse;
        if ('writeHead' in response && !response.headersSent)
          response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"upstream_unavailable"}');
        else response.destroy?.();
      },
    },
  });

  const service = createEdgeApp({
    service: 'session-gateway',
    instanceId: 'bench',
    logger,
    metrics: new ServiceMetrics('session-gateway', 'bench'),
    // The real gateway's defaults (BODY_LIMIT, BODY_TIMEOUT_MS), so both pay the same per request.
    bodyLimits: { limitBytes: 16 * 1024, timeoutMs: 10_000 },
    handler: async (req, res) => {
      stripIdentityHeaders(req.headers);
      const sessionId = SESSION_HEADER.exec(req.headers.authorization ?? '')?.[1];
      if (!sessionId) throw new UnauthorizedError('Missing session');
      const { rows } = await db.query<SessionRow>({ ...LOOKUP, values: [sessionId] });
      const session = rows[0];
      if (!session) throw new UnauthorizedError('Unknown or expired session');
      req.headers[IDENTITY_HEADERS.userId] = session.user_id;
      req.headers[IDENTITY_HEADERS.username] = session.username;
      req.headers[IDENTITY_HEADERS.roles] = session.roles.join(',');
      req.headers['x-request-id'] = res.locals.requestId;
      res.locals.route = '/api';
      await proxy(req, res, (error?: unknown) => {
        if (error) throw error;
      });
    },
  });

  const running = await runService({
    service,
    host: '127.0.0.1',
    port: 0,
    logger,
    shutdownGraceMs: 2000,
    onShutdown: [() => db.end()],
  });
  reportToParent({ type: 'ready', port: running.port });
}
