import { databaseFromConfig, runMigrations } from '@jwt-msa/db';
import { createLogger, runService, ServiceMetrics, startService } from '@jwt-msa/service-defaults';
import { createOrdersApp } from './app';
import { loadOrdersConfig } from './config';
import { ordersMigrations } from './data-access/migrations';

startService('orders-service', async () => {
  const config = loadOrdersConfig();
  const logger = createLogger('orders-service', config.instanceId, config.logLevel);
  const metrics = new ServiceMetrics('orders-service', config.instanceId);
  const db = databaseFromConfig(config, `orders-service/${config.instanceId}`, metrics.countQuery);
  const applied = await runMigrations(db, ordersMigrations);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const app = createOrdersApp({ config, db, logger, metrics });
  await runService({
    app,
    host: config.host,
    port: config.port,
    logger,
    shutdownGraceMs: config.shutdownGraceMs,
    onShutdown: [() => db.close()],
  });
});
