import { Router } from 'express';
import request from 'supertest';
import { principalOf, principalOfUser } from '@jwt-msa/claims';
import { ConfigError, setting } from '@jwt-msa/config';
import { createTestDatabase, migratedTestDatabase, type TestDatabase } from '@jwt-msa/testing';
import { createLogger, dataService, type IdentityMode } from './index';

const logger = createLogger('widgets-service', 'w-1', 'silent');
let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase('data_service');
});
afterAll(() => testDb.drop());

const events: string[] = [];
const asRoot: IdentityMode<{ trustEveryone: ReturnType<typeof setting.boolean> }> = {
  settings: { trustEveryone: setting.boolean('TRUST_EVERYONE', { default: false, description: 'test' }) },
  middleware: (config) =>
    config.trustEveryone
      ? (_req, res, next) => {
          res.locals.principal = principalOfUser({ sub: 'root', username: 'root', roles: ['admin'] });
          next();
        }
      : undefined,
};

const widgets = dataService({
  name: 'widgets-service',
  settings: {
    colour: setting.oneOf('WIDGET_COLOUR', ['red', 'blue'] as const, { default: 'red', description: 'test' }),
  },
  migrations: [{ id: 1, name: 'widgets', sql: "CREATE TABLE widgets (name text); INSERT INTO widgets VALUES ('w')" }],
  identity: asRoot,
  wire: ({ config, db }) => {
    const routes = Router();
    routes.get('/api/widgets', async (_req, res) => {
      const rows = await db.query<{ name: string }>('widget.list', 'SELECT name FROM widgets');
      res.json({
        colour: config.colour,
        names: rows.map((row) => row.name),
        caller: res.locals.principal?.userId ?? null,
      });
    });
    routes.get('/api/me', (_req, res) => {
      res.json({ userId: principalOf(res).userId });
    });
    return {
      routes,
      readiness: { widgets: async () => undefined },
      prepare: async () => void events.push('prepared'),
      background: [{ start: () => void events.push('started'), stop: () => void events.push('stopped') }],
    };
  },
});

describe('the data-service template', () => {
  it('reads every service setting, the database settings, the identity mode and its own, once', () => {
    const config = widgets.loadConfig({ DATABASE_URL: testDb.url, WIDGET_COLOUR: 'blue', TRUST_EVERYONE: 'true' });
    expect(config).toMatchObject({ colour: 'blue', trustEveryone: true, databasePoolSize: 10, port: 3000 });
    expect(() => widgets.loadConfig({ WIDGET_COLOUR: 'green' })).toThrow(ConfigError);
    expect(Object.keys(widgets.schema)).toEqual(
      expect.arrayContaining(['databaseUrl', 'trustEveryone', 'colour', 'bodyLimitBytes']),
    );
  });

  it('builds a replica: migrations applied, prepared before it serves, named once everywhere', async () => {
    const config = widgets.loadConfig({ DATABASE_URL: testDb.url, INSTANCE_ID: 'w-1' });
    const built = await widgets.build(config, logger);
    try {
      expect(events).toEqual(['prepared']);
      const res = await request(built.service.app).get('/api/widgets').expect(200);
      expect(res.body).toEqual({ colour: 'red', names: ['w'], caller: null });
      expect(res.headers['x-served-by']).toBe('widgets-service/w-1');
      await request(built.service.app)
        .get('/readyz')
        .expect(200, { status: 'ready', instance: 'w-1', checks: { database: 'ok', widgets: 'ok' } });
      const metrics = (await request(built.service.app).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/db_queries_total\{purpose="widget\.list",service="widgets-service",instance="w-1"\} 1/);
      expect(built.background).toHaveLength(1);
    } finally {
      for (const hook of built.onShutdown ?? []) await hook();
    }
  });

  it('identifies callers by the edge headers, or by the identity mode the configuration turns on', async () => {
    const database = await migratedTestDatabase('data_service_identity', []);
    try {
      const byHeaders = widgets.createApp({
        config: widgets.loadConfig({ DATABASE_URL: database.url }),
        db: database.db,
        logger,
      });
      await request(byHeaders.app).get('/api/me').expect(401);
      await request(byHeaders.app).get('/api/me').set('x-user-id', 'u-7').expect(200, { userId: 'u-7' });
      const trusting = widgets.createApp({
        config: widgets.loadConfig({ DATABASE_URL: database.url, TRUST_EVERYONE: 'true' }),
        db: database.db,
        logger,
      });
      await request(trusting.app).get('/api/me').set('x-user-id', 'u-7').expect(200, { userId: 'root' });
    } finally {
      await database.drop();
    }
  });
});
