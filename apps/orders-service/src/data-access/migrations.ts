import type { Migration } from '@jwt-msa/db';

export const ordersMigrations: Migration[] = [
  {
    id: 1,
    name: 'orders',
    // The product's name and price are copied at order time: later catalog changes must not
    // rewrite what the customer ordered.
    sql: `
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id text NOT NULL,
        product_id uuid NOT NULL,
        product_name text NOT NULL,
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        unit_price numeric(12,2) NOT NULL CHECK (unit_price > 0),
        total numeric(12,2) NOT NULL CHECK (total = unit_price * quantity),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX orders_user_created_idx ON orders (user_id, created_at);
    `,
  },
  {
    id: 2,
    name: 'order idempotency keys',
    // One row per caller and Idempotency-Key: the primary key is what makes a concurrent duplicate
    // wait for the first request's transaction. request_hash tells a retry from a different
    // request under the same key; order_id is set in the same transaction as the order.
    sql: `
      CREATE TABLE order_idempotency_keys (
        user_id text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        order_id uuid REFERENCES orders (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, idempotency_key)
      );
      CREATE INDEX order_idempotency_keys_created_idx ON order_idempotency_keys (created_at);
    `,
  },
];
