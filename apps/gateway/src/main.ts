import { createLogger, runService, startService } from '@jwt-msa/service-defaults';
import { createGatewayApp } from './app';
import { loadGatewayConfig } from './config';

startService('gateway', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.instanceId, config.logLevel);
  const { app, keys } = createGatewayApp(config, logger);
  // Warm the key cache; if the issuer is not up yet, the first token with this kid fetches it.
  keys.preload().then(
    (count) => logger.info({ keys: count }, 'JWKS loaded'),
    (error: Error) => logger.warn({ err: error.message }, 'JWKS not available yet'),
  );
  await runService({ app, host: config.host, port: config.port, logger, shutdownGraceMs: config.shutdownGraceMs });
});
