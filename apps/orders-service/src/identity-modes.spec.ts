import request from 'supertest';
import type { Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { describeIdentityModes, outcomeOf } from '@jwt-msa/test-contracts';
import { ordersService } from './app';
import { ordersMigrations } from './data-access/migrations';

let testDb: MigratedTestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await migratedTestDatabase('orders_identity', ordersMigrations);
  db = testDb.db;
  // One order each, so a listing shows whose orders the service answered with.
  for (const userId of ['id-alice', 'id-root']) {
    await db.query(
      'test.seed',
      `INSERT INTO orders (user_id, product_id, product_name, quantity, unit_price, total)
      VALUES ($1, gen_random_uuid(), 'Seed', 1, 1.00, 1.00)`,
      [userId],
    );
  }
});
afterAll(async () => {
  await testDb.drop();
});

describeIdentityModes('orders-service', () => ({
  app: (env) =>
    ordersService.createApp({
      config: ordersService.loadConfig({
        DATABASE_URL: testDb.url,
        CATALOG_SERVICE_URLS: 'http://127.0.0.1:9',
        ...env,
      }),
      db,
      logger: createLogger('orders-service', 'o-1', 'silent'),
    }).app,
  probe: (app, headers) =>
    outcomeOf(
      request(app).get('/api/orders').set(headers),
      (body) => (body['items'] as Array<{ userId: string }>)[0]?.userId,
    ),
  expected: {
    alice: { status: 200, userId: 'id-alice' },
    root: { status: 200, userId: 'id-root' },
    anonymous: { status: 401 },
  },
}));
