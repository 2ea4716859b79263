import { loadConfig, setting, type ConfigOf } from '@jwt-msa/config';
import { databaseSettings } from '@jwt-msa/db';
import { serviceSettings } from '@jwt-msa/service-defaults';
import { forwardedTokenSettings } from '@jwt-msa/token-verifier';

export const ordersConfigSchema = {
  ...serviceSettings,
  ...databaseSettings,
  ...forwardedTokenSettings,
  catalogServiceUrls: setting.urlList('CATALOG_SERVICE_URLS', {
    description:
      'Comma-separated base URLs of the catalog-service replicas; used in turn, and a lookup moves on to the next one when a replica cannot be reached.',
  }),
  catalogTimeoutMs: setting.integer('CATALOG_TIMEOUT_MS', {
    default: 3000,
    min: 100,
    max: 60_000,
    description:
      'Deadline of one product lookup in the catalog (all replicas tried included); past it the order answers 504.',
  }),
};

export type OrdersConfig = ConfigOf<typeof ordersConfigSchema>;

export function loadOrdersConfig(env: NodeJS.ProcessEnv = process.env): OrdersConfig {
  return loadConfig(ordersConfigSchema, env);
}
