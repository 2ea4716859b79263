import type { Express } from 'express';
import { ConfigError, type ConfigOf } from '@jwt-msa/config';
import { createLogger, flushLogs, type Logger } from './logger';
import { runService, type Background } from './run-service';
import type { ServiceApp } from './service-app';
import type { serviceSettings } from './settings';

/** The configuration every service has (host, port, instance id, log level, ...). */
export type BaseServiceConfig = ConfigOf<typeof serviceSettings>;

/** What one process serves, ready to listen. */
export interface BuiltService {
  service: ServiceApp;
  /** An internal listener (an edge's metrics and replica state), never the public port. */
  admin?: { app: Express; port: number };
  background?: readonly Background[];
  onShutdown?: ReadonlyArray<() => Promise<void>>;
}

export interface ServiceDefinition<C extends BaseServiceConfig> {
  /** The service's name, as in X-Served-By, logs and metrics (e.g. "orders-service"). */
  readonly name: string;
  loadConfig(env?: NodeJS.ProcessEnv): C;
  /** Everything the process serves; I/O allowed (migrations, keys), nothing listening yet. */
  build(config: C, logger: Logger): Promise<BuiltService>;
}

/**
 * The `main` of every app: configuration (a bad one stops the process with one line naming each
 * variable), logs, the service's own build, then listen and drain gracefully on SIGTERM.
 */
export function startService<C extends BaseServiceConfig>(definition: ServiceDefinition<C>): void {
  const main = async () => {
    const config = definition.loadConfig();
    const logger = createLogger(definition.name, config.instanceId, config.logLevel);
    const built = await definition.build(config, logger);
    await runService({
      ...built,
      host: config.host,
      port: config.port,
      logger,
      shutdownGraceMs: config.shutdownGraceMs,
    });
  };
  main().catch((error: unknown) => {
    const message =
      error instanceof ConfigError ? error.message : `failed to start: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`${definition.name}: ${message}\n`);
    flushLogs();
    process.exit(1);
  });
}
