import { databaseFromConfig, runMigrations } from '@jwt-msa/db';
import { createLogger, runService, ServiceMetrics, startService } from '@jwt-msa/service-defaults';
import { createProfileApp } from './app';
import { loadProfileConfig } from './config';
import { profileMigrations } from './data-access/migrations';

startService('profile-service', async () => {
  const config = loadProfileConfig();
  const logger = createLogger('profile-service', config.instanceId, config.logLevel);
  const metrics = new ServiceMetrics('profile-service', config.instanceId);
  const db = databaseFromConfig(config, `profile-service/${config.instanceId}`, metrics.countQuery);
  const applied = await runMigrations(db, profileMigrations);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const app = createProfileApp({ config, db, logger, metrics });
  await runService({
    app,
    host: config.host,
    port: config.port,
    logger,
    shutdownGraceMs: config.shutdownGraceMs,
    onShutdown: [() => db.close()],
  });
});
