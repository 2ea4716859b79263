import type { Express } from 'express';
import { databaseFromConfig, runMigrations, type Database } from '@jwt-msa/db';
import { createAdminApp, createUpstreams, edgeHandler, PUBLIC_ROUTES, type Upstreams } from '@jwt-msa/edge';
import {
  createEdgeApp,
  type Background,
  type Logger,
  type ServiceApp,
  type ServiceDefinition,
} from '@jwt-msa/service-defaults';
import { allowedOriginsOf, loadSessionGatewayConfig, peersOf, type SessionGatewayConfig } from './config';
import { CredentialsClient } from './data-access/credentials-client';
import { MemorySessionStore } from './data-access/memory-session-store';
import { sessionMigrations } from './data-access/migrations';
import { PostgresSessionStore } from './data-access/postgres-session-store';
import { ReplicatedSessionStore } from './data-access/replicated-session-store';
import type { SessionLifetimes } from './domain/session';
import type { SessionStore } from './domain/session-store';
import { Sessions } from './domain/sessions';
import { SessionGatewayMetrics } from './metrics';
import { originCheck } from './routes/origin-check';
import { createReplicationApp, ReplicationListener } from './routes/replication-app';
import { readSessionCookie } from './routes/session-cookie';
import { sessionRoutes } from './routes/session-routes';
import { sessionAuthenticator } from './session-authenticator';

/**
 * The JWT gateway's route table without the issuer's routes: this edge logs people in itself
 * (POST /session/login), so neither /auth/* nor the JWKS is served here.
 */
export const SESSION_GATEWAY_ROUTES = PUBLIC_ROUTES.filter((rule) => rule.upstream !== 'auth');

export const COUNTER_EXAMPLE_BANNER =
  'session gateway: the COUNTER-EXAMPLE (cookie + server-side session store), built to be measured against the JWT gateway';

export interface SessionGatewayApp {
  service: ServiceApp;
  /** Internal: /metrics and /replicas. */
  adminApp: Express;
  upstreams: Upstreams;
  metrics: SessionGatewayMetrics;
  store: SessionStore;
  sessions: Sessions;
  background: Background[];
  /** The session table's pool (postgres store only). */
  db: Database | undefined;
  /** The internal listener for the peers' copies (replicated store only). */
  replication: ReplicationListener | undefined;
}

export interface SessionGatewayOptions {
  /** The clock lifetimes are measured with (tests move it). */
  now?: () => number;
}

function lifetimesOf(config: SessionGatewayConfig): SessionLifetimes {
  return { idleMs: config.sessionIdleSeconds * 1000, absoluteMs: config.sessionAbsoluteSeconds * 1000 };
}

/** A timer that drops expired sessions, so they do not wait for a lookup or the bound. */
function pruning(prune: () => Promise<unknown> | unknown, logger: Logger, everyMs: number): Background {
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer = setInterval(() => {
        Promise.resolve()
          .then(prune)
          .catch((error: Error) => logger.warn({ err: error.message }, 'pruning expired sessions failed'));
      }, everyMs).unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Wires the session gateway; no I/O here (migrations run in build). */
export function createSessionGatewayApp(
  config: SessionGatewayConfig,
  logger: Logger,
  { now = Date.now }: SessionGatewayOptions = {},
): SessionGatewayApp {
  const metrics = new SessionGatewayMetrics(config.instanceId, config.sessionStore);
  const upstreams = createUpstreams(config, { logger, metrics });
  const lifetimes = lifetimesOf(config);
  const pruneEveryMs = Math.min(60_000, lifetimes.idleMs);
  let store: SessionStore;
  let db: Database | undefined;
  let replication: ReplicationListener | undefined;
  const background: Background[] = [...Object.values(upstreams.pools)];
  const readiness: Record<string, () => Promise<void>> = {};
  if (config.sessionStore === 'postgres') {
    const database = databaseFromConfig(config, `session-gateway:${config.instanceId}`, metrics.countQuery);
    const postgres = new PostgresSessionStore(database, lifetimes);
    readiness['sessionStore'] = () => database.ping();
    background.push(pruning(() => postgres.prune(now()), logger, pruneEveryMs));
    store = postgres;
    db = database;
  } else {
    const memory = new MemorySessionStore(lifetimes, config.sessionMemoryMaxSessions);
    background.push(pruning(() => memory.prune(now()), logger, pruneEveryMs));
    store = memory;
    if (config.sessionStore === 'replicated') {
      const secret = config.sessionReplicationSecret;
      const replicated = new ReplicatedSessionStore(memory, peersOf(config), secret, {
        now,
        logger,
        onCopy: metrics.countCopy,
      });
      replication = new ReplicationListener(
        createReplicationApp(replicated, secret, { now, logger }),
        config.host,
        config.sessionReplicationPort,
        logger,
      );
      background.push(replication);
      store = replicated;
    }
  }
  const sessions = new Sessions(store, now, metrics.countLookup, metrics.countLogin);
  const cookie = { secure: config.sessionCookieSecure, maxAgeSeconds: config.sessionAbsoluteSeconds };
  const authPool = upstreams.pools.auth;
  if (!authPool) throw new Error('The session gateway needs AUTH_SERVICE_URLS: its logins go through the issuer');
  const credentials = new CredentialsClient(authPool, config.credentialsCheckSecret, config.upstreamTimeoutMs);
  const checkOrigin = originCheck({ allowed: allowedOriginsOf(config), secure: config.sessionCookieSecure });
  const session = sessionRoutes(sessions, credentials, cookie);
  const edge = edgeHandler({
    routes: SESSION_GATEWAY_ROUTES,
    authenticator: sessionAuthenticator(sessions),
    upstreams: upstreams.proxies,
  });
  const service = createEdgeApp({
    service: 'session-gateway',
    instanceId: config.instanceId,
    logger,
    metrics,
    readiness,
    bodyLimits: { limitBytes: config.bodyLimitBytes, timeoutMs: config.bodyTimeoutMs },
    handler: async (req, res) => {
      checkOrigin(req);
      readSessionCookie(req, res);
      if (await session(req, res)) return;
      await edge(req, res);
    },
  });
  return {
    service,
    adminApp: createAdminApp(metrics, upstreams.pools),
    upstreams,
    metrics,
    store,
    sessions,
    background,
    db,
    replication,
  };
}

export const sessionGatewayService: ServiceDefinition<SessionGatewayConfig> = {
  name: 'session-gateway',
  loadConfig: loadSessionGatewayConfig,
  async build(config, logger) {
    const gateway = createSessionGatewayApp(config, logger);
    logger.warn({ store: config.sessionStore }, COUNTER_EXAMPLE_BANNER);
    if (gateway.db) await runMigrations(gateway.db, sessionMigrations);
    return {
      service: gateway.service,
      admin: { app: gateway.adminApp, port: config.adminPort },
      background: gateway.background,
      onShutdown: gateway.db ? [() => gateway.db!.close()] : [],
    };
  },
};
