import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { getFreePort, startLocalPostgres, type LocalPostgres } from '@jwt-msa/local-postgres';
import {
  callsOf,
  CLUSTER_FILE_NAME,
  SERVICE_NAMES,
  SERVICES,
  UPSTREAM_NAMES,
  upstreamUrlsVariable,
  writeClusterFile,
  type ClusterFile,
  type ServiceEntry,
  type ServiceName,
  type UpstreamName,
} from '@jwt-msa/topology';
import { describeExit, Instance, type InstanceExit } from './instance';

export interface ClusterOptions {
  /** Absolute; holds postgres/, logs/ and cluster.json. */
  dataDir: string;
  /** The first gateway's port; further gateway replicas take the ports after it. 0 = any free port. */
  gatewayPort: number;
  /**
   * The first session gateway's port (the counter-example, with the postgres store on a
   * PostgreSQL server of its own); further replicas take the ports after it. 0 = any free port;
   * absent = no session gateway.
   */
  sessionGatewayPort?: number;
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
  /** The first gateway (the public URL, `JWT_ISSUER`). */
  gatewayUrl: string;
  /** Its internal listener: /metrics, /replicas, /replicas/<service>/metrics. */
  adminUrl: string;
  /** Every gateway replica, in port order. */
  gateways: ReadonlyArray<EdgeReplica>;
  /** Every session gateway replica (the counter-example), in port order; none unless asked for. */
  sessionGateways: ReadonlyArray<EdgeReplica>;
  postgres: LocalPostgres;
  /** The session gateways' own PostgreSQL (the shared session table), when they run. */
  sessionStore: LocalPostgres | undefined;
  /** What the auth replicas accept from a session gateway at its credentials check. */
  credentialsCheckSecret: string;
  instances: Instance[];
  /** What was started, as written to `<dataDir>/cluster.json`. */
  file: ClusterFile;
  replicasOf(service: ServiceName): Instance[];
  /**
   * Called once for the first replica that ends without being stopped by this cluster (`stop()`
   * or the replica's own `stop()`): a launcher says which, and gives up.
   */
  onReplicaExit(listener: (instance: Instance, exit: InstanceExit) => void): void;
  stop(): Promise<void>;
}

type EdgeReplica = { name: string; url: string; adminUrl: string };

/** Where `nx build` puts each app's bundle; this file sits three levels below the repo root in src and dist alike. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const bundleOf = (service: ServiceName): string =>
  path.join(REPO_ROOT, 'dist', 'apps', SERVICES[service].app, 'main.js');
/**
 * The sessions-vs-JWT runner, bundled by the launcher's build beside its main.js: the console runs
 * it as a child process when the launcher (or a test cluster) tells it where it is.
 */
export const SESSIONS_VS_JWT_RUNNER = path.join(REPO_ROOT, 'dist', 'tools', 'local-cluster', 'sessions-vs-jwt.js');
const databaseOf = (service: ServiceName): string | undefined => (SERVICES[service] as ServiceEntry).database;
const isEdge = (service: ServiceName) => SERVICES[service].kind === 'edge';
const isStatic = (service: ServiceName) => SERVICES[service].kind === 'static';
const sessionDatabaseOf = (service: ServiceName): string | undefined =>
  (SERVICES[service] as ServiceEntry).sessionDatabase;
const MAX_REPLICAS = 10;

/**
 * The whole system on one machine: a real PostgreSQL with one database per service, and every
 * service as N replica processes on loopback. Replicas start in dependency order (a service after
 * those it calls, the edges last), each on a port it binds itself and reports, so every caller is
 * given URLs that really are the replicas it means.
 */
