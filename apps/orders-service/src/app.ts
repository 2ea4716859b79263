import type { Express } from 'express';
import type { Database } from '@jwt-msa/db';
import { createServiceApp, type Logger, type ServiceMetrics } from '@jwt-msa/service-defaults';
import { forwardedTokenIdentity } from '@jwt-msa/token-verifier';
import type { OrdersConfig } from './config';
import { CatalogClient } from './data-access/catalog-client';
import { OrderRepository } from './data-access/order-repository';
import { Orders } from './domain/orders';
import { orderRoutes } from './routes/order-routes';

export interface OrdersDependencies {
  config: OrdersConfig;
  db: Database;
  logger: Logger;
  metrics?: ServiceMetrics;
}

/** Wires the orders service; no I/O here (see main.ts for migrations and listen). */
export function createOrdersApp({ config, db, logger, metrics }: OrdersDependencies): Express {
  const catalog = new CatalogClient({
    baseUrls: config.catalogServiceUrls,
    timeoutMs: config.catalogTimeoutMs,
    logger,
  });
  const orders = new Orders(new OrderRepository(db), catalog);
  return createServiceApp({
    service: 'orders-service',
    instanceId: config.instanceId,
    logger,
    ...(metrics && { metrics }),
    bodyLimit: config.bodyLimit,
    // Defense in depth (VERIFY_FORWARDED_TOKEN): a request that reaches this service without the gateway cannot name its own caller.
    identity: forwardedTokenIdentity(config),
    // The catalog is deliberately not a readiness check: listing past orders works without it,
    // and a catalog outage must not take every orders replica out of rotation.
    readiness: { database: () => db.ping() },
    routes: (router) => {
      router.use(orderRoutes(orders));
    },
  });
}
