import { databaseFromConfig, runMigrations } from '@jwt-msa/db';
import { createLogger, runService, ServiceMetrics, startService } from '@jwt-msa/service-defaults';
import { createAuthApp } from './app';
import { adminCredentials, loadAuthConfig } from './config';
import { authMigrations } from './data-access/migrations';

startService('auth-service', async () => {
  const config = loadAuthConfig();
  const admin = adminCredentials(config);
  const logger = createLogger('auth-service', config.instanceId, config.logLevel);
  const metrics = new ServiceMetrics('auth-service', config.instanceId);
  const db = databaseFromConfig(config, `auth-service/${config.instanceId}`, metrics.countQuery);
  await runMigrations(db, authMigrations);

  const { app, keys, accounts, background } = createAuthApp({ config, db, logger, metrics });
  const { created } = await keys.load();
  if (created) {
    // Fine for development and for a single trusted database; production mounts a key (SIGNING_KEY_FILE).
    logger.warn(
      { kid: keys.signingKey().kid },
      'GENERATED a signing key and stored it in the auth database; set SIGNING_KEY_FILE to use a key from a secret',
    );
  } else {
    logger.info({ kid: keys.signingKey().kid, source: keys.description }, 'loaded signing keys');
  }
  if (admin) {
    await accounts.ensureAdmin(admin.username, admin.password);
    logger.info({ username: admin.username }, 'admin user ensured');
  }

  background.start();

  await runService({
    app,
    host: config.host,
    port: config.port,
    logger,
    shutdownGraceMs: config.shutdownGraceMs,
    onShutdown: [async () => background.stop(), () => db.close()],
  });
});
