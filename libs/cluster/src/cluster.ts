import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { getFreePort, startLocalPostgres, type LocalPostgres } from '@jwt-msa/local-postgres';
import { Instance } from './instance';
import { SERVICE_NAMES, SERVICES, type ServiceName } from './services';

export interface ClusterOptions {
  /** Absolute; holds postgres/ and logs/. */
  dataDir: string;
  /** 0 = any free port. */
  gatewayPort: number;
  /** The gateway's internal metrics listener; 0 = any free port. */
  gatewayAdminPort?: number;
  scale?: Partial<Record<ServiceName, number>>;
  admin?: { username: string; password: string };
  logLevel?: string;
  /** Extra environment per service (tests use it for short TTLs and the like). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  onLine?: (instance: string, line: string) => void;
  onPostgresLog?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface LocalCluster {
  gatewayUrl: string;
  /** The gateway's internal listener: /metrics, /replicas, /replicas/<service>/metrics. */
  adminUrl: string;
  postgres: LocalPostgres;
  instances: Instance[];
  replicasOf(service: ServiceName): Instance[];
  stop(): Promise<void>;
}

/** Where `nx build` puts each app's bundle; this file sits three levels below the repo root in src and dist alike. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const bundleOf = (service: ServiceName) => path.join(REPO_ROOT, 'dist', 'apps', SERVICES[service].app, 'main.js');

/**
 * The whole system on one machine: a real PostgreSQL with one database per service, and every
 * service as N replica processes on loopback, the gateway knowing every replica's URL.
 */
export async function startLocalCluster(options: ClusterOptions): Promise<LocalCluster> {
  const logsDir = path.join(options.dataDir, 'logs');
  await mkdir(logsDir, { recursive: true });
  const postgres = await startLocalPostgres({
    dataDir: path.join(options.dataDir, 'postgres'),
    ...(options.onPostgresLog && { onLog: options.onPostgresLog }),
  });
  const instances: Instance[] = [];
  try {
    for (const service of SERVICE_NAMES) {
      const database = SERVICES[service].database;
      if (database) await postgres.ensureDatabase(database);
    }
    const gatewayPort = options.gatewayPort || (await getFreePort());
    const gatewayUrl = `http://localhost:${gatewayPort}`;
    const adminPort = options.gatewayAdminPort || (await getFreePort());
    const ports: Record<ServiceName, number[]> = {
      auth: [],
      catalog: [],
      orders: [],
      profile: [],
      gateway: [gatewayPort],
    };
    for (const service of SERVICE_NAMES) {
      if (service === 'gateway') continue;
      for (let i = 0; i < (options.scale?.[service] ?? 1); i += 1) ports[service].push(await getFreePort());
    }
    const urls = (service: ServiceName) => ports[service].map((port) => `http://127.0.0.1:${port}`).join(',');
    const shared = { JWT_ISSUER: gatewayUrl, LOG_LEVEL: options.logLevel ?? 'info' };
    const env: Record<ServiceName, Record<string, string>> = {
      auth: {
        ...shared,
        DATABASE_URL: postgres.url('auth'),
        ...(options.admin && { ADMIN_USERNAME: options.admin.username, ADMIN_PASSWORD: options.admin.password }),
      },
      catalog: { ...shared, DATABASE_URL: postgres.url('catalog') },
      orders: { ...shared, DATABASE_URL: postgres.url('orders'), CATALOG_SERVICE_URLS: urls('catalog') },
      profile: { ...shared, DATABASE_URL: postgres.url('profile') },
      gateway: {
        ...shared,
        AUTH_SERVICE_URLS: urls('auth'),
        CATALOG_SERVICE_URLS: urls('catalog'),
        ORDERS_SERVICE_URLS: urls('orders'),
        PROFILE_SERVICE_URLS: urls('profile'),
        ADMIN_PORT: String(adminPort),
      },
    };

    for (const service of SERVICE_NAMES) {
      const gatewayReplicas = service === 'gateway' ? 1 : ports[service].length;
      for (let i = 0; i < gatewayReplicas; i += 1) {
        const name = `${service}-${i + 1}`;
        instances.push(
          new Instance({
            name,
            service,
            bundle: bundleOf(service),
            port: ports[service][i]!,
            env: { ...env[service], ...options.env?.[service] },
            logFile: path.join(logsDir, `${name}.log`),
            onLine: options.onLine ?? (() => undefined),
          }),
        );
      }
    }
    // Services first, the gateway last: it becomes ready once it can load the issuer's JWKS.
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    for (const phase of [
      instances.filter((i) => i.service !== 'gateway'),
      instances.filter((i) => i.service === 'gateway'),
    ]) {
      for (const instance of phase) instance.start();
      await Promise.all(phase.map((instance) => instance.waitUntilReady(readyTimeoutMs)));
    }

    let stopping: Promise<void> | undefined;
    return {
      gatewayUrl,
      adminUrl: `http://127.0.0.1:${adminPort}`,
      postgres,
      instances,
      replicasOf: (service) => instances.filter((instance) => instance.service === service),
      stop: () => (stopping ??= stopAll(instances, postgres)),
    };
  } catch (error) {
    await stopAll(instances, postgres);
    throw error;
  }
}

/** Gateway first (no new traffic), then the services, then the database. */
async function stopAll(instances: Instance[], postgres: LocalPostgres): Promise<void> {
  await Promise.all(instances.filter((i) => i.service === 'gateway').map((i) => i.stop()));
  await Promise.all(instances.filter((i) => i.service !== 'gateway').map((i) => i.stop()));
  await postgres.stop();
}
