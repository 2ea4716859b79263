import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import {
  CLUSTER_FILE_NAME,
  describeExit,
  SESSIONS_VS_JWT_RUNNER,
  startLocalCluster,
  type LocalCluster,
} from '@jwt-msa/cluster';
import { loadConfig } from '@jwt-msa/config';
import { DataDirInUseError } from '@jwt-msa/local-postgres';
import { SERVICE_NAMES } from '@jwt-msa/topology';
import { parseArgs, UsageError, USAGE } from './args';
import { launcherConfigSchema, sessionGatewayPortOf } from './config';
import { formatLine } from './console-output';
import { devAdmin } from './dev-admin';

/** A start-up failure said in one plain paragraph, with what to do about it. */
class LauncherError extends Error {}

/** `npm start`: the whole system on this machine, on a real embedded PostgreSQL. */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig(launcherConfigSchema);
  const dataDir = path.resolve(args.dataDir ?? config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const admin = await devAdmin(dataDir, process.env);

  console.log(
    `Starting jwt-msa: PostgreSQL + ${SERVICE_NAMES.map((name) => `${name} x${args.scale[name] ?? 1}`).join(', ')}`,
  );
  const sessionGatewayPort = sessionGatewayPortOf(config);
  const cluster = await startLocalCluster({
    dataDir,
    gatewayPort: config.gatewayPort,
    sessionGatewayPort,
    scale: args.scale,
    admin,
    logLevel: config.logLevel,
    // The console's "Sessions vs JWT" runs this bundle (built with the launcher) beside the cluster.
    env: { console: { SESSIONS_VS_JWT_RUNNER } },
    onLine: (instance, line) => {
      const text = formatLine(instance, line, args.verbose);
      if (text) console.log(text);
    },
  }).catch((error: unknown) => {
    throw explainStartFailure(error, dataDir, config.gatewayPort, sessionGatewayPort);
  });

  let stopping = false;
  const stop = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping every service, then PostgreSQL...`);
    cluster.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(code);
      },
      (error: Error) => {
        console.error(`Stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  // A replica that dies is never left unsaid: the cluster is no longer what the banner promised.
  cluster.onReplicaExit((instance, exit) => {
    console.error(`\n${instance.name} exited unexpectedly (${describeExit(exit)}). Its last output:`);
    console.error(instance.recentOutput().replace(/^/gm, `  ${instance.name} | `));
    stop(`${instance.name} is gone`, 1);
  });
  printBanner(cluster, dataDir, admin.passwordFile);
}

function printBanner(cluster: LocalCluster, dataDir: string, adminPasswordFile: string | undefined): void {
  const relative = (file: string) => path.relative(process.cwd(), file) || '.';
  console.log(`  PostgreSQL  127.0.0.1:${cluster.postgres.port} (data in ${relative(path.join(dataDir, 'postgres'))})`);
  if (cluster.sessionStore) {
    console.log(
      `  PostgreSQL  127.0.0.1:${cluster.sessionStore.port} (the session gateway's session table only, data in ${relative(path.join(dataDir, 'sessions-postgres'))})`,
    );
  }
  for (const instance of cluster.instances) console.log(`  ${instance.name.padEnd(10)}  ${instance.url}`);
  for (const gateway of [...cluster.gateways, ...cluster.sessionGateways]) {
    console.log(`  ${`${gateway.name} admin`.padEnd(10)}  ${gateway.adminUrl}/metrics, /replicas (internal)`);
  }
  console.log(`  logs        ${relative(path.join(dataDir, 'logs'))}/`);
  console.log(
    `  described   ${relative(path.join(dataDir, CLUSTER_FILE_NAME))} (for npm run demo, the bench, keys:rotate, the console)`,
  );
  if (adminPasswordFile) {
    console.log(`  WARNING: development admin "admin" with a generated password in ${relative(adminPasswordFile)}`);
    console.log('           (set ADMIN_USERNAME and ADMIN_PASSWORD to choose your own)');
  }
  if (cluster.sessionGateways.length > 0) {
    console.log(
      `  COUNTER-EXAMPLE  session gateway ${cluster.sessionGateways.map((gateway) => gateway.url).join(', ')}: cookie + a session`,
    );
    console.log('           store queried on every call (POST /session/login), to measure against the JWT gateway');
  }
  const others = cluster.gateways.slice(1).map((gateway) => gateway.url);
  console.log(`console: ${cluster.gatewayUrl}/console/ (the token and the running system, in a browser)`);
  console.log(
    `jwt-msa is ready: gateway ${cluster.gatewayUrl}${others.length > 0 ? ` (replicas also on ${others.join(', ')})` : ''} (Ctrl-C to stop)`,
  );
}

function explainStartFailure(error: unknown, dataDir: string, gatewayPort: number, sessionGatewayPort: number): Error {
  if (error instanceof DataDirInUseError) {
    return new LauncherError(
      `A cluster is already running on ${dataDir} (its PostgreSQL has pid ${error.pid}). Stop it first, or start a ` +
        `second one beside it with its own data dir and gateway port:\n` +
        `  LOCAL_CLUSTER_DATA_DIR=/tmp/second GATEWAY_PORT=9090 npm start`,
    );
  }
  const message = (error as Error)?.message ?? String(error);
  if (/EADDRINUSE/.test(message) && /^gateway-\d+ /.test(message)) {
    return new LauncherError(
      `The gateway port is taken (${message.split(' ')[0]} could not listen; GATEWAY_PORT=${gatewayPort}). Another ` +
        `cluster or the compose stack may be running: stop it, or choose another port:\n  GATEWAY_PORT=9090 npm start`,
    );
  }
  if (/EADDRINUSE/.test(message) && /^session-gateway-\d+ /.test(message)) {
    return new LauncherError(
      `The session gateway port is taken (${message.split(' ')[0]} could not listen; SESSION_GATEWAY_PORT=${sessionGatewayPort}). ` +
        `Choose another port:\n  SESSION_GATEWAY_PORT=9190 npm start`,
    );
  }
  return error instanceof Error ? error : new Error(message);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error instanceof LauncherError ? error.message : `npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
