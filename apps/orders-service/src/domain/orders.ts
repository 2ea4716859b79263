import { createHash } from 'node:crypto';
import { HttpError, NotFoundError, UnprocessableError } from '@jwt-msa/http-errors';
import type { CallContext, CatalogClient } from '../data-access/catalog-client';
import type { IdempotencyKeys, KeyedOrder } from '../data-access/idempotency-keys';
import type { NewOrderRecord, OrderRecord, OrderRepository } from '../data-access/order-repository';
import { centsToDecimal, toCents } from './money';
import { isUuid, type NewOrder } from './order-input';

export interface Order {
  id: string;
  userId: string;
  productId: string;
  productName: string;
  quantity: number;
  unitPrice: number;
  total: number;
  createdAt: string;
}

/** An order as placed, or as first placed under the same Idempotency-Key. */
export interface PlacedOrder {
  order: Order;
  /** True when this answer repeats an earlier request's (nothing was created). */
  replayed: boolean;
}

export class Orders {
  constructor(
    private readonly repository: OrderRepository,
    private readonly keys: IdempotencyKeys,
    private readonly catalog: CatalogClient,
  ) {}

  /**
   * Orders a product for the caller at the catalog's current name and price. With an
   * Idempotency-Key, the caller's first request under that key places the order and every retry
   * of the same request gets that order back, even one sent while the first is still running;
   * the same key with another request is refused (422).
   */
  async place(context: CallContext, input: NewOrder, idempotencyKey?: string): Promise<PlacedOrder> {
    if (idempotencyKey === undefined) {
      return { order: toOrder(await this.repository.insert(await this.priced(context, input))), replayed: false };
    }
    const userId = context.principal.userId;
    const requestHash = hashOf(input);
    const earlier = await this.keys.find(userId, idempotencyKey);
    if (earlier) return replay(earlier, requestHash);
    const placed = await this.keys.insertOnce(userId, idempotencyKey, requestHash, await this.priced(context, input));
    return placed.created ? { order: toOrder(placed.order), replayed: false } : replay(placed.existing, requestHash);
  }

  private async priced(context: CallContext, { productId, quantity }: NewOrder): Promise<NewOrderRecord> {
    // Catalog ids are UUIDs, so any other string is known not to exist without asking.
    const product = isUuid(productId) ? await this.catalog.findProduct(productId, context) : undefined;
    if (!product) throw new UnprocessableError(`Product ${productId} does not exist`);
    const unitCents = toCents(product.price);
    return {
      userId: context.principal.userId,
      productId: product.id,
      productName: product.name,
      quantity,
      unitPrice: centsToDecimal(unitCents),
      total: centsToDecimal(unitCents * quantity),
    };
  }

  /** The caller's orders, newest first. */
  async listFor(userId: string): Promise<Order[]> {
    return (await this.repository.listByUser(userId)).map(toOrder);
  }

  /** Someone else's order, an unknown id and a malformed id all get the same 404: no existence leak. */
  async getFor(userId: string, orderId: string): Promise<Order> {
    const record = isUuid(orderId) ? await this.repository.findByIdForUser(orderId, userId) : undefined;
    if (!record) throw new NotFoundError('No order with this id');
    return toOrder(record);
  }
}

/** What makes two requests the same: the parsed order, so key order and spacing in the JSON do not count. */
function hashOf({ productId, quantity }: NewOrder): string {
  return createHash('sha256')
    .update(JSON.stringify([productId, quantity]))
    .digest('hex');
}

function replay(earlier: KeyedOrder, requestHash: string): PlacedOrder {
  if (earlier.requestHash !== requestHash) {
    throw new HttpError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different order; use a new key for a new order',
    );
  }
  return { order: toOrder(earlier.order), replayed: true };
}

function toOrder(record: OrderRecord): Order {
  return {
    id: record.id,
    userId: record.userId,
    productId: record.productId,
    productName: record.productName,
    quantity: record.quantity,
    unitPrice: Number(record.unitPrice),
    total: Number(record.total),
    createdAt: record.createdAt.toISOString(),
  };
}