export async function startLocalCluster(options: ClusterOptions): Promise<LocalCluster> {
  const logsDir = path.join(options.dataDir, 'logs');
  await mkdir(logsDir, { recursive: true });
  const postgres = await startLocalPostgres({
    dataDir: path.join(options.dataDir, 'postgres'),
    ...(options.onPostgresLog && { onLog: options.onPostgresLog }),
  });
  const instances: Instance[] = [];
  let sessionStore: LocalPostgres | undefined;
  const withSessions = options.sessionGatewayPort !== undefined;
  /** The services this cluster runs: every one, the session gateways only when asked for. */
  const runs = (service: ServiceName) => withSessions || !sessionDatabaseOf(service);
  try {
    for (const service of SERVICE_NAMES) {
      const database = databaseOf(service);
      if (database) await postgres.ensureDatabase(database);
    }
    const sessionDatabases = SERVICE_NAMES.filter(runs).flatMap((service) => sessionDatabaseOf(service) ?? []);
    if (sessionDatabases.length > 0) {
      sessionStore = await startLocalPostgres({
        dataDir: path.join(options.dataDir, 'sessions-postgres'),
        ...(options.onPostgresLog && { onLog: options.onPostgresLog }),
      });
      for (const database of sessionDatabases) await sessionStore.ensureDatabase(database);
    }
    const credentialsCheckSecret = randomBytes(32).toString('base64url');
    const replicaCount = (service: ServiceName) => Math.min(MAX_REPLICAS, Math.max(1, options.scale?.[service] ?? 1));
    const firstGatewayPort = options.gatewayPort || (await getFreePort());
    const firstSessionGatewayPort = withSessions ? options.sessionGatewayPort || (await getFreePort()) : 0;
    /** Edges listen where people reach them: the gateway port (or the session gateway's), and the ones after it. */
    const edgePort = (service: ServiceName, replica: number) =>
      (sessionDatabaseOf(service) ? firstSessionGatewayPort : firstGatewayPort) + replica;
    const gatewayUrl = `http://localhost:${firstGatewayPort}`;
    const shared = { JWT_ISSUER: gatewayUrl, LOG_LEVEL: options.logLevel ?? 'info' };
    const bootstrapAdmin = options.admin && {
      ADMIN_USERNAME: options.admin.username,
      ADMIN_PASSWORD: options.admin.password,
    };
    // The gateways read the auth service's revocation feed with it; nothing else needs it, so a
    // fresh one per start (never written anywhere) is enough.
    const feedSecret = { REVOCATION_FEED_SECRET: randomBytes(32).toString('base64url') };
    const urlsOf = (upstream: UpstreamName) =>
      instances
        .filter((instance) => instance.service === upstream)
        .map((instance) => instance.url)
        .join(',');
    /** What a replica of each service is told: where its database is, and the services it calls. */
    const envOf = (service: ServiceName): Record<string, string> => {
      const database = databaseOf(service);
      const sessionDatabase = sessionDatabaseOf(service);
      const callees = isEdge(service) ? UPSTREAM_NAMES : callsOf(service);
      return {
        ...shared,
        ...(database && { DATABASE_URL: postgres.url(database) }),
        ...(sessionDatabase &&
          sessionStore && {
            SESSION_STORE: 'postgres',
            DATABASE_URL: sessionStore.url(sessionDatabase),
          }),
        // The session gateway's logins go through the issuer's internal credentials check.
        ...((service === 'auth' || sessionDatabase) && { CREDENTIALS_CHECK_SECRET: credentialsCheckSecret }),
        ...Object.fromEntries(callees.map((callee) => [upstreamUrlsVariable(callee), urlsOf(callee)])),
        ...(isEdge(service) && { ADMIN_PORT: '0', ...feedSecret }),
        ...(service === 'auth' && feedSecret),
        // A static service's figures come from every replica: it finds them in the file written below.
        ...(isStatic(service) && { CLUSTER_FILE: path.join(options.dataDir, CLUSTER_FILE_NAME) }),
        // The issuer holds the users: the bootstrap admin is created there.
        ...(service === 'auth' && bootstrapAdmin),
        ...options.env?.[service],
      };
    };

    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    for (const phase of startPhases()) {
      const started = phase.filter(runs).flatMap((service) =>
        Array.from({ length: replicaCount(service) }, (_, i) => {
          const name = `${service}-${i + 1}`;
          const instance = new Instance({
            name,
            service,
            bundle: bundleOf(service),
            ...(isEdge(service) && { port: edgePort(service, i) }),
            env: envOf(service),
            logFile: path.join(logsDir, `${name}.log`),
            onLine: options.onLine ?? (() => undefined),
          });
          instances.push(instance);
          instance.start();
          return instance;
        }),
      );
      await Promise.all(started.map((instance) => instance.waitUntilReady(readyTimeoutMs)));
    }

    const edgeReplicas = (sessions: boolean): EdgeReplica[] =>
      instances
        .filter((instance) => isEdge(instance.service) && Boolean(sessionDatabaseOf(instance.service)) === sessions)
        .map((instance) => ({
          name: instance.name,
          url: `http://localhost:${instance.port}`,
          adminUrl: instance.adminUrl!,
        }));
    const gateways = edgeReplicas(false);
    const sessionGateways = edgeReplicas(true);
    const file = await writeClusterFile(options.dataDir, {
      startedAt: new Date().toISOString(),
      launcherPid: process.pid,
      dataDir: options.dataDir,
      gateways,
      sessionGateways,
      replicas: Object.fromEntries(
        SERVICE_NAMES.map((service) => [
          service,
          instances.filter((i) => i.service === service).map((i) => ({ name: i.name, url: i.url, pid: i.pid ?? 0 })),
        ]),
      ) as ClusterFile['replicas'],
      postgres: { port: postgres.port },
      sessionStore: sessionStore ? { port: sessionStore.port } : null,
      credentialsCheckSecret,
      databases: Object.fromEntries(
        SERVICE_NAMES.flatMap((service) => {
          const database = databaseOf(service);
          return database ? [[service, postgres.url(database)]] : [];
        }),
      ),
    });

    let stopping: Promise<void> | undefined;
    const exitListeners: Array<(instance: Instance, exit: InstanceExit) => void> = [];
    let reported = false;
    for (const instance of instances) {
      instance.onUnexpectedExit((exit) => {
        if (stopping || reported || exitListeners.length === 0) return;
        reported = true;
        for (const listener of exitListeners) listener(instance, exit);
      });
    }
    return {
      gatewayUrl,
      adminUrl: gateways[0]!.adminUrl,
      gateways,
      sessionGateways,
      postgres,
      sessionStore,
      credentialsCheckSecret,
      instances,
      file,
      replicasOf: (service) => instances.filter((instance) => instance.service === service),
      onReplicaExit: (listener) => void exitListeners.push(listener),
      stop: () => (stopping ??= stopAll(instances, postgres, sessionStore)),
    };
  } catch (error) {
    await stopAll(instances, postgres, sessionStore);
    throw error;
  }
}

