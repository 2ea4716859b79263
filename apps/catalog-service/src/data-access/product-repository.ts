import type { Queryable } from '@jwt-msa/db';

export interface ProductRecord {
  id: string;
  name: string;
  /** Exact decimal text as stored, e.g. "89.90". */
  price: string;
  createdAt: Date;
}

interface ProductRow {
  id: string;
  name: string;
  price: string;
  created_at: Date;
}

const COLUMNS = 'id, name, price, created_at';
const toProduct = (row: ProductRow): ProductRecord => ({
  id: row.id,
  name: row.name,
  price: row.price,
  createdAt: row.created_at,
});

export class ProductRepository {
  constructor(private readonly db: Queryable) {}

  /** Oldest first: adding products never shifts the pages a client has already seen. */
  async page(limit: number, offset: number): Promise<ProductRecord[]> {
    const rows = await this.db.query<ProductRow>(
      'product.page',
      `SELECT ${COLUMNS} FROM products ORDER BY created_at, id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map(toProduct);
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ total: number }>('product.count', 'SELECT count(*)::int AS total FROM products');
    return rows[0]?.total ?? 0;
  }

  async findById(id: string): Promise<ProductRecord | undefined> {
    const rows = await this.db.query<ProductRow>(
      'product.find-by-id',
      `SELECT ${COLUMNS} FROM products WHERE id = $1`,
      [id],
    );
    return rows[0] && toProduct(rows[0]);
  }

  /** `price` is decimal text, so the stored value is exactly the one validated. */
  async insert(name: string, price: string): Promise<ProductRecord> {
    const rows = await this.db.query<ProductRow>(
      'product.insert',
      `INSERT INTO products (name, price) VALUES ($1, $2) RETURNING ${COLUMNS}`,
      [name, price],
    );
    return toProduct(rows[0]!);
  }
}
