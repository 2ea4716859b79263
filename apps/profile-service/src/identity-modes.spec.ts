import request from 'supertest';
import type { Database } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { migratedTestDatabase, type MigratedTestDatabase } from '@jwt-msa/testing';
import { describeIdentityModes, outcomeOf } from '@jwt-msa/test-contracts';
import { profileService } from './app';
import { profileMigrations } from './data-access/migrations';

let testDb: MigratedTestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await migratedTestDatabase('profile_identity', profileMigrations);
  db = testDb.db;
});
afterAll(async () => {
  await testDb.drop();
});

describeIdentityModes('profile-service', () => ({
  app: (env) =>
    profileService.createApp({
      config: profileService.loadConfig({ DATABASE_URL: testDb.url, ...env }),
      db,
      logger: createLogger('profile-service', 'p-1', 'silent'),
    }).app,
  probe: (app, headers) => outcomeOf(request(app).get('/api/profile/me').set(headers), (body) => body['sub']),
  expected: {
    alice: { status: 200, userId: 'id-alice' },
    root: { status: 200, userId: 'id-root' },
    anonymous: { status: 401 },
  },
}));
