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
import { ComparisonRuns } from './sessions-vs-jwt';
import { httpMetricsReader, SystemStatsCollector } from './system-stats';

/** The console's app, and the comparison runs it must stop when it shuts down. */
export interface ConsoleApp extends ServiceApp {
  comparisons: ComparisonRuns;
}

/** Wires the console: the page's files, the stats API, the revocation-lag probe and the comparison runs; no I/O here. */
export function createConsoleApp(config: ConsoleConfig, logger: Logger): ConsoleApp {
  const replicas = new ReplicaDirectory(config);
  const comparisons = new ComparisonRuns({
    runner: config.sessionsVsJwtRunner,
    clusterFile: config.clusterFile,
    timeoutMs: config.sessionsVsJwtTimeoutMs,
    keepMs: config.sessionsVsJwtKeepMs,
    logger,
  });
  const service = createStaticServiceApp({
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
      comparisons,
    }),
  });
  return { ...service, comparisons };
}

export const consoleService: ServiceDefinition<ConsoleConfig> = {
  name: 'console',
  loadConfig: loadConsoleConfig,
  async build(config, logger) {
    const service = createConsoleApp(config, logger);
    return { service, onShutdown: [() => service.comparisons.stop()] };
  },
};
