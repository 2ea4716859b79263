import { spawnSync } from 'node:child_process';
import { LocalPostgresError } from './errors';

/**
 * The account the PostgreSQL binaries run as. PostgreSQL refuses to run as root, so when this process
 * is root the server runs as the `postgres` system user; otherwise it runs as the current user and
 * `runAs` is undefined.
 */
export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const SERVER_USER_NAME = 'postgres';

export function resolveServerUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return lookUpUser(SERVER_USER_NAME) ?? createSystemUser(SERVER_USER_NAME);
}

/** Whether `user` (or the current user) may access `target` in the given way, ancestors included. */
export function canAccess(user: ServerUser | undefined, target: string, mode: 'read' | 'write' | 'execute'): boolean {
  const flag = { read: '-r', write: '-w', execute: '-x' }[mode];
  // `test` asks the kernel (access(2)) as that user, which is the only reliable answer: it accounts
  // for every ancestor directory, ACLs and mount options.
  const result = spawnSync('test', [flag, target], { ...spawnOptionsFor(user), stdio: 'ignore' });
  return result.status === 0;
}

/** spawn() options that run a PostgreSQL program as `user` (the current user when undefined). */
export function spawnOptionsFor(user: ServerUser | undefined): {
  uid?: number;
  gid?: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
} {
  // PG* variables (PGDATA, PGPORT, ...) must not override the explicit arguments, and the C locale
  // keeps server messages in English so that failures such as "Address already in use" are recognisable.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return {
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
    // The caller's working directory may be private to it (a checkout under /root).
    cwd: '/',
    env: { ...env, LC_ALL: 'C' },
  };
}

function lookUpUser(name: string): ServerUser | undefined {
  const result = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const [, , uid, gid] = result.stdout.trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

function createSystemUser(name: string): ServerUser {
  const group = spawnSync('groupadd', ['--system', '-f', name], { encoding: 'utf8' });
  const user = spawnSync(
    'useradd',
    ['--system', '--gid', name, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name],
    { encoding: 'utf8' },
  );
  const created = lookUpUser(name);
  if (created !== undefined) return created;
  const output = [group.error?.message, group.stderr, user.error?.message, user.stderr]
    .filter(Boolean)
    .join(' ')
    .trim();
  throw new LocalPostgresError(
    `Running as root, so PostgreSQL must run as the "${name}" system user, which does not exist and could not be created ` +
      `(groupadd/useradd: ${output || 'no output'}). Create it, or run as a regular user.`,
  );
}
