import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Database, runMigrations } from '@jwt-msa/db';
import { createLogger, runService, type RunningService } from '@jwt-msa/service-defaults';
import { createTestDatabase, type TestDatabase } from '@jwt-msa/testing';
import { catalogService } from '../../catalog-service/src/app';
import { catalogMigrations } from '../../catalog-service/src/data-access/migrations';

export interface SeenRequest {
  replica: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * The real catalog-service (its own app, migrations and seed) on its own test database, with
 * replicas listening on ephemeral ports, so the orders tests exercise real HTTP end to end.
 */
export class RealCatalog {
  readonly seen: SeenRequest[] = [];
  private readonly replicas: RunningService[] = [];

  private constructor(
    private readonly testDb: TestDatabase,
    private readonly db: Database,
  ) {}

  static async start(): Promise<RealCatalog> {
    const testDb = await createTestDatabase('orders_catalog');
    const db = new Database({
      url: testDb.url,
      poolSize: 4,
      statementTimeoutMs: 5000,
      connectionTimeoutMs: 3000,
      applicationName: 'catalog-for-orders-test',
    });
    await runMigrations(db, catalogMigrations);
    return new RealCatalog(testDb, db);
  }

  /** Starts one more replica and returns its base URL. */
  async addReplica(instanceId: string): Promise<string> {
    const config = catalogService.loadConfig({ DATABASE_URL: this.testDb.url, INSTANCE_ID: instanceId });
    const logger = createLogger('catalog-service', instanceId, 'silent');
    const service = catalogService.createApp({ config, db: this.db, logger });
    const running = await runService({
      service,
      host: '127.0.0.1',
      port: 0,
      logger,
      shutdownGraceMs: 1000,
      exitOnShutdown: false,
    });
    // Records what reached the replica without touching its request handling.
    running.server.on('request', (req) =>
      this.seen.push({ replica: instanceId, url: req.url ?? '', headers: req.headers }),
    );
    this.replicas.push(running);
    return running.url;
  }

  async productIds(baseUrl: string): Promise<Record<string, string>> {
    const { items } = (await (await fetch(`${baseUrl}/api/catalog/products`)).json()) as {
      items: Array<{ id: string; name: string }>;
    };
    return Object.fromEntries(items.map((item) => [item.name, item.id]));
  }

  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.shutdown('test over')));
    await this.db.close();
    await this.testDb.drop();
  }
}

/** A real HTTP server standing in for a broken catalog: it fails, or never answers. */
export async function brokenCatalog(behaviour: 'fails' | 'hangs'): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    if (behaviour === 'hangs') return;
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal_error"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
