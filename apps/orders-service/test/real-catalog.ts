import path from 'node:path';
import { Instance } from '@jwt-msa/cluster';
import {
  createTestDatabase,
  getFreePort,
  recordingServer,
  type Recorded,
  type RecordingServer,
  type TestDatabase,
} from '@jwt-msa/testing';

export interface SeenRequest extends Recorded {
  replica: string;
}

const CATALOG_BUNDLE = path.resolve(__dirname, '..', '..', '..', 'dist', 'apps', 'catalog-service', 'main.js');

/**
 * The real catalog-service (its built bundle, migrations and seed) on its own test database, one
 * process per replica, each behind a recording front that passes every request on unchanged: the
 * orders tests exercise real HTTP end to end and see exactly what reached each replica.
 */
export class RealCatalog {
  readonly seen: SeenRequest[] = [];
  private readonly replicas: Array<{ instance: Instance; front: RecordingServer }> = [];

  private constructor(private readonly testDb: TestDatabase) {}

  static async start(): Promise<RealCatalog> {
    return new RealCatalog(await createTestDatabase('orders_catalog'));
  }

  /**
   * Starts one more replica and returns the base URL orders should call; its front can listen on
   * another loopback address (several replicas behind one name and port, as DNS would have them).
   */
  async addReplica(name: string, front: { host?: string; port?: number } = {}): Promise<string> {
    const instance = new Instance({
      name,
      service: 'catalog',
      bundle: CATALOG_BUNDLE,
      port: await getFreePort(),
      env: { DATABASE_URL: this.testDb.url, LOG_LEVEL: 'warn' },
      logFile: '/dev/null',
      onLine: () => undefined,
    });
    instance.start();
    await instance.waitUntilReady(30_000);
    const recorder = await recordingServer(async (request) => {
      this.seen.push({ ...request, replica: name });
      const reply = await fetch(`${instance.url}${request.url}`, { headers: forwardable(request) });
      return { status: reply.status, body: await reply.text() };
    }, front);
    this.replicas.push({ instance, front: recorder });
    return recorder.url;
  }

  async productIds(baseUrl: string): Promise<Record<string, string>> {
    const { items } = (await (await fetch(`${baseUrl}/api/catalog/products`)).json()) as {
      items: Array<{ id: string; name: string }>;
    };
    this.seen.length = 0;
    return Object.fromEntries(items.map((item) => [item.name, item.id]));
  }

  async stop(): Promise<void> {
    await Promise.all(this.replicas.map(({ instance, front }) => Promise.all([instance.stop(), front.close()])));
    await this.testDb.drop();
  }
}

function forwardable(request: Recorded): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).filter(
      (entry): entry is [string, string] =>
        typeof entry[1] === 'string' && entry[0] !== 'host' && entry[0] !== 'connection',
    ),
  );
}

/** A real HTTP server standing in for a broken catalog: it fails, or never answers. */
export async function brokenCatalog(behaviour: 'fails' | 'hangs'): Promise<RecordingServer> {
  return recordingServer(() => (behaviour === 'hangs' ? 'hang' : { status: 500, body: { error: 'internal_error' } }));
}
