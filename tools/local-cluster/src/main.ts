import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { loadConfig } from '@jwt-msa/config';
import { parseArgs, UsageError } from './args';
import { startLocalCluster } from '@jwt-msa/cluster';
import { SERVICE_NAMES } from '@jwt-msa/topology';
import { launcherConfigSchema } from './config';
import { formatLine } from './console-output';
import { devAdmin } from './dev-admin';

/** `npm start`: the whole system on this machine, on a real embedded PostgreSQL. */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig(launcherConfigSchema);
  const dataDir = path.resolve(args.dataDir ?? config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const admin = await devAdmin(dataDir, process.env);

  console.log(
    `Starting jwt-msa: PostgreSQL + ${SERVICE_NAMES.map((name) => `${name} x${args.scale[name] ?? 1}`).join(', ')}`,
  );
  const cluster = await startLocalCluster({
    dataDir,
    gatewayPort: config.gatewayPort,
    gatewayAdminPort: config.gatewayAdminPort,
    scale: args.scale,
    admin,
    logLevel: config.logLevel,
    onLine: (instance, line) => {
      const text = formatLine(instance, line, args.verbose);
      if (text) console.log(text);
    },
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping every service, then PostgreSQL...`);
    cluster.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: Error) => {
        console.error(`Stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const relative = (file: string) => path.relative(process.cwd(), file) || '.';
  console.log(`  PostgreSQL  127.0.0.1:${cluster.postgres.port} (data in ${relative(path.join(dataDir, 'postgres'))})`);
  for (const instance of cluster.instances) console.log(`  ${instance.name.padEnd(10)}  ${instance.url}`);
  console.log(`  metrics     ${cluster.adminUrl}/metrics, ${cluster.adminUrl}/replicas (gateway admin, internal)`);
  console.log(`  logs        ${relative(path.join(dataDir, 'logs'))}/`);
  if (admin.passwordFile) {
    console.log(
      `  WARNING: development admin "${admin.username}" with a generated password in ${relative(admin.passwordFile)}`,
    );
    console.log('           (set ADMIN_USERNAME and ADMIN_PASSWORD to choose your own)');
  }
  console.log(`jwt-msa is ready: gateway ${cluster.gatewayUrl} (Ctrl-C to stop)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : `npm start failed: ${(error as Error).message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
