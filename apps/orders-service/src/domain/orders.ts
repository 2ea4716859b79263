import { NotFoundError, UnprocessableError } from '@jwt-msa/http-errors';
import type { CallContext, CatalogClient } from '../data-access/catalog-client';
import type { OrderRecord, OrderRepository } from '../data-access/order-repository';
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

export class Orders {
  constructor(
    private readonly repository: OrderRepository,
    private readonly catalog: CatalogClient,
  ) {}

  /** Orders a product for the caller at the catalog's current name and price. */
  async place(context: CallContext, { productId, quantity }: NewOrder): Promise<Order> {
    // Catalog ids are UUIDs, so any other string is known not to exist without asking.
    const product = isUuid(productId) ? await this.catalog.findProduct(productId, context) : undefined;
    if (!product) throw new UnprocessableError(`Product ${productId} does not exist`);
    const unitCents = toCents(product.price);
    const record = await this.repository.insert({
      userId: context.principal.userId,
      productId: product.id,
      productName: product.name,
      quantity,
      unitPrice: centsToDecimal(unitCents),
      total: centsToDecimal(unitCents * quantity),
    });
    return toOrder(record);
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
