import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { getFreePort, startLocalPostgres, type LocalPostgres } from '@jwt-msa/local-postgres';
import {
  callsOf,
  SERVICE_NAMES,
  SERVICES,
  UPSTREAM_NAMES,
  upstreamUrlsVariable,
  type ServiceEntry,
  type ServiceName,
  type UpstreamName,
} from '@jwt-msa/topology';
import { Instance } from './instance';

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
const databaseOf = (service: ServiceName): string | undefined => (SERVICES[service] as ServiceEntry).database;

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
      const database = databaseOf(service);
      if (database) await postgres.ensureDatabase(database);
    }
    const gatewayPort = options.gatewayPort || (await getFreePort());
    const gatewayUrl = `http://localhost:${gatewayPort}`;
    const adminPort = options.gatewayAdminPort || (await getFreePort());
    const ports = {} as Record<ServiceName, number[]>;
    for (const service of SERVICE_NAMES) {
      ports[service] = [];
      if (SERVICES[service].kind === 'edge') {
        ports[service].push(gatewayPort);
        continue;
      }
      for (let i = 0; i < (options.scale?.[service] ?? 1); i += 1) ports[service].push(await getFreePort());
    }
    const urlsOf = (upstream: UpstreamName) => ports[upstream].map((port) => `http://127.0.0.1:${port}`).join(',');
    const upstreamUrls = (names: readonly UpstreamName[]) =>
      Object.fromEntries(names.map((name) => [upstreamUrlsVariable(name), urlsOf(name)]));
    const shared = { JWT_ISSUER: gatewayUrl, LOG_LEVEL: options.logLevel ?? 'info' };
    const bootstrapAdmin = options.admin && {
      ADMIN_USERNAME: options.admin.username,
      ADMIN_PASSWORD: options.admin.password,
    };
    /** What a replica of each service is told: where its database is, and the services it calls. */
    const envOf = (service: ServiceName): Record<string, string> => {
      const database = databaseOf(service);
      return {
        ...shared,
        ...(database && { DATABASE_URL: postgres.url(database) }),
        ...upstreamUrls(SERVICES[service].kind === 'edge' ? UPSTREAM_NAMES : callsOf(service)),
        ...(SERVICES[service].kind === 'edge' && { ADMIN_PORT: String(adminPort) }),
        // The issuer holds the users: the bootstrap admin is created there.
        ...(service === 'auth' && bootstrapAdmin),
        ...options.env?.[service],
      };
    };

    for (const service of SERVICE_NAMES) {
      ports[service].forEach((port, i) => {
        const name = `${service}-${i + 1}`;
        instances.push(
          new Instance({
            name,
            service,
            bundle: bundleOf(service),
            port,
            env: envOf(service),
            logFile: path.join(logsDir, `${name}.log`),
            onLine: options.onLine ?? (() => undefined),
          }),
        );
      });
    }
    // Services first, the edges last: an edge becomes ready once it can load the issuer's JWKS.
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    const isEdge = (instance: Instance) => SERVICES[instance.service].kind === 'edge';
    for (const phase of [instances.filter((i) => !isEdge(i)), instances.filter(isEdge)]) {
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

/** Edges first (no new traffic), then the services, then the database. */
async function stopAll(instances: Instance[], postgres: LocalPostgres): Promise<void> {
  const isEdge = (instance: Instance) => SERVICES[instance.service].kind === 'edge';
  await Promise.all(instances.filter(isEdge).map((i) => i.stop()));
  await Promise.all(instances.filter((i) => !isEdge(i)).map((i) => i.stop()));
  await postgres.stop();
}
