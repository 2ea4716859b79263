import { dataService } from '@jwt-msa/service-defaults';
import { forwardedTokenIdentity } from '@jwt-msa/token-verifier';
import { UpstreamPool } from '@jwt-msa/upstreams';
import { ordersSettings } from './config';
import { CatalogClient } from './data-access/catalog-client';
import { IdempotencyKeys } from './data-access/idempotency-keys';
import { ordersMigrations } from './data-access/migrations';
import { OrderRepository } from './data-access/order-repository';
import { Orders } from './domain/orders';
import { orderRoutes } from './routes/order-routes';

/** Expired Idempotency-Keys are removed this often (a key lives 24 h; an expired one is also reused in place). */
const KEY_PRUNE_INTERVAL_MS = 15 * 60 * 1000;

/** A user's orders, priced by the catalog at order time. */
export const ordersService = dataService({
  name: 'orders-service',
  settings: ordersSettings,
  migrations: ordersMigrations,
  identity: forwardedTokenIdentity,
  wire: ({ config, db, logger }) => {
    const catalogReplicas = new UpstreamPool('catalog', config.catalogServiceUrls, {
      refreshMs: config.upstreamDnsRefreshMs,
      ejectMs: config.upstreamEjectMs,
    });
    const catalog = new CatalogClient({ replicas: catalogReplicas, timeoutMs: config.catalogTimeoutMs, logger });
    const keys = new IdempotencyKeys(db);
    return {
      routes: orderRoutes(new Orders(new OrderRepository(db), keys, catalog)),
      // The catalog is deliberately not a readiness check: listing past orders works without it,
      // and a catalog outage must not take every orders replica out of rotation.
      background: [
        catalogReplicas,
        keys.pruning(KEY_PRUNE_INTERVAL_MS, (error) =>
          logger.warn({ err: (error as Error).message }, 'pruning idempotency keys failed'),
        ),
      ],
    };
  },
});
