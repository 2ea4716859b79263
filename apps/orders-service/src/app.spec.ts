import type { RequestListener } from 'node:http';
import request from 'supertest';
import type { Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { getFreePort, migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { brokenCatalog, RealCatalog } from '../test/real-catalog';
import { ordersService } from './app';
import { ordersMigrations } from './data-access/migrations';

let testDb: MigratedTestDatabase;
let db: Database;
let catalog: RealCatalog;
let catalogUrl: string;
let app: RequestListener;
let products: Record<string, string>;

const alice = { 'x-user-id': 'user-alice', 'x-user-name': 'alice', 'x-user-roles': 'user' };
const bob = { 'x-user-id': 'user-bob', 'x-user-name': 'bob', 'x-user-roles': 'user' };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** An orders replica on the shared test database, calling the given catalog replicas. */
function ordersApp(catalogUrls: string[], catalogTimeoutMs = 3000): RequestListener {
  const config = ordersService.loadConfig({
    DATABASE_URL: testDb.url,
    INSTANCE_ID: 'orders-1',
    CATALOG_SERVICE_URLS: catalogUrls.join(','),
    CATALOG_TIMEOUT_MS: String(catalogTimeoutMs),
  });
  return ordersService.createApp({ config, db, logger: createLogger('orders-service', 'orders-1', 'silent') }).app;
}

const placeOrder = (body: unknown, headers: Record<string, string> = alice, target: RequestListener = app) =>
  request(target)
    .post('/api/orders')
    .set(headers)
    .send(body as object);
const ordersOf = async (headers: Record<string, string>) =>
  (await request(app).get('/api/orders').set(headers).expect(200)).body.items;

beforeAll(async () => {
  catalog = await RealCatalog.start();
  catalogUrl = await catalog.addReplica('catalog-1');
  products = await catalog.productIds(catalogUrl);
  testDb = await migratedTestDatabase('orders', ordersMigrations);
  db = testDb.db;
  app = ordersApp([catalogUrl]);
});

afterAll(async () => {
  await catalog.stop();
  await testDb.drop();
});

beforeEach(() => {
  catalog.seen.length = 0;
});

describe('POST /api/orders', () => {
  it("orders a product for the caller at the catalog's name and price", async () => {
    const keyboard = products['Mechanical keyboard']!;
    const res = await placeOrder({ productId: keyboard, quantity: 3 }).expect(201);
    expect(res.headers['x-served-by']).toBe('orders-service/orders-1');
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId: 'user-alice',
      productId: keyboard,
      productName: 'Mechanical keyboard',
      quantity: 3,
      unitPrice: 89.9,
      total: 269.7,
      createdAt: expect.any(String),
    });
    expect(res.headers['location']).toBe(`/api/orders/${res.body.id}`);
  });

  it("passes the caller's identity and the request id on to the catalog", async () => {
    await placeOrder({ productId: products['USB-C cable'], quantity: 1 })
      .set('x-request-id', 'trace-orders-1')
      .expect(201);
    expect(catalog.seen).toHaveLength(1);
    expect(catalog.seen[0]!.url).toBe(`/api/catalog/products/${products['USB-C cable']}`);
    expect(catalog.seen[0]!.headers).toMatchObject({
      'x-user-id': 'user-alice',
      'x-user-name': 'alice',
      'x-user-roles': 'user',
      'x-request-id': 'trace-orders-1',
    });
  });

  it('keeps totals exact in cents', async () => {
    const res = await placeOrder({ productId: products['USB-C cable'], quantity: 7 }).expect(201);
    expect(res.body).toMatchObject({ unitPrice: 9.99, total: 69.93 });
    const big = await placeOrder({ productId: products['27-inch monitor'], quantity: 1000 }).expect(201);
    expect(big.body).toMatchObject({ unitPrice: 249, total: 249000 });
    const rows = await db.query<{ total: string }>('test', 'SELECT total::text FROM orders WHERE id = $1', [
      res.body.id,
    ]);
    expect(rows[0]?.total).toBe('69.93');
  });

  it.each([
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['"2"', '2'],
    ['1001', 1001],
    ['null', null],
  ])('answers 400 for quantity %s', async (_label, quantity) => {
    const res = await placeOrder({ productId: products['USB-C cable'], quantity }).expect(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      message: expect.stringMatching(/^quantity (must be an integer between 1 and 1000|is required)$/),
    });
    expect(catalog.seen).toHaveLength(0);
  });

  it.each([
    [{ quantity: 1 }, 'productId is required'],
    [{ productId: 42, quantity: 1 }, 'productId must be a string'],
    [{ productId: [UNKNOWN_ID], quantity: 1 }, 'productId must be a string'],
    [{ productId: '', quantity: 1 }, 'productId must not be empty'],
    [[UNKNOWN_ID, 1], 'The body must be a JSON object'],
  ])('answers 400 for %j', async (body, message) => {
    await placeOrder(body).expect(400, { error: 'invalid_request', message });
  });

  it('answers 422 for a product the catalog does not know', async () => {
    const res = await placeOrder({ productId: UNKNOWN_ID, quantity: 1 }).expect(422);
    expect(res.body).toEqual({ error: 'unprocessable', message: `Product ${UNKNOWN_ID} does not exist` });
    expect(catalog.seen).toHaveLength(1);
  });

  it('answers 422 for a product id that cannot exist, without asking the catalog', async () => {
    const res = await placeOrder({ productId: '../../healthz', quantity: 1 }).expect(422);
    expect(res.body).toEqual({ error: 'unprocessable', message: 'Product ../../healthz does not exist' });
    expect(catalog.seen).toHaveLength(0);
  });

  it('answers 401 without identity, on every route', async () => {
    await request(app)
      .post('/api/orders')
      .send({ productId: products['USB-C cable'], quantity: 1 })
      .expect(401, { error: 'unauthorized', message: 'Authentication required' });
    await request(app).get('/api/orders').expect(401);
    await request(app).get(`/api/orders/${UNKNOWN_ID}`).expect(401);
    expect(catalog.seen).toHaveLength(0);
  });
});

