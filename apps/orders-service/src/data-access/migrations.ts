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
];
