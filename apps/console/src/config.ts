import path from 'node:path';
import { loadConfig, setting, type ConfigOf } from '@jwt-msa/config';
import { serviceSettings } from '@jwt-msa/service-defaults';

/**
 * Where the console finds the replicas it measures: a local cluster's `cluster.json` (the launcher
 * sets CLUSTER_FILE), configured URL lists (compose, Kubernetes: DNS names that stand for every
 * replica), or both.
 */
export const consoleConfigSchema = {
  ...serviceSettings,
  publicDir: setting.string('CONSOLE_PUBLIC_DIR', {
    default: path.join(__dirname, 'public'),
    defaultLabel: '`public/` beside the bundle',
    description: 'The built page (`npx nx run console:build` writes it beside the server bundle).',
  }),
  clusterFile: setting.string('CLUSTER_FILE', {
    default: '',
    defaultLabel: 'unset',
    description:
      "A local cluster's `cluster.json` (`npm start` sets it): its gateways and auth replicas are measured, re-read on every request.",
  }),
  gatewayUrls: setting.urlList('GATEWAY_URLS', {
    default: [],
    defaultLabel: 'unset',
    description:
      'Public base URLs of the gateway replicas, for the revocation-lag probe; a DNS name stands for every address it resolves to.',
  }),
  gatewayAdminUrls: setting.urlList('GATEWAY_ADMIN_URLS', {
    default: [],
    defaultLabel: 'unset',
    description: "The gateway replicas' internal admin listeners, whose `/metrics` the stats API reads.",
  }),
  authMetricsUrls: setting.urlList('AUTH_SERVICE_URLS', {
    default: [],
    defaultLabel: 'unset',
    description: 'Base URLs of the auth-service replicas, whose `/metrics` give the auth-store queries by purpose.',
  }),
  scrapeTimeoutMs: setting.integer('STATS_SCRAPE_TIMEOUT_MS', {
    default: 2000,
    min: 100,
    max: 8000,
    description:
      "How long one replica's `/metrics` may take; one that does not answer in time is counted as unreachable.",
  }),
  revocationLagTimeoutMs: setting.integer('REVOCATION_LAG_TIMEOUT_MS', {
    default: 5000,
    min: 100,
    max: 9000,
    description:
      "How long the revocation-lag probe polls a gateway that still accepts the token; below the gateway's `UPSTREAM_TIMEOUT_MS` (10 s), which the page's call passes through.",
  }),
  revocationLagPollMs: setting.integer('REVOCATION_LAG_POLL_MS', {
    default: 50,
    min: 10,
    max: 1000,
    description: 'Pause between two probes of one gateway.',
  }),
  revocationLagMaxConcurrent: setting.integer('REVOCATION_LAG_MAX_CONCURRENT', {
    default: 4,
    min: 1,
    description: 'Measurements run at once; more answer 429 (each one polls every gateway).',
  }),
  sessionsVsJwtRunner: setting.string('SESSIONS_VS_JWT_RUNNER', {
    default: '',
    defaultLabel: 'unset',
    description:
      'The sessions-vs-JWT runner bundle (`npm start` sets it). It starts fronts and a PostgreSQL of its own beside a local cluster, so unset (compose, Kubernetes) the comparison answers 501.',
  }),
  sessionsVsJwtTimeoutMs: setting.integer('SESSIONS_VS_JWT_TIMEOUT_MS', {
    default: 300_000,
    min: 1000,
    max: 1_800_000,
    description: 'How long one comparison run may take before its process is stopped.',
  }),
  sessionsVsJwtKeepMs: setting.integer('SESSIONS_VS_JWT_KEEP_MS', {
    default: 600_000,
    min: 10_000,
    max: 3_600_000,
    description: "How long a finished comparison's figures stay readable (the last 10 at most).",
  }),
};

export type ConsoleConfig = ConfigOf<typeof consoleConfigSchema>;

export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  return loadConfig(consoleConfigSchema, env);
}
