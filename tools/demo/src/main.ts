import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalCluster, type ClusterFile, type LocalCluster } from '@jwt-msa/cluster';
import { parseDemoArgs, UsageError } from './args';
import { clusterBeside } from './cluster-beside';
import { authGoesAway, countState, replicaGoesAway, signIn, whoServed, type DemoContext } from './chapters';
import { revokeNow, type RevocationReport } from './revoke-now';
import { sessionsVsJwt } from './sessions-vs-jwt';

/** What `--json FILE` writes: the figures each chapter measured. */
interface DemoReport {
  revocation?: RevocationReport;
  sessionsVsJwt?: Awaited<ReturnType<typeof sessionsVsJwt>>;
}

/** `npm run demo`: the claims of the README's first table, shown on a running system and counted. */
async function main(): Promise<void> {
  const args = parseDemoArgs(process.argv.slice(2));
  const print = (line = '') => console.log(line);
  let cluster: LocalCluster | undefined;
  let dataDir: string | undefined;
  if (!args.baseUrl) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-demo-'));
    print('Starting a throwaway cluster: PostgreSQL, auth x2, catalog x2, orders x3, profile x1, gateway x3...');
    cluster = await startLocalCluster({
      dataDir,
      gatewayPort: 0,
      scale: { auth: 2, catalog: 2, orders: 3, gateway: 3 },
      logLevel: 'error',
      admin: { username: 'admin', password: randomBytes(12).toString('hex') },
      env: { gateway: { UPSTREAM_EJECT_MS: '1000' } },
    });
  }
  const gw = args.baseUrl ?? cluster!.gatewayUrl;
  const running = cluster?.file ?? (await clusterBeside(gw, args.dataDir));
  const ctx: DemoContext = {
    gw,
    gateways: running?.gateways.map((gateway) => gateway.url) ?? [gw],
    admin: args.adminUrl ?? cluster?.adminUrl ?? adminUrlOf(gw, running, args.dataDir),
    calls: args.calls,
    ...(cluster && { cluster }),
    print,
  };
  print(`Gateway ${ctx.gw}, gateway admin (internal) ${ctx.admin}`);
  const report: DemoReport = {};
  let workDir: string | undefined;
  try {
    const session = await signIn(ctx);
    await whoServed(ctx, session);
    await countState(ctx, session);
    await replicaGoesAway(ctx, session);
    await authGoesAway(ctx, session);
    report.revocation = await revokeNow(ctx);
    if (running) {
      workDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-sessions-vs-jwt-'));
      report.sessionsVsJwt = await sessionsVsJwt(print, { cluster: running, calls: args.compareCalls, workDir });
    } else {
      print();
      print(
        `== 7. Sessions vs JWT: skipped, no running npm start in ${args.dataDir} serves ${gw} (its cluster.json says where to start fronts beside it).`,
      );
    }
    if (args.json) {
      await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`);
      print(`Figures written to ${args.json}.`);
    }
    print();
    print('Done.');
  } finally {
    await cluster?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}

/** The admin listener `npm start` wrote down for this gateway (no tool assumes a fixed admin port). */
function adminUrlOf(gatewayUrl: string, running: ClusterFile | undefined, dataDir: string): string {
  const gateway = running?.gateways.find((candidate) => candidate.url === gatewayUrl);
  if (!gateway) {
    throw new UsageError(
      `No running npm start in ${path.resolve(dataDir)} serves ${gatewayUrl}: pass its --admin-url (or the --data-dir of the npm start behind it).`,
    );
  }
  return gateway.adminUrl;
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : `demo failed: ${(error as Error).message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