describe('GET /api/orders', () => {
  it("lists only the caller's orders, newest first", async () => {
    const first = (await placeOrder({ productId: products['USB-C cable'], quantity: 1 }, bob).expect(201)).body;
    const second = (await placeOrder({ productId: products['27-inch monitor'], quantity: 2 }, bob).expect(201)).body;
    expect(await ordersOf(bob)).toEqual([second, first]);
    const aliceOrders = await ordersOf(alice);
    expect(aliceOrders.length).toBeGreaterThan(0);
    expect(aliceOrders.every((order: { userId: string }) => order.userId === 'user-alice')).toBe(true);
    const times = aliceOrders.map((order: { createdAt: string }) => order.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('answers an empty list to a caller without orders', async () => {
    expect(await ordersOf({ 'x-user-id': 'user-new' })).toEqual([]);
  });
});

describe('GET /api/orders/:id', () => {
  it("returns the caller's own order", async () => {
    const order = (await placeOrder({ productId: products['USB-C cable'], quantity: 2 }).expect(201)).body;
    await request(app).get(`/api/orders/${order.id}`).set(alice).expect(200, order);
  });

  it("answers the same 404 for someone else's order, an unknown id and a malformed id", async () => {
    const order = (await placeOrder({ productId: products['USB-C cable'], quantity: 2 }).expect(201)).body;
    const notFound = { error: 'not_found', message: 'No order with this id' };
    await request(app).get(`/api/orders/${order.id}`).set(bob).expect(404, notFound);
    await request(app).get(`/api/orders/${UNKNOWN_ID}`).set(alice).expect(404, notFound);
    await request(app).get('/api/orders/not-a-uuid').set(alice).expect(404, notFound);
    await request(app)
      .get(`/api/orders/${encodeURIComponent("1' OR '1'='1")}`)
      .set(alice)
      .expect(404, notFound);
  });
});

describe('when the catalog is in trouble', () => {
  it('answers 503 JSON when no catalog replica accepts connections, and stores nothing', async () => {
    const before = (await ordersOf(alice)).length;
    const down = ordersApp([`http://127.0.0.1:${await getFreePort()}`]);
    const res = await placeOrder({ productId: products['USB-C cable'], quantity: 1 }, alice, down).expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'catalog_unavailable', message: 'The catalog service is unavailable' });
    expect(await ordersOf(alice)).toHaveLength(before);
  });

  it('names every replica it tried when all of them are down', async () => {
    const down = ordersApp([`http://127.0.0.1:${await getFreePort()}`, `http://127.0.0.1:${await getFreePort()}`]);
    const res = await placeOrder({ productId: products['USB-C cable'], quantity: 1 }, alice, down).expect(503);
    expect(res.body).toEqual({
      error: 'catalog_unavailable',
      message: 'None of the 2 catalog service replicas could be reached',
    });
  });

  it('answers 503 when the catalog fails with a 5xx', async () => {
    const failing = await brokenCatalog('fails');
    try {
      const res = await placeOrder(
        { productId: products['USB-C cable'], quantity: 1 },
        alice,
        ordersApp([failing.url]),
      ).expect(503);
      expect(res.body).toEqual({ error: 'catalog_unavailable', message: 'The catalog service failed (HTTP 500)' });
    } finally {
      await failing.close();
    }
  });

  it('answers 504 when the catalog does not answer in time, instead of hanging', async () => {
    const hanging = await brokenCatalog('hangs');
    try {
      const started = Date.now();
      const res = await placeOrder(
        { productId: products['USB-C cable'], quantity: 1 },
        alice,
        ordersApp([hanging.url], 300),
      ).expect(504);
      expect(res.body).toEqual({
        error: 'catalog_timeout',
        message: 'The catalog service did not answer within 300 ms',
      });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await hanging.close();
    }
  });

  it('still orders when the first catalog replica is dead, by trying the next one', async () => {
    const halfDown = ordersApp([`http://127.0.0.1:${await getFreePort()}`, catalogUrl]);
    for (let i = 0; i < 3; i += 1) {
      await placeOrder({ productId: products['USB-C cable'], quantity: 1 }, alice, halfDown).expect(201);
    }
    expect(catalog.seen).toHaveLength(3);
  });

  it('spreads lookups over the live catalog replicas in turn', async () => {
    const secondUrl = await catalog.addReplica('catalog-2');
    const both = ordersApp([catalogUrl, secondUrl]);
    for (let i = 0; i < 4; i += 1) {
      await placeOrder({ productId: products['USB-C cable'], quantity: 1 }, alice, both).expect(201);
    }
    expect(catalog.seen.map((seen) => seen.replica)).toEqual(['catalog-1', 'catalog-2', 'catalog-1', 'catalog-2']);
  });
});
