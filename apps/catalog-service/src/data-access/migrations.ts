import type { Migration } from '@jwt-msa/db';

/**
 * The seed is a migration of its own: runMigrations applies each migration exactly once under an
 * advisory lock, so replicas starting together never insert the sample products twice.
 */
export const catalogMigrations: Migration[] = [
  {
    id: 1,
    name: 'products',
    sql: `
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        price numeric(12,2) NOT NULL CHECK (price > 0 AND price <= 1000000),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX products_listing_idx ON products (created_at, id);
    `,
  },
  {
    id: 2,
    name: 'sample products',
    // Distinct timestamps keep the listing order of the samples the order written here.
    sql: `
      INSERT INTO products (name, price, created_at) VALUES
        ('Mechanical keyboard', 89.90, now() - interval '3 milliseconds'),
        ('USB-C cable', 9.99, now() - interval '2 milliseconds'),
        ('27-inch monitor', 249.00, now() - interval '1 millisecond');
    `,
  },
];
