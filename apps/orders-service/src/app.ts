import { dataService } from '@jwt-msa/service-defaults';
import { forwardedTokenIdentity } from '@jwt-msa/token-verifier';
import { UpstreamPool } from '@jwt-msa/upstreams';
import { ordersSettings } from './config';
import { CatalogClient } from './data-access/catalog-client';
import { ordersMigrations } from './data-access/migrations';
import { OrderRepository } from './data-access/order-repository';
import { Orders } from './domain/orders';
import { orderRoutes } from './routes/order-routes';

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
    return {
      routes: orderRoutes(new Orders(new OrderRepository(db), catalog)),
      // The catalog is deliberately not a readiness check: listing past orders works without it,
      // and a catalog outage must not take every orders replica out of rotation.
      background: [catalogReplicas],
    };
  },
});
