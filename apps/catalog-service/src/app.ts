import { dataService } from '@jwt-msa/service-defaults';
import { forwardedTokenIdentity } from '@jwt-msa/token-verifier';
import { catalogMigrations } from './data-access/migrations';
import { ProductRepository } from './data-access/product-repository';
import { Products } from './domain/products';
import { productRoutes } from './routes/product-routes';

/** Products: public reads, admin-only writes. */
export const catalogService = dataService({
  name: 'catalog-service',
  migrations: catalogMigrations,
  identity: forwardedTokenIdentity,
  wire: ({ db }) => ({ routes: productRoutes(new Products(new ProductRepository(db))) }),
});
