import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import type { Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { RealCatalog } from '../test/real-catalog';
import { ordersService } from './app';
import { IdempotencyKeys } from './data-access/idempotency-keys';
import { ordersMigrations } from './data-access/migrations';

let testDb: MigratedTestDatabase;
let catalog: RealCatalog;
let catalogUrl: string;
let product: string;
let otherProduct: string;
/** Two replicas of orders, each with its own pool on the one database. */
let replicas: [RequestListener, RequestListener];
let pools: [Database, Database];

function ordersReplica(db: Database, name: string): RequestListener {
  const config = ordersService.loadConfig({
    DATABASE_URL: testDb.url,
    INSTANCE_ID: name,
    CATALOG_SERVICE_URLS: catalogUrl,
  });
  return ordersService.createApp({ config, db, logger: createLogger('orders-service', name, 'silent') }).app;
}

/** A caller of its own, so every test counts only its orders. */
const newCaller = () => {
  const id = `user-${randomUUID()}`;
  return { 'x-user-id': id, 'x-user-name': id, 'x-user-roles': 'user' };
};

const post = (caller: Record<string, string>, body: object, key?: string, replica = replicas[0]) => {
  const req = request(replica).post('/api/orders').set(caller);
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req.send(body);
};

const ordersInDatabase = async (caller: Record<string, string>) =>
  (
    await testDb.db.query<{ id: string }>('test', 'SELECT id FROM orders WHERE user_id = $1', [caller['x-user-id']])
  ).map((row) => row.id);

beforeAll(async () => {
  catalog = await RealCatalog.start();
  catalogUrl = await catalog.addReplica('catalog-1');
  const products = await catalog.productIds(catalogUrl);
  product = products['USB-C cable']!;
  otherProduct = products['Mechanical keyboard']!;
  testDb = await migratedTestDatabase('orders_idempotency', ordersMigrations);
  pools = [testDb.db, testDb.open('orders-2')];
  replicas = [ordersReplica(pools[0], 'orders-1'), ordersReplica(pools[1], 'orders-2')];
});

afterAll(async () => {
  await catalog.stop();
  await testDb.drop();
});

describe('POST /api/orders with an Idempotency-Key', () => {
  it('answers a retry with the first order (same id, status and body), says it is a replay, and creates nothing', async () => {
    const caller = newCaller();
    const key = randomUUID();
    const first = await post(caller, { productId: product, quantity: 2 }, key).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // On the other replica, with the same order written another way: it is the same request.
    const retry = await post(caller, { quantity: 2, productId: product }, key, replicas[1]).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['location']).toBe(first.headers['location']);
    expect(await ordersInDatabase(caller)).toEqual([first.body.id]);
  });

  it('answers 422 to the same key with another order, and keeps the first', async () => {
    const caller = newCaller();
    const key = randomUUID();
    const first = await post(caller, { productId: product, quantity: 1 }, key).expect(201);
    for (const other of [
      { productId: product, quantity: 3 },
      { productId: otherProduct, quantity: 1 },
    ]) {
      const res = await post(caller, other, key).expect(422);
      expect(res.body).toEqual({
        error: 'idempotency_key_reused',
        message: 'This Idempotency-Key was already used for a different order; use a new key for a new order',
      });
    }
    expect(await ordersInDatabase(caller)).toEqual([first.body.id]);
  });

  it('keeps keys per caller: the same key from two callers is two orders', async () => {
    const key = randomUUID();
    const [alice, bob] = [newCaller(), newCaller()];
    const a = await post(alice, { productId: product, quantity: 1 }, key).expect(201);
    const b = await post(bob, { productId: product, quantity: 1 }, key).expect(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.body.id).not.toBe(b.body.id);
    expect(b.body.userId).toBe(bob['x-user-id']);
  });

  it('places N orders for N POSTs without a key (that is what a POST means)', async () => {
    const caller = newCaller();
    for (let i = 0; i < 3; i += 1) await post(caller, { productId: product, quantity: 1 }).expect(201);
    expect(await ordersInDatabase(caller)).toHaveLength(3);
  });

  it('gives 20 parallel requests with one key, across two replicas, one order and the same answer', async () => {
    const caller = newCaller();
    const key = randomUUID();
    const claims = () => pools.reduce((sum, pool) => sum + (pool.queryCounts()['order-key.claim'] ?? 0), 0);
    const claimsBefore = claims();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(caller, { productId: product, quantity: 4 }, key, replicas[i % 2])),
    );
    expect(answers.map((res) => res.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((res) => res.body.id)).size).toBe(1);
    expect(answers.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await ordersInDatabase(caller)).toEqual([answers[0]!.body.id]);
    // Several raced into the transaction (none had seen the key yet), and waited on the first.
    expect(claims() - claimsBefore).toBeGreaterThan(1);
  });

  it('refuses malformed keys with 400 and creates nothing', async () => {
    const caller = newCaller();
    for (const key of ['', 'k'.repeat(256), 'clé-accentuée']) {
      const res = await post(caller, { productId: product, quantity: 1 }, key);
      expect([key.length, res.status, res.body.error]).toEqual([key.length, 400, 'invalid_idempotency_key']);
    }
    await post(caller, { productId: product, quantity: 1 }, 'k'.repeat(255)).expect(201);
    await post(caller, { productId: product, quantity: 1 }, 'order 2024-01-01 #1 (retry-safe)').expect(201);
    expect(await ordersInDatabase(caller)).toHaveLength(2);
  });

  it('remembers a key for 24 h: an expired key places a new order, and pruning removes expired keys', async () => {
    const caller = newCaller();
    const key = randomUUID();
    const first = await post(caller, { productId: product, quantity: 1 }, key).expect(201);
    const age = (hours: number) =>
      testDb.db.query(
        'test',
        `UPDATE order_idempotency_keys SET created_at = now() - $2 * interval '1 hour' WHERE user_id = $1`,
        [caller['x-user-id'], hours],
      );
    await age(23.9);
    expect((await post(caller, { productId: product, quantity: 1 }, key).expect(201)).body.id).toBe(first.body.id);
    await age(24.1);
    const later = await post(caller, { productId: product, quantity: 5 }, key).expect(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.body.id).not.toBe(first.body.id);

    await age(25);
    const keys = new IdempotencyKeys(testDb.db);
    expect(await keys.pruneExpired()).toBeGreaterThanOrEqual(1);
    const left = await testDb.db.query('test', 'SELECT 1 FROM order_idempotency_keys WHERE user_id = $1', [
      caller['x-user-id'],
    ]);
    expect(left).toHaveLength(0);
    // The orders themselves stay: only the memory of the key is gone.
    expect(await ordersInDatabase(caller)).toHaveLength(2);
  });

  it('stores no key when the order fails, so a retry can still succeed', async () => {
    const caller = newCaller();
    const key = randomUUID();
    await post(caller, { productId: randomUUID(), quantity: 1 }, key).expect(422);
    await post(caller, { productId: product, quantity: 1 }, key).expect(201);
    expect(await ordersInDatabase(caller)).toHaveLength(1);
  });
});