/**
 * The services in groups that can start together: each group after every service its members
 * call, the edges last (an edge becomes ready once it can load the issuer's JWKS).
 */
function startPhases(): ServiceName[][] {
  const phases: ServiceName[][] = [];
  const placed = new Set<ServiceName>();
  const pending = SERVICE_NAMES.filter((service) => !isEdge(service));
  while (pending.length > 0) {
    const ready = pending.filter((service) => callsOf(service).every((callee) => placed.has(callee)));
    if (ready.length === 0) throw new Error(`the service list has a cycle of calls among ${pending.join(', ')}`);
    phases.push(ready);
    for (const service of ready) {
      placed.add(service);
      pending.splice(pending.indexOf(service), 1);
    }
  }
  phases.push(SERVICE_NAMES.filter(isEdge));
  return phases;
}

/** Edges first (no new traffic), then the services, then the databases. */
async function stopAll(instances: Instance[], postgres: LocalPostgres, sessionStore?: LocalPostgres): Promise<void> {
  await Promise.all(instances.filter((i) => isEdge(i.service)).map((i) => i.stop()));
  await Promise.all(instances.filter((i) => !isEdge(i.service)).map((i) => i.stop()));
  await Promise.all([postgres.stop(), sessionStore?.stop()]);
}

export { describeExit };
