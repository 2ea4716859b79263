import type { Express, Request } from 'express';
import { NotFoundError, ValidationError } from '@jwt-msa/http-errors';
import { createServiceApp, type Logger } from '@jwt-msa/service-defaults';
import { AccessTokenVerifier, JwksKeyStore, VerifiedTokenCache } from '@jwt-msa/token-verifier';
import { createAdminApp } from './admin-app';
import { accessControl } from './auth/access-control';
import type { GatewayConfig } from './config';
import { GatewayMetrics } from './metrics';
import { upstreamProxy } from './proxy/upstream-proxy';
import { isAmbiguousPath, matchRoute, ROUTE_TABLE, type RouteRule, type UpstreamName } from './routing/route-table';
import { UpstreamPool } from './routing/upstream-pool';

export interface GatewayApp {
  app: Express;
  /** Internal: /metrics and /replicas. */
  adminApp: Express;
  keys: JwksKeyStore;
  pools: Record<UpstreamName, UpstreamPool>;
  metrics: GatewayMetrics;
}

export function createGatewayApp(config: GatewayConfig, logger: Logger): GatewayApp {
  const cache = new VerifiedTokenCache({
    maxEntries: config.verifiedTokenCacheMaxEntries,
    maxBytes: config.verifiedTokenCacheMaxMb * 1024 * 1024,
  });
  const metrics = new GatewayMetrics(config.instanceId, cache);
  const keys = new JwksKeyStore({
    jwksUris: config.jwksUrls,
    cacheMaxAgeMs: config.jwksCacheMaxAgeSeconds * 1000,
    staleFallbackMs: config.jwksStaleFallbackSeconds * 1000,
    refetchesPerMinute: config.jwksRefetchesPerMinute,
    timeoutMs: config.jwksTimeoutMs,
    onFetch: metrics.countJwksFetch,
    // A token signed by a key the issuer withdrew must not keep passing from the cache.
    onKeysRemoved: (kids) => {
      cache.clear();
      logger.info({ kids }, 'signing keys withdrawn by the issuer; verified-token cache cleared');
    },
  });
  const verifier = new AccessTokenVerifier({
    issuer: config.issuer,
    audience: config.audience,
    clockToleranceSeconds: config.clockToleranceSeconds,
    keys,
    cache,
  });

  const replicaUrls: Record<UpstreamName, string[]> = {
    auth: config.authServiceUrls,
    catalog: config.catalogServiceUrls,
    orders: config.ordersServiceUrls,
    profile: config.profileServiceUrls,
  };
  const poolOptions = { refreshMs: config.upstreamDnsRefreshMs, ejectMs: config.upstreamEjectMs };
  const pools = Object.fromEntries(
    Object.entries(replicaUrls).map(([name, urls]) => [name, new UpstreamPool(name, urls, poolOptions)]),
  ) as Record<UpstreamName, UpstreamPool>;
  const proxies = Object.fromEntries(
    Object.entries(pools).map(([name, pool]) => [
      name,
      upstreamProxy({ pool, timeoutMs: config.upstreamTimeoutMs, logger, onOutcome: metrics.countUpstream }),
    ]),
  );

  const rules = new WeakMap<Request, RouteRule>();
  let keysLoaded = false;

  const app = createServiceApp({
    service: 'gateway',
    instanceId: config.instanceId,
    logger,
    bodyLimit: config.bodyLimit,
    metrics,
    exposeMetrics: false,
    parseJsonBodies: false,
    trustIdentityHeaders: false,
    readiness: {
      // The gateway is ready when it can verify tokens; its upstreams' health is their own.
      jwks: async () => {
        if (keysLoaded) return;
        await keys.preload();
        keysLoaded = true;
      },
    },
    routes: (router) => {
      router.use((req, res, next) => {
        if (isAmbiguousPath(req.path)) throw new ValidationError('The request path is not in canonical form');
        const rule = matchRoute(ROUTE_TABLE, req.method, req.path);
        if (!rule) throw new NotFoundError(`No route for ${req.method} ${req.path}`);
        rules.set(req, rule);
        res.locals['metricsRoute'] = rule.prefix;
        next();
      });
      router.use(accessControl({ verifier, ruleOf: (req) => rules.get(req)!, onOutcome: metrics.countVerification }));
      router.use((req, res, next) => proxies[rules.get(req)!.upstream]!(req, res, next));
    },
  });
  return { app, adminApp: createAdminApp(metrics, pools), keys, pools, metrics };
}
