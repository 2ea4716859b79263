import { Client } from 'pg';
import {
  ADMIN_URL_VARIABLE,
  createTestDatabase,
  getFreePort,
  startTestPostgres,
  stopTestPostgres,
  type TestDatabase,
} from './index';

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const client = await connect(url);
  try {
    const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
    return rows[0]?.found === table;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  let first: TestDatabase;
  let second: TestDatabase;

  beforeAll(async () => {
    first = await createTestDatabase('Auth-Service');
    second = await createTestDatabase('Auth-Service');
  });

  afterAll(async () => {
    await first.drop();
    await second.drop();
  });

  it('gives each caller its own database on the same server', async () => {
    expect(first.name).toMatch(/^test_auth_service_[0-9a-f]{8}$/);
    expect(second.name).not.toBe(first.name);
    expect(new URL(first.url).host).toBe(new URL(second.url).host);
    expect(new URL(first.url).pathname).toBe(`/${first.name}`);

    const client = await connect(first.url);
    await client.query('CREATE TABLE account (id int)');
    await client.end();

    expect(await tableExists(first.url, 'account')).toBe(true);
    expect(await tableExists(second.url, 'account')).toBe(false);
  });

  it('drops a database even while a test still holds a connection to it', async () => {
    const throwaway = await createTestDatabase('throwaway');
    const leftOpen = await connect(throwaway.url);
    leftOpen.on('error', () => undefined); // the drop terminates this connection

    await throwaway.drop();
    await throwaway.drop();

    await expect(connect(throwaway.url)).rejects.toMatchObject({ code: '3D000' });
    await leftOpen.end().catch(() => undefined);
  });
});

describe('startTestPostgres', () => {
  afterEach(() => {
    delete process.env[ADMIN_URL_VARIABLE];
  });

  it('shares one server with the other test files of this worker', async () => {
    const adminUrl = await startTestPostgres();
    let fromAnotherFile: string | undefined;
    // A fresh module registry, exactly what jest gives the next test file run by this worker.
    await jest.isolateModulesAsync(async () => {
      const otherFilesCopy = await import('./test-postgres');
      fromAnotherFile = await otherFilesCopy.startTestPostgres();
    });
    expect(fromAnotherFile).toBe(adminUrl);
  });

  it(`uses the server named by ${ADMIN_URL_VARIABLE} instead of starting one`, async () => {
    const ownServer = await startTestPostgres();
    const external = new URL(ownServer);
    external.searchParams.set('application_name', 'external');
    process.env[ADMIN_URL_VARIABLE] = external.toString();

    expect(await startTestPostgres()).toBe(external.toString());
    const db = await createTestDatabase('external');
    expect(new URL(db.url).searchParams.get('application_name')).toBe('external');
    await db.drop();
  });

  it('stops the worker server on request and starts a new one when needed again', async () => {
    const before = new URL(await startTestPostgres());
    await stopTestPostgres();
    await expect(connect(before.toString())).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const after = new URL(await startTestPostgres());
    expect(after.port).not.toBe(before.port);
    const client = await connect(after.toString());
    await client.end();
  });
});

describe('getFreePort', () => {
  it('returns a bindable port', async () => {
    const port = await getFreePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});
