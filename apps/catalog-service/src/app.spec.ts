import type { RequestListener } from 'node:http';
import request from 'supertest';
import { runMigrations, type Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { catalogService } from './app';
import { catalogMigrations } from './data-access/migrations';

let testDb: MigratedTestDatabase;
let db: Database;
let app: RequestListener;

const admin = { 'x-user-id': 'admin-1', 'x-user-name': 'root', 'x-user-roles': 'user,admin' };
const user = { 'x-user-id': 'user-1', 'x-user-name': 'alice', 'x-user-roles': 'user' };
const createProduct = (body: unknown, headers: Record<string, string> = admin) =>
  request(app)
    .post('/api/catalog/products')
    .set(headers)
    .send(body as object);

beforeAll(async () => {
  testDb = await migratedTestDatabase('catalog', catalogMigrations);
  db = testDb.db;
  const config = catalogService.loadConfig({ DATABASE_URL: testDb.url, INSTANCE_ID: 'catalog-1' });
  app = catalogService.createApp({ config, db, logger: createLogger('catalog-service', 'catalog-1', 'silent') }).app;
});

afterAll(async () => {
  await testDb.drop();
});

describe('GET /api/catalog/products', () => {
  it('lists the seeded sample products with exact prices, publicly', async () => {
    const res = await request(app).get('/api/catalog/products').expect(200);
    expect(res.headers['x-served-by']).toBe('catalog-service/catalog-1');
    expect(res.body).toEqual({
      items: [
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: 'Mechanical keyboard',
          price: 89.9,
          createdAt: expect.any(String),
        },
        { id: expect.any(String), name: 'USB-C cable', price: 9.99, createdAt: expect.any(String) },
        { id: expect.any(String), name: '27-inch monitor', price: 249, createdAt: expect.any(String) },
      ],
      total: 3,
      limit: 20,
      offset: 0,
    });
    expect(new Date(res.body.items[0].createdAt).toISOString()).toBe(res.body.items[0].createdAt);
  });

  it('pages with limit and offset', async () => {
    const res = await request(app).get('/api/catalog/products?limit=1&offset=1').expect(200);
    expect(res.body).toMatchObject({ items: [{ name: 'USB-C cable' }], total: 3, limit: 1, offset: 1 });
    const beyond = await request(app).get('/api/catalog/products?offset=50').expect(200);
    expect(beyond.body).toMatchObject({ items: [], total: 3, offset: 50 });
  });

  it.each([
    ['limit=0', /limit must be an integer between 1 and 100/],
    ['limit=101', /limit must be an integer between 1 and 100/],
    ['limit=abc', /limit must be/],
    ['limit=1.5', /limit must be/],
    ['limit=', /limit must be/],
    ['limit=1&limit=2', /limit must be/],
    ['offset=-1', /offset must be an integer >= 0/],
    ['offset=99999999999999999999', /offset must be/],
  ])('answers 400 for ?%s', async (query, message) => {
    const res = await request(app).get(`/api/catalog/products?${query}`).expect(400);
    expect(res.body).toEqual({ error: 'invalid_request', message: expect.stringMatching(message) });
  });
});

describe('GET /api/catalog/products/:id', () => {
  it('returns one product', async () => {
    const [first] = (await request(app).get('/api/catalog/products?limit=1')).body.items;
    const res = await request(app).get(`/api/catalog/products/${first.id}`).expect(200);
    expect(res.body).toEqual(first);
    await request(app).get(`/api/catalog/products/${first.id.toUpperCase()}`).expect(200, first);
  });

  it('answers the same 404 for an unknown and a malformed id', async () => {
    const unknown = await request(app).get('/api/catalog/products/00000000-0000-4000-8000-000000000000').expect(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: 'No product with this id' });
    for (const malformed of ['not-a-uuid', '1', "1' OR '1'='1", '00000000000040008000000000000000']) {
      const res = await request(app)
        .get(`/api/catalog/products/${encodeURIComponent(malformed)}`)
        .expect(404);
      expect(res.body).toEqual(unknown.body);
    }
  });
});

