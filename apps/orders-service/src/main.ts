import { databaseFromConfig, runMigrations } from '@jwt-msa/db';
import { createLogger, runService, startService } from '@jwt-msa/service-defaults';
import { createOrdersApp } from './app';
import { loadOrdersConfig } from './config';
import { ordersMigrations } from './data-access/migrations';

startService('orders-service', async () => {
  const config = loadOrdersConfig();
  const logger = createLogger('orders-service', config.instanceId, config.logLevel);
  const db = databaseFromConfig(config, `orders-service/${config.instanceId}`);
  const applied = await runMigrations(db, ordersMigrations);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const app = createOrdersApp({ config, db, logger });
  await runService({ app, host: config.host, port: config.port, logger, shutdownGraceMs: config.shutdownGraceMs, onShutdown: [() => db.close()] });
});
