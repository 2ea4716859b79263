import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PostgresBinaries } from './binaries';
import { LocalPostgresError } from './errors';
import { spawnOptionsFor, type ServerUser } from './server-user';

export const SUPERUSER = 'postgres';

export interface ClusterLocation {
  /** The data dir as the caller named it; the password file sits beside it. */
  readonly dataDir: string;
  /** The directory the server uses (dataDir itself, or where its symlink points). */
  readonly realDataDir: string;
}

/** Where the superuser password of a data dir is kept (mode 0600, owned by the current user). */
export function passwordFileOf(dataDir: string): string {
  return `${dataDir}.password`;
}

/**
 * Runs initdb unless the data dir already holds a cluster, and returns the superuser password: read
 * from the password file, or generated and saved there before the first initdb.
 */
export async function ensureCluster(
  location: ClusterLocation,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
  options: { skipSync: boolean },
): Promise<string> {
  const passwordFile = passwordFileOf(location.dataDir);
  const initialized = await exists(path.join(location.realDataDir, 'PG_VERSION'));
  let password = (await fs.readFile(passwordFile, 'utf8').catch(() => undefined))?.trim();
  if (initialized && !password) {
    throw new LocalPostgresError(
      `${location.dataDir} holds a PostgreSQL cluster, but its password file ${passwordFile} is missing or empty. ` +
        'Restore the file, or delete the data dir to start over with an empty database.',
    );
  }
  if (!password) {
    password = randomBytes(24).toString('base64url');
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  if (!initialized) await initdb(location.realDataDir, password, binaries, user, options.skipSync);
  return password;
}

async function initdb(
  realDataDir: string,
  password: string,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
  skipSync: boolean,
): Promise<void> {
  // The password goes through a file the server user can read, next to the data dir (which that
  // user can reach), and is deleted right after.
  const scratch = await fs.mkdtemp(path.join(path.dirname(realDataDir), '.initdb-'));
  try {
    const pwfile = path.join(scratch, 'pwfile');
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (user !== undefined) {
      await fs.chown(scratch, user.uid, user.gid);
      await fs.chown(pwfile, user.uid, user.gid);
    }
    await runToCompletion(
      binaries.initdb,
      [
        `--pgdata=${realDataDir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
        ...(skipSync ? ['--no-sync'] : []),
      ],
      user,
    );
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

function runToCompletion(command: string, args: string[], user: ServerUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptionsFor(user), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) =>
      reject(new LocalPostgresError(`Could not run ${command}: ${error.message}`, { cause: error })),
    );
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-15).join('\n  ');
      reject(new LocalPostgresError(`${path.basename(command)} failed (${signal ?? `exit code ${code}`}):\n  ${tail}`));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
