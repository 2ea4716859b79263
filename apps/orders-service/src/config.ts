import { setting } from '@jwt-msa/config';
import { upstreamPoolSettings, upstreamUrlsSetting } from '@jwt-msa/upstreams';

/** What orders needs beyond every data service's settings: how to reach the catalog. */
export const ordersSettings = {
  catalogServiceUrls: upstreamUrlsSetting('catalog'),
  ...upstreamPoolSettings,
  catalogTimeoutMs: setting.integer('CATALOG_TIMEOUT_MS', {
    default: 3000,
    min: 100,
    max: 60_000,
    description:
      'Deadline of one product lookup in the catalog (every replica tried included); past it the order answers 504.',
  }),
};
