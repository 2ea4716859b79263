import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  readClusterFile,
  SESSIONS_VS_JWT_RUNNER,
  startLocalCluster,
  type ClusterFile,
  type LocalCluster,
} from '@jwt-msa/cluster';

/**
 * One cluster for every e2e suite that only talks to the system (nothing killed, nothing
 * reconfigured): started once per `jest -c e2e/jest.config.js` run by the global setup, found by
 * the suites through the variables below. Suites sharing it use names of their own (a random
 * suffix), so they never see each other's users. Suites that kill replicas or need other settings
 * start a cluster of their own.
 */
const DATA_DIR_VARIABLE = 'E2E_SHARED_CLUSTER_DIR';
const ADMIN_PASSWORD_VARIABLE = 'E2E_SHARED_CLUSTER_ADMIN_PASSWORD';

/** What the shared cluster runs: the npm start cluster with replicas of every tier. */
export const SHARED_CLUSTER_SCALE = { auth: 2, orders: 2, gateway: 3 } as const;

export interface SharedCluster {
  /** The first gateway: the issuer's public URL. */
  gatewayUrl: string;
  file: ClusterFile;
  admin: { username: string; password: string };
}

export async function sharedCluster(): Promise<SharedCluster> {
  const dataDir = process.env[DATA_DIR_VARIABLE];
  const password = process.env[ADMIN_PASSWORD_VARIABLE];
  if (!dataDir || !password) throw new Error('the shared e2e cluster is started by e2e/jest.config.js (globalSetup)');
  const file = await readClusterFile(dataDir);
  return { gatewayUrl: file.gateways[0]!.url, file, admin: { username: 'admin', password } };
}

let running: { cluster: LocalCluster; dataDir: string } | undefined;

export async function startSharedCluster(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-e2e-shared-'));
  const password = randomBytes(12).toString('hex');
  const cluster = await startLocalCluster({
    dataDir,
    gatewayPort: 0,
    scale: SHARED_CLUSTER_SCALE,
    admin: { username: 'admin', password },
    logLevel: 'warn',
    env: { console: { SESSIONS_VS_JWT_RUNNER } },
  });
  running = { cluster, dataDir };
  process.env[DATA_DIR_VARIABLE] = dataDir;
  process.env[ADMIN_PASSWORD_VARIABLE] = password;
}

export async function stopSharedCluster(): Promise<void> {
  if (!running) return;
  await running.cluster.stop();
  await rm(running.dataDir, { recursive: true, force: true });
}
