import { Router } from 'express';
import { requireRole, ADMIN_ROLE } from '@jwt-msa/claims';
import { parseNewProduct, parsePage } from '../domain/product-input';
import type { Products } from '../domain/products';

/** HTTP adapter only: parse, delegate, answer. Reading is public; adding products is for admins. */
export function productRoutes(products: Products): Router {
  const router = Router();

  router.get('/api/catalog/products', async (req, res) => {
    res.json(await products.list(parsePage(req.query)));
  });

  router.get('/api/catalog/products/:id', async (req, res) => {
    res.json(await products.get(req.params.id));
  });

  router.post('/api/catalog/products', requireRole(ADMIN_ROLE), async (req, res) => {
    const product = await products.create(parseNewProduct(req.body));
    res.status(201).location(`/api/catalog/products/${product.id}`).json(product);
  });
  return router;
}
