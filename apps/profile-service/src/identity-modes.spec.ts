import request from 'supertest';
import { Database, runMigrations } from '@jwt-msa/db';
import { createLogger } from '@jwt-msa/service-defaults';
import { createTestDatabase, type TestDatabase } from '@jwt-msa/testing';
import { describeIdentityModes, outcomeOf } from '../../../libs/token-verifier/test/identity-modes';
import { profileService } from './app';
import { profileMigrations } from './data-access/migrations';

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase('profile_identity');
  db = new Database({
    url: testDb.url,
    poolSize: 3,
    statementTimeoutMs: 5000,
    connectionTimeoutMs: 3000,
    applicationName: 'profile-identity-test',
  });
  await runMigrations(db, profileMigrations);
});
afterAll(async () => {
  await db.close();
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
