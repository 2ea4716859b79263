import type { Express } from 'express';
import { createAdminApp, createUpstreams, edgeHandler, PUBLIC_ROUTES, type Upstreams } from '@jwt-msa/edge';
import { createEdgeApp, type Logger, type ServiceApp, type ServiceDefinition } from '@jwt-msa/service-defaults';
import { createTokenVerifier, type TokenVerification } from '@jwt-msa/token-verifier';
import { loadGatewayConfig, type GatewayConfig } from './config';
import { GatewayMetrics } from './metrics';
import { RevocationGuard } from './revocation-guard';
import { tokenAuthenticator } from './token-authenticator';

export interface GatewayApp {
  service: ServiceApp;
  /** Internal: /metrics and /replicas. */
  adminApp: Express;
  verification: TokenVerification;
  upstreams: Upstreams;
  metrics: GatewayMetrics;
  revocations: RevocationGuard;
}

/** Wires the gateway; no I/O here (the pools resolve and the keys load once it runs). */
export function createGatewayApp(config: GatewayConfig, logger: Logger): GatewayApp {
  const metrics = new GatewayMetrics(config.instanceId);
  const verification = createTokenVerifier(config, {
    defaultJwksUrls: config.authServiceUrls.map((url) => `${url}/.well-known/jwks.json`),
    onJwksFetch: metrics.countJwksFetch,
    onKeysRemoved: (kids) =>
      logger.info({ kids }, 'signing keys withdrawn by the issuer; verified-token cache cleared'),
  });
  metrics.observeCache(verification.cache);
  const revocations = new RevocationGuard({
    issuerUrls: config.authServiceUrls,
    secret: config.revocationFeedSecret,
    failMode: config.revocationFailMode,
    maxStalenessMs: config.revocationMaxStalenessSeconds * 1000,
    waitMs: config.revocationFeedWaitMs,
    resyncMs: config.revocationResyncSeconds * 1000,
    logger,
    onPage: metrics.observeRevocationPage,
  });
  metrics.observeRevocations(revocations);
  const upstreams = createUpstreams(config, { logger, metrics });

  let keysLoaded = false;
  const service = createEdgeApp({
    service: 'gateway',
    instanceId: config.instanceId,
    logger,
    metrics,
    bodyLimits: { limitBytes: config.bodyLimitBytes, timeoutMs: config.bodyTimeoutMs },
    readiness: {
      // The gateway is ready when it can verify tokens; its upstreams' health is their own.
      jwks: async () => {
        if (keysLoaded) return;
        await verification.keys.preload();
        keysLoaded = true;
      },
      revocations: revocations.readiness,
    },
    handler: edgeHandler({
      routes: PUBLIC_ROUTES,
      authenticator: tokenAuthenticator(verification.verifier, revocations, metrics.countVerification),
      upstreams: upstreams.proxies,
    }),
  });
  return {
    service,
    adminApp: createAdminApp(metrics, upstreams.pools),
    verification,
    upstreams,
    metrics,
    revocations,
  };
}

export const gatewayService: ServiceDefinition<GatewayConfig> = {
  name: 'gateway',
  loadConfig: loadGatewayConfig,
  async build(config, logger) {
    const gateway = createGatewayApp(config, logger);
    // Warm the key cache; if the issuer is not up yet, the first token with this kid fetches it.
    gateway.verification.keys.preload().then(
      (count) => logger.info({ keys: count }, 'JWKS loaded'),
      (error: Error) => logger.warn({ err: error.message }, 'JWKS not available yet'),
    );
    return {
      service: gateway.service,
      admin: { app: gateway.adminApp, port: config.adminPort },
      background: [...Object.values(gateway.upstreams.pools), gateway.revocations],
    };
  },
};
