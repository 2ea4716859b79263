import type { Express, Request } from 'express';
import { NotFoundError, ValidationError } from '@jwt-msa/http-errors';
import { createServiceApp, type Logger } from '@jwt-msa/service-defaults';
import { AccessTokenVerifier, JwksKeyStore } from '@jwt-msa/token-verifier';
import { accessControl } from './auth/access-control';
import type { GatewayConfig } from './config';
import { upstreamProxy } from './proxy/upstream-proxy';
import { isAmbiguousPath, matchRoute, ROUTE_TABLE, type RouteRule, type UpstreamName } from './routing/route-table';
import { UpstreamPool } from './routing/upstream-pool';

export interface GatewayApp {
  app: Express;
  keys: JwksKeyStore;
}

export function createGatewayApp(config: GatewayConfig, logger: Logger): GatewayApp {
  const keys = new JwksKeyStore({
    jwksUris: config.jwksUrls,
    cacheMaxAgeMs: config.jwksCacheMaxAgeSeconds * 1000,
    staleFallbackMs: config.jwksStaleFallbackSeconds * 1000,
    refetchesPerMinute: config.jwksRefetchesPerMinute,
    timeoutMs: config.jwksTimeoutMs,
  });
  const verifier = new AccessTokenVerifier({ issuer: config.issuer, audience: config.audience, clockToleranceSeconds: config.clockToleranceSeconds, keys });

  const replicas: Record<UpstreamName, string[]> = {
    auth: config.authServiceUrls,
    catalog: config.catalogServiceUrls,
    orders: config.ordersServiceUrls,
    profile: config.profileServiceUrls,
  };
  const proxies = Object.fromEntries(Object.entries(replicas).map(([name, urls]) =>
    [name, upstreamProxy({ pool: new UpstreamPool(name, urls), timeoutMs: config.upstreamTimeoutMs, logger })]));

  const rules = new WeakMap<Request, RouteRule>();
  let keysLoaded = false;

  const app = createServiceApp({
    service: 'gateway',
    instanceId: config.instanceId,
    logger,
    bodyLimit: config.bodyLimit,
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
      router.use((req, _res, next) => {
        if (isAmbiguousPath(req.path)) throw new ValidationError('The request path is not in canonical form');
        const rule = matchRoute(ROUTE_TABLE, req.method, req.path);
        if (!rule) throw new NotFoundError(`No route for ${req.method} ${req.path}`);
        rules.set(req, rule);
        next();
      });
      router.use(accessControl({ verifier, ruleOf: (req) => rules.get(req)! }));
      router.use((req, res, next) => proxies[rules.get(req)!.upstream]!(req, res, next));
    },
  });
  return { app, keys };
}
