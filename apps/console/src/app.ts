import {
  createStaticServiceApp,
  ServiceMetrics,
  type Logger,
  type ServiceApp,
  type ServiceDefinition,
} from '@jwt-msa/service-defaults';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { loadConsoleConfig, type ConsoleConfig } from './config';
import { ReplicaDirectory } from './replicas';
import { RevocationLagProbe } from './revocation-lag';
import { consoleRoutes } from './routes';
import { httpMetricsReader, SystemStatsCollector } from './system-stats';

/** Wires the console: the page's files, the stats API and the revocation-lag probe; no I/O here. */
export function createConsoleApp(config: ConsoleConfig, logger: Logger): ServiceApp {
  const replicas = new ReplicaDirectory(config);
  return createStaticServiceApp({
    service: 'console',
    instanceId: config.instanceId,
    logger,
    metrics: new ServiceMetrics('console', config.instanceId),
    bodyLimits: { limitBytes: config.bodyLimitBytes, timeoutMs: config.bodyTimeoutMs },
    readiness: {
      page: () => access(path.join(config.publicDir, 'index.html')),
    },
    routes: consoleRoutes({
      publicDir: config.publicDir,
      stats: new SystemStatsCollector(replicas, httpMetricsReader(config.scrapeTimeoutMs)),
      revocationLag: new RevocationLagProbe(replicas, {
        timeoutMs: config.revocationLagTimeoutMs,
        pollMs: config.revocationLagPollMs,
        maxConcurrent: config.revocationLagMaxConcurrent,
      }),
    }),
  });
}

export const consoleService: ServiceDefinition<ConsoleConfig> = {
  name: 'console',
  loadConfig: loadConsoleConfig,
  async build(config, logger) {
    return { service: createConsoleApp(config, logger) };
  },
};
