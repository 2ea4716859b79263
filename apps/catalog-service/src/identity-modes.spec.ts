import request from 'supertest';
import type { Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { describeIdentityModes, outcomeOf } from '@jwt-msa/test-contracts';
import { catalogService } from './app';
import { catalogMigrations } from './data-access/migrations';

let testDb: MigratedTestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await migratedTestDatabase('catalog_identity', catalogMigrations);
  db = testDb.db;
});
afterAll(async () => {
  await testDb.drop();
});

const catalogApp = (env: Record<string, string>) =>
  catalogService.createApp({
    config: catalogService.loadConfig({ DATABASE_URL: testDb.url, ...env }),
    db,
    logger: createLogger('catalog-service', 'c-1', 'silent'),
  }).app;

// The catalog's probe is its admin-only write: root may add a product, alice may not.
describeIdentityModes('catalog-service', () => ({
  app: catalogApp,
  probe: (app, headers) =>
    outcomeOf(request(app).post('/api/catalog/products').set(headers).send({ name: 'Probe', price: 1 })),
  expected: { alice: { status: 403 }, root: { status: 201 }, anonymous: { status: 401 } },
}));

describe('catalog-service in verify-token mode', () => {
  it('still serves public reads without a token', async () => {
    const app = catalogApp({ VERIFY_FORWARDED_TOKEN: 'true', JWKS_URLS: 'http://127.0.0.1:9/jwks' });
    const res = await request(app).get('/api/catalog/products').expect(200);
    expect(res.body.total).toBeGreaterThanOrEqual(3);
  });
});
