import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { isProcessAlive, startLocalPostgres } from '@jwt-msa/local-postgres';

/** A PostgreSQL superuser URL; when set, tests use that server instead of starting one. */
export const ADMIN_URL_VARIABLE = 'TEST_DATABASE_ADMIN_URL';

/**
 * One ephemeral server per jest worker. Jest gives every test file a fresh module registry, so
 * module state cannot carry the server from one file to the next; instead the first file writes
 * the server's URL and PID to a file named after the worker, and later files of that worker reuse it.
 * The server is stopped by the kernel when the worker exits (see @jwt-msa/local-postgres); the
 * data dirs of finished workers are deleted by the next worker that starts a server.
 */
const SERVERS_ROOT = path.join(os.tmpdir(), `jwt-msa-test-postgres-${os.userInfo().uid}`);
const WORKER_DIR = path.join(SERVERS_ROOT, `${process.pid}-${threadId}`);
const SERVER_FILE = path.join(WORKER_DIR, 'server.json');
const STOP_TIMEOUT_MS = 15_000;

interface WorkerServer {
  readonly adminUrl: string;
  readonly pid: number;
}

let starting: Promise<string> | undefined;

/** The superuser URL of this worker's test server, started on first use. */
export function startTestPostgres(): Promise<string> {
  const external = process.env[ADMIN_URL_VARIABLE]?.trim();
  if (external) return Promise.resolve(external);
  starting ??= reuseOrStartWorkerServer().catch((error: unknown) => {
    starting = undefined;
    throw error;
  });
  return starting;
}

/**
 * Stops this worker's server now and deletes its data. Optional: the server stops anyway when the
 * worker exits; this is for tests about the server itself, or to free memory early.
 */
export async function stopTestPostgres(): Promise<void> {
  starting = undefined;
  const server = await readWorkerServer(WORKER_DIR);
  if (server !== undefined) {
    await fs.rm(SERVER_FILE, { force: true });
    await stopProcess(server.pid);
  }
  await fs.rm(WORKER_DIR, { recursive: true, force: true });
}

async function reuseOrStartWorkerServer(): Promise<string> {
  const existing = await readWorkerServer(WORKER_DIR);
  if (existing !== undefined && isProcessAlive(existing.pid)) return existing.adminUrl;

  await prepareServersRoot();
  await deleteFinishedWorkerDirs();
  await fs.rm(WORKER_DIR, { recursive: true, force: true });
  // Not private: when tests run as root, the server runs as the postgres user and must reach its data dir.
  await fs.mkdir(WORKER_DIR, { mode: 0o755 });
  const server = await startLocalPostgres({ dataDir: path.join(WORKER_DIR, 'data'), ephemeral: true });
  // Shared by the worker's later test files, so it must not keep the worker alive on its own.
  server.unref();
  const record: WorkerServer = { adminUrl: server.url(), pid: server.pid };
  await fs.writeFile(SERVER_FILE, JSON.stringify(record), { mode: 0o600 });
  return record.adminUrl;
}

async function prepareServersRoot(): Promise<void> {
  await fs.mkdir(SERVERS_ROOT, { recursive: true, mode: 0o755 });
  const stats = await fs.lstat(SERVERS_ROOT);
  if (!stats.isDirectory() || stats.uid !== os.userInfo().uid) {
    throw new Error(`${SERVERS_ROOT} is not a directory owned by this user; remove it and retry.`);
  }
}

/** Deletes the dirs of workers that have exited and whose server has shut down. */
async function deleteFinishedWorkerDirs(): Promise<void> {
  for (const entry of await fs.readdir(SERVERS_ROOT)) {
    const workerPid = /^(\d+)-\d+$/.exec(entry)?.[1];
    if (workerPid === undefined || isProcessAlive(Number(workerPid))) continue;
    const dir = path.join(SERVERS_ROOT, entry);
    const server = await readWorkerServer(dir);
    if (server !== undefined && isProcessAlive(server.pid)) continue;
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function readWorkerServer(dir: string): Promise<WorkerServer | undefined> {
  const text = await fs.readFile(path.join(dir, 'server.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as WorkerServer);
}

async function stopProcess(pid: number): Promise<void> {
  if (!isProcessAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // PostgreSQL's fast shutdown
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
