import type { Express } from 'express';
import type { Database } from '@jwt-msa/db';
import { createServiceApp, type Logger } from '@jwt-msa/service-defaults';
import type { CatalogConfig } from './config';
import { ProductRepository } from './data-access/product-repository';
import { Products } from './domain/products';
import { productRoutes } from './routes/product-routes';

export interface CatalogDependencies {
  config: CatalogConfig;
  db: Database;
  logger: Logger;
}

/** Wires the catalog; no I/O here (see main.ts for migrations and listen). */
export function createCatalogApp({ config, db, logger }: CatalogDependencies): Express {
  const products = new Products(new ProductRepository(db));
  return createServiceApp({
    service: 'catalog-service',
    instanceId: config.instanceId,
    logger,
    bodyLimit: config.bodyLimit,
    readiness: { database: () => db.ping() },
    routes: (router) => {
      router.use(productRoutes(products));
    },
  });
}
