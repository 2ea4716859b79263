import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { passwordFileOf } from './cluster';
import { RELOCATED_DATA_ROOT } from './data-dir';
import {
  DataDirInUseError,
  LocalPostgresError,
  PostgresStartError,
  startLocalPostgres,
  type LocalPostgres,
} from './index';
import { resolveServerUser } from './server-user';

const itWhenRoot = process.getuid?.() === 0 ? it : it.skip;

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function uidOf(pid: number): number {
  const line =
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('Uid:')) ?? '';
  return Number(line.split(/\s+/)[1]);
}

describe('startLocalPostgres', () => {
  let workDir: string;
  let dataDir: string;
  let server: LocalPostgres;

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-postgres-spec-'));
    await fs.chmod(workDir, 0o755); // mkdtemp makes it private; this suite wants a data dir used in place.
    dataDir = path.join(workDir, 'data');
    server = await startLocalPostgres({ dataDir });
  });

  afterAll(async () => {
    await server.stop();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('creates a database once and serves queries on it', async () => {
    await server.ensureDatabase('inventory');
    await server.ensureDatabase('inventory');

    await query(server.url('inventory'), 'CREATE TABLE item (name text PRIMARY KEY)');
    await query(server.url('inventory'), "INSERT INTO item VALUES ('bolt')");
    expect(await query(server.url('inventory'), 'SELECT name FROM item')).toEqual([{ name: 'bolt' }]);
    expect(server.url('inventory')).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/inventory$/);
  });

  it('uses the data dir in place when the server user can reach it', async () => {
    expect((await fs.lstat(dataDir)).isDirectory()).toBe(true);
    expect(await fs.readFile(path.join(dataDir, 'PG_VERSION'), 'utf8')).toBe('17\n');
  });

  it('keeps a generated password private to the current user', async () => {
    const stats = await fs.stat(passwordFileOf(dataDir));
    expect(stats.mode & 0o777).toBe(0o600);
    expect(stats.uid).toBe(process.getuid?.());
    expect((await fs.readFile(passwordFileOf(dataDir), 'utf8')).trim()).toHaveLength(32);
  });

  it('rejects database names that are not plain identifiers', async () => {
    await expect(server.ensureDatabase('x"; DROP DATABASE postgres; --')).rejects.toThrow(LocalPostgresError);
    expect(() => server.url('Capitals')).toThrow(/Invalid database name/);
  });

  it('refuses to start a second server on a data dir in use', async () => {
    const second = startLocalPostgres({ dataDir });
    await expect(second).rejects.toThrow(DataDirInUseError);
    await expect(second).rejects.toThrow(
      `Another PostgreSQL is already running on this data dir (pid ${server.pid}, data dir ${dataDir})`,
    );
  });

  itWhenRoot('runs the server as the postgres user, not root', () => {
    expect(uidOf(server.pid)).toBe(resolveServerUser()?.uid);
  });

  it('keeps data and password across restarts, stops idempotently, and explains a failed start', async () => {
    const urlBefore = server.url('inventory');
    await server.stop();
    await server.stop();

    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busyPort = (blocker.address() as net.AddressInfo).port;
    try {
      const onBusyPort = startLocalPostgres({ dataDir, port: busyPort });
      await expect(onBusyPort).rejects.toThrow(PostgresStartError);
      await expect(onBusyPort).rejects.toThrow(
        /the server exited \(exit code 1\)\nLast server log lines:[\s\S]*Address already in use/,
      );
    } finally {
      blocker.close();
    }

    server = await startLocalPostgres({ dataDir });
    expect(server.url('inventory').replace(/:\d+\//, ':PORT/')).toBe(urlBefore.replace(/:\d+\//, ':PORT/'));
    expect(await query(server.url('inventory'), 'SELECT name FROM item')).toEqual([{ name: 'bolt' }]);
  });
});

describe('startLocalPostgres as root with a data dir inside a private directory', () => {
  let privateDir: string;

  beforeAll(async () => {
    privateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-postgres-private-'));
    await fs.chmod(privateDir, 0o700);
  });

  afterAll(async () => {
    const link = path.join(privateDir, 'data');
    const target = await fs.realpath(link).catch(() => undefined);
    if (target?.startsWith(RELOCATED_DATA_ROOT)) await fs.rm(target, { recursive: true, force: true });
    await fs.rm(privateDir, { recursive: true, force: true });
  });

  itWhenRoot('keeps the data where postgres can reach it and links the requested dir there', async () => {
    const dataDir = path.join(privateDir, 'data');
    const log: string[] = [];
    let server = await startLocalPostgres({ dataDir, ephemeral: true, onLog: (line) => log.push(line) });
    try {
      await server.ensureDatabase('vault');
      await query(server.url('vault'), 'CREATE TABLE secret (id int)');
      expect(log.filter((line) => line.startsWith('[local-postgres]'))).toEqual([
        expect.stringContaining(`so the data lives in ${RELOCATED_DATA_ROOT}/`),
      ]);
      expect((await fs.lstat(dataDir)).isSymbolicLink()).toBe(true);
      expect((await fs.stat(passwordFileOf(dataDir))).uid).toBe(0);

      await server.stop();
      server = await startLocalPostgres({ dataDir, ephemeral: true });
      expect(await query(server.url('vault'), "SELECT to_regclass('secret') AS found")).toEqual([{ found: 'secret' }]);
    } finally {
      await server.stop();
    }
  });
});
