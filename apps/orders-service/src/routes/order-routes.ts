import { Router } from 'express';
import { principalOf, requireAuth } from '@jwt-msa/claims';
import { parseIdempotencyKey, parseNewOrder } from '../domain/order-input';
import type { Orders } from '../domain/orders';

/** HTTP adapter only: parse, delegate, answer. Every route acts for the verified caller only. */
export function orderRoutes(orders: Orders): Router {
  const router = Router();
  router.use('/api/orders', requireAuth());

  router.post('/api/orders', async (req, res) => {
    const input = parseNewOrder(req.body);
    const key = parseIdempotencyKey(req.get('idempotency-key'));
    const context = { principal: principalOf(res), requestId: res.locals.requestId };
    const { order, replayed } = await orders.place(context, input, key);
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.status(201).location(`/api/orders/${order.id}`).json(order);
  });

  router.get('/api/orders', async (_req, res) => {
    res.json({ items: await orders.listFor(principalOf(res).userId) });
  });

  router.get('/api/orders/:id', async (req, res) => {
    res.json(await orders.getFor(principalOf(res).userId, req.params.id));
  });
  return router;
}
