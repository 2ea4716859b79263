import type { Express } from 'express';
import type { Database } from '@jwt-msa/db';
import { createServiceApp, type Logger, type ServiceMetrics } from '@jwt-msa/service-defaults';
import { forwardedTokenIdentity } from '@jwt-msa/token-verifier';
import type { CatalogConfig } from './config';
import { ProductRepository } from './data-access/product-repository';
import { Products } from './domain/products';
import { productRoutes } from './routes/product-routes';

export interface CatalogDependencies {
  config: CatalogConfig;
  db: Database;
  logger: Logger;
  metrics?: ServiceMetrics;
}

/** Wires the catalog; no I/O here (see main.ts for migrations and listen). */
export function createCatalogApp({ config, db, logger, metrics }: CatalogDependencies): Express {
  const products = new Products(new ProductRepository(db));
  return createServiceApp({
    service: 'catalog-service',
    instanceId: config.instanceId,
    logger,
    ...(metrics && { metrics }),
    bodyLimit: config.bodyLimit,
    // Defense in depth (VERIFY_FORWARDED_TOKEN): a request that reaches this service without the gateway cannot name its own caller.
    identity: forwardedTokenIdentity(config),
    readiness: { database: () => db.ping() },
    routes: (router) => {
      router.use(productRoutes(products));
    },
  });
}
