import type { Queryable } from '@jwt-msa/db';

export interface NewOrderRecord {
  userId: string;
  productId: string;
  productName: string;
  quantity: number;
  /** Exact decimal text, e.g. "89.90". */
  unitPrice: string;
  total: string;
}

export interface OrderRecord extends NewOrderRecord {
  id: string;
  createdAt: Date;
}

export interface OrderRow {
  id: string;
  user_id: string;
  product_id: string;
  product_name: string;
  quantity: number;
  unit_price: string;
  total: string;
  created_at: Date;
}

export const ORDER_COLUMNS = 'id, user_id, product_id, product_name, quantity, unit_price, total, created_at';

export const toOrderRecord = (row: OrderRow): OrderRecord => ({
  id: row.id,
  userId: row.user_id,
  productId: row.product_id,
  productName: row.product_name,
  quantity: row.quantity,
  unitPrice: row.unit_price,
  total: row.total,
  createdAt: row.created_at,
});

export class OrderRepository {
  constructor(private readonly db: Queryable) {}

  async insert(order: NewOrderRecord): Promise<OrderRecord> {
    return insertOrder(this.db, order);
  }

  /** Newest first. */
  async listByUser(userId: string): Promise<OrderRecord[]> {
    const rows = await this.db.query<OrderRow>(
      'order.list-by-user',
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
      [userId],
    );
    return rows.map(toOrderRecord);
  }

  /** Filtering by owner in SQL: another user's order is simply not found. */
  async findByIdForUser(id: string, userId: string): Promise<OrderRecord | undefined> {
    const rows = await this.db.query<OrderRow>(
      'order.find-for-user',
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return rows[0] && toOrderRecord(rows[0]);
  }
}

/** One order row, on the pool or inside a transaction. */
export async function insertOrder(db: Queryable, order: NewOrderRecord): Promise<OrderRecord> {
  const rows = await db.query<OrderRow>(
    'order.insert',
    `INSERT INTO orders (user_id, product_id, product_name, quantity, unit_price, total)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ORDER_COLUMNS}`,
    [order.userId, order.productId, order.productName, order.quantity, order.unitPrice, order.total],
  );
  return toOrderRecord(rows[0]!);
}
