import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DataDirInUseError, LocalPostgresError } from './errors';
import { canAccess, type ServerUser } from './server-user';
import { isProcessAlive } from './process-alive';

/** Where data lives when the server user cannot reach the requested data dir (root + private checkout). */
export const RELOCATED_DATA_ROOT = '/var/tmp/jwt-msa-postgres';

/**
 * Makes `dataDir` usable by `user` and returns the directory the server should actually use. That is
 * `dataDir` itself, unless `user` cannot reach it: then the data lives under RELOCATED_DATA_ROOT and
 * `dataDir` becomes a symlink to it, so the next start still finds the data where it was asked for.
 */
export async function prepareDataDir(
  dataDir: string,
  user: ServerUser | undefined,
  notice: (line: string) => void,
): Promise<string> {
  if (user === undefined) {
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    return dataDir;
  }
  const existing = await fs.lstat(dataDir).catch(() => undefined);
  if (existing?.isSymbolicLink()) return useLinkedDataDir(dataDir, user);

  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await handOver(dataDir, user);
  if (canAccess(user, dataDir, 'write')) return dataDir;

  if ((await fs.readdir(dataDir)).length > 0) {
    throw new LocalPostgresError(
      `The "${user.name}" user cannot reach ${dataDir} (a parent directory is private), and it already holds files, ` +
        'so it cannot be moved aside. Make its parent directories traversable (chmod o+x) or pick another data dir.',
    );
  }
  const relocated = path.join(RELOCATED_DATA_ROOT, hashOf(dataDir));
  await fs.rmdir(dataDir);
  // Data left there belonged to a dataDir symlink that has since been deleted, i.e. a reset was asked for.
  await assertNotRunning(relocated, dataDir);
  await fs.rm(relocated, { recursive: true, force: true });
  await createRelocatedDir(relocated, user);
  await fs.symlink(relocated, dataDir, 'dir');
  notice(
    `The "${user.name}" user cannot reach ${dataDir} (a parent directory is private), so the data lives in ${relocated} ` +
      `and ${dataDir} is a symlink to it.`,
  );
  return relocated;
}

/** Throws DataDirInUseError when postmaster.pid names a live postgres process. */
export async function assertNotRunning(realDataDir: string, dataDir: string): Promise<void> {
  const pidFile = await fs.readFile(path.join(realDataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(pidFile?.split('\n', 1)[0]);
  // A dead PID means a crash left the file behind; PostgreSQL itself cleans that up on start.
  if (Number.isInteger(pid) && pid > 0 && isPostgresProcess(pid)) throw new DataDirInUseError(dataDir, pid);
}

export function isPostgresProcess(pid: number): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0', 1)[0] ?? '';
    return path.basename(argv0).startsWith('postgres');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return false;
    return isProcessAlive(pid); // No /proc (macOS): a live PID is the best evidence available.
  }
}

async function useLinkedDataDir(dataDir: string, user: ServerUser): Promise<string> {
  const target = path.resolve(path.dirname(dataDir), await fs.readlink(dataDir));
  if (path.dirname(target) === RELOCATED_DATA_ROOT) await createRelocatedDir(target, user);
  else await fs.mkdir(target, { recursive: true, mode: 0o700 });
  await handOver(target, user);
  if (!canAccess(user, target, 'write')) {
    throw new LocalPostgresError(`${dataDir} links to ${target}, which the "${user.name}" user cannot write.`);
  }
  return target;
}

async function createRelocatedDir(dir: string, user: ServerUser): Promise<void> {
  await fs.mkdir(RELOCATED_DATA_ROOT, { recursive: true, mode: 0o755 });
  const root = await fs.lstat(RELOCATED_DATA_ROOT);
  // It sits in world-writable /var/tmp: refuse one that someone else planted.
  if (!root.isDirectory() || root.uid !== process.getuid?.()) {
    throw new LocalPostgresError(
      `${RELOCATED_DATA_ROOT} exists but is not a directory owned by this user; remove it and retry.`,
    );
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await handOver(dir, user);
}

/** Gives the data dir to the server user; a cluster made by someone else is handed over as a whole. */
async function handOver(dir: string, user: ServerUser): Promise<void> {
  const stats = await fs.stat(dir);
  if (stats.uid === user.uid) return;
  const entries = await fs.readdir(dir);
  if (entries.length > 0 && !entries.includes('PG_VERSION')) {
    throw new LocalPostgresError(
      `${dir} is not empty and is not a PostgreSQL data directory; pick an empty or new directory.`,
    );
  }
  await chownTree(dir, user);
}

async function chownTree(target: string, user: ServerUser): Promise<void> {
  await fs.lchown(target, user.uid, user.gid);
  const stats = await fs.lstat(target);
  if (!stats.isDirectory()) return;
  for (const entry of await fs.readdir(target)) await chownTree(path.join(target, entry), user);
}

function hashOf(dataDir: string): string {
  return createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
}
