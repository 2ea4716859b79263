import { databaseFromConfig, runMigrations } from '@jwt-msa/db';
import { createLogger, runService, ServiceMetrics, startService } from '@jwt-msa/service-defaults';
import { createCatalogApp } from './app';
import { loadCatalogConfig } from './config';
import { catalogMigrations } from './data-access/migrations';

startService('catalog-service', async () => {
  const config = loadCatalogConfig();
  const logger = createLogger('catalog-service', config.instanceId, config.logLevel);
  const metrics = new ServiceMetrics('catalog-service', config.instanceId);
  const db = databaseFromConfig(config, `catalog-service/${config.instanceId}`, metrics.countQuery);
  const applied = await runMigrations(db, catalogMigrations);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const app = createCatalogApp({ config, db, logger, metrics });
  await runService({
    app,
    host: config.host,
    port: config.port,
    logger,
    shutdownGraceMs: config.shutdownGraceMs,
    onShutdown: [() => db.close()],
  });
});
