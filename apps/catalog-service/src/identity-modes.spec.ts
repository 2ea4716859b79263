import request from 'supertest';
import { Database, runMigrations } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { createTestDatabase, type TestDatabase } from '@jwt-msa/testing';
import { describeIdentityModes, outcomeOf } from '../../../libs/token-verifier/test/identity-modes';
import { catalogService } from './app';
import { catalogMigrations } from './data-access/migrations';

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase('catalog_identity');
  db = new Database({
    url: testDb.url,
    poolSize: 3,
    statementTimeoutMs: 5000,
    connectionTimeoutMs: 3000,
    applicationName: 'catalog-identity-test',
  });
  await runMigrations(db, catalogMigrations);
});
afterAll(async () => {
  await db.close();
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