describe('POST /api/catalog/products', () => {
  it('lets an admin add a product, trimmed and priced exactly', async () => {
    const res = await createProduct({ name: '  Desk lamp ', price: 19.99 }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Desk lamp',
      price: 19.99,
      createdAt: expect.any(String),
    });
    await request(app).get(`/api/catalog/products/${res.body.id}`).expect(200, res.body);
    const rows = await db.query<{ price: string }>('test', 'SELECT price::text FROM products WHERE id = $1', [
      res.body.id,
    ]);
    expect(rows[0]?.price).toBe('19.99');
  });

  it('accepts the boundaries: 0.01, 1,000,000 and a 200-character name', async () => {
    await createProduct({ name: 'Sticker', price: 0.01 }).expect(201);
    await createProduct({ name: 'x'.repeat(200), price: 1_000_000 }).expect(201);
  });

  it('lists new products after the older ones', async () => {
    const res = await request(app).get('/api/catalog/products?offset=3').expect(200);
    expect(res.body.items.map((item: { name: string }) => item.name)).toEqual([
      'Desk lamp',
      'Sticker',
      'x'.repeat(200),
    ]);
    expect(res.body.total).toBe(6);
  });

  it('answers 401 without identity and 403 without the admin role', async () => {
    await request(app).post('/api/catalog/products').send({ name: 'Nope', price: 1 }).expect(401);
    const res = await createProduct({ name: 'Nope', price: 1 }, user).expect(403);
    expect(res.body).toEqual({ error: 'forbidden', message: 'The "admin" role is required' });
  });

  it.each([
    ['no name', { price: 1 }, 'name is required'],
    ['a numeric name', { name: 42, price: 1 }, 'name must be a string'],
    ['a blank name', { name: '   ', price: 1 }, 'name must not be empty'],
    ['a 201-character name', { name: 'x'.repeat(201), price: 1 }, 'name must be at most 200 characters'],
    ['a NUL byte in the name', { name: 'Null\u0000byte', price: 1 }, 'name must not contain control characters'],
    ['no price', { name: 'Cable' }, 'price is required'],
    ['a price as a string', { name: 'Cable', price: '9.99' }, 'price must be a finite number'],
    ['a zero price', { name: 'Cable', price: 0 }, 'price must be greater than 0'],
    ['a negative price', { name: 'Cable', price: -5 }, 'price must be greater than 0'],
    ['a price over 1,000,000', { name: 'Cable', price: 1_000_000.01 }, 'price must be at most 1000000'],
    ['3 decimals', { name: 'Cable', price: 9.999 }, 'price must have at most 2 decimals'],
    ['floating-point noise (0.1 + 0.2)', { name: 'Cable', price: 0.1 + 0.2 }, 'price must have at most 2 decimals'],
    ['an array body', ['Cable', 9.99], 'The body must be a JSON object'],
  ])('answers 400 for %s', async (_label, body, message) => {
    const res = await createProduct(body).expect(400);
    expect(res.body).toEqual({ error: 'invalid_request', message });
  });

  it('rejects a price that JSON turns into Infinity', async () => {
    const res = await request(app)
      .post('/api/catalog/products')
      .set(admin)
      .set('content-type', 'application/json')
      .send('{"name":"Cable","price":1e400}')
      .expect(400);
    expect(res.body.message).toBe('price must be a finite number');
  });
});

describe('catalog migrations', () => {
  it('seed the sample products exactly once when replicas start together', async () => {
    const fresh = await migratedTestDatabase('catalog-replicas', []);
    const replicas = [fresh.open(), fresh.open(), fresh.open()];
    try {
      await Promise.all(replicas.map((replica) => runMigrations(replica, catalogMigrations)));
      await runMigrations(replicas[0]!, catalogMigrations);
      const rows = await replicas[0]!.query<{ total: number }>('test', 'SELECT count(*)::int AS total FROM products');
      expect(rows[0]?.total).toBe(3);
    } finally {
      await fresh.drop();
    }
  });
});
