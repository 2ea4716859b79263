import { createLogger, runService, startService } from '@jwt-msa/service-defaults';
import { createGatewayApp } from './app';
import { loadGatewayConfig } from './config';

startService('gateway', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.instanceId, config.logLevel);
  const { app, adminApp, keys, pools } = createGatewayApp(config, logger);
  for (const pool of Object.values(pools)) pool.start();
  // Warm the key cache; if the issuer is not up yet, the first token with this kid fetches it.
  keys.preload().then(
    (count) => logger.info({ keys: count }, 'JWKS loaded'),
    (error: Error) => logger.warn({ err: error.message }, 'JWKS not available yet'),
  );
  await runService({
    app,
    admin: { app: adminApp, port: config.adminPort },
    host: config.host,
    port: config.port,
    logger,
    shutdownGraceMs: config.shutdownGraceMs,
    onShutdown: [async () => Object.values(pools).forEach((pool) => pool.stop())],
  });
});
