import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServiceName } from './services';

/**
 * What a local cluster started, written to `<dataDir>/cluster.json` so the tools that talk to it
 * (the demo, the bench, the console, `npm run keys:rotate`) find every replica and admin port
 * instead of assuming fixed ones. Private to its owner (it holds the database URLs).
 */
export interface ClusterFile {
  startedAt: string;
  launcherPid: number;
  dataDir: string;
  gateways: Array<{ name: string; url: string; adminUrl: string }>;
  /** The session gateways (the counter-example), when started; they are not in `gateways`. */
  sessionGateways: Array<{ name: string; url: string; adminUrl: string }>;
  replicas: Record<ServiceName, Array<{ name: string; url: string; pid: number }>>;
  postgres: { port: number };
  /** The session gateways' own PostgreSQL (their session table), when they run. */
  sessionStore: { port: number } | null;
  /** The auth replicas' credentials-check secret, for session gateways started beside this cluster. */
  credentialsCheckSecret: string;
  /** Each data service's database, as its replicas reach it (with the password). */
  databases: Partial<Record<ServiceName, string>>;
}

export const CLUSTER_FILE_NAME = 'cluster.json';

export async function writeClusterFile(dataDir: string, file: ClusterFile): Promise<ClusterFile> {
  await writeFile(path.join(dataDir, CLUSTER_FILE_NAME), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** The cluster started with this data dir, or a clear error saying how to start one. */
export function readClusterFile(dataDir: string): Promise<ClusterFile> {
  return readClusterFileAt(path.join(dataDir, CLUSTER_FILE_NAME));
}

/** The same, from the file's own path (the console is told the file, not the data dir). */
export async function readClusterFileAt(file: string): Promise<ClusterFile> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) throw new Error(`no cluster is described in ${file}: is \`npm start\` running?`);
  return JSON.parse(text) as ClusterFile;
}
