import path from 'node:path';
import { readClusterFile, type ClusterFile } from '@jwt-msa/cluster';
import { isProcessAlive } from '@jwt-msa/local-postgres';

/**
 * The cluster `npm start` described in `dataDir`, when it is the one serving `gatewayUrl` right
 * now: its file lists that gateway and its launcher is still alive. A file left by an earlier
 * `npm start` (stopped, or on other ports) names processes that are gone, so it is ignored.
 */
export async function clusterBeside(gatewayUrl: string, dataDir: string): Promise<ClusterFile | undefined> {
  const file = await readClusterFile(path.resolve(dataDir)).catch(() => undefined);
  if (!file || !file.gateways.some((gateway) => gateway.url === gatewayUrl)) return undefined;
  return isProcessAlive(file.launcherPid) ? file : undefined;
}
