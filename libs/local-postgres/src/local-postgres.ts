import path from 'node:path';
import { Client } from 'pg';
import { locateBinaries } from './binaries';
import { ensureCluster, passwordFileOf, SUPERUSER } from './cluster';
import { assertNotRunning, prepareDataDir } from './data-dir';
import { LocalPostgresError, PostgresStartError } from './errors';
import { getFreePort } from './free-port';
import { failedOnBusyPort, Postmaster } from './postmaster';
import { resolveServerUser } from './server-user';

export interface LocalPostgresOptions {
  /** Absolute path; created if missing, initialized on first use and reused afterwards. */
  readonly dataDir: string;
  /** Default: a free port chosen at start. */
  readonly port?: number;
  /**
   * For throwaway test data only: skips fsync and full-page writes, so a crash can corrupt the data
   * dir. Never for data that must survive.
   */
  readonly ephemeral?: boolean;
  /** Server log lines, and a few notes from this library prefixed "[local-postgres]". Default: discarded. */
  readonly onLog?: (line: string) => void;
}

export interface LocalPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** PID of the postmaster. */
  readonly pid: number;
  /** postgres://postgres:<password>@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** CREATE DATABASE unless it exists. */
  ensureDatabase(name: string): Promise<void>;
  /** Fast, clean shutdown; resolves once the server process has exited. Idempotent. */
  stop(): Promise<void>;
  /**
   * Lets this Node process exit while the server still runs, as a shared test server must. The server
   * is stopped when this process exits (a parent-death signal on Linux, an 'exit' hook elsewhere).
   */
  unref(): void;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  if (!path.isAbsolute(options.dataDir)) {
    throw new LocalPostgresError(`dataDir must be an absolute path, got "${options.dataDir}"`);
  }
  const dataDir = path.resolve(options.dataDir);
  const ephemeral = options.ephemeral ?? false;
  const onLog = options.onLog ?? (() => undefined);

  const user = resolveServerUser();
  const binaries = await locateBinaries(user);
  const realDataDir = await prepareDataDir(dataDir, user, (line) => onLog(`[local-postgres] ${line}`));
  await assertNotRunning(realDataDir, dataDir);
  const password = await ensureCluster({ dataDir, realDataDir }, binaries, user, { skipSync: ephemeral });

  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await getFreePort());
    const postmaster = new Postmaster({
      binaries,
      user,
      realDataDir,
      port,
      settings: serverSettings(ephemeral),
      onLog,
    });
    const server = new RunningLocalPostgres(postmaster, port, password);
    try {
      await server.waitUntilReady(passwordFileOf(dataDir));
      return server;
    } catch (error) {
      await postmaster.stop();
      // A chosen port can be taken before the server binds it; an explicit one is the caller's business.
      if (options.port === undefined && attempt < PORT_ATTEMPTS && failedOnBusyPort(postmaster.logTail())) continue;
      // Lost a race with another starter on the same data dir: report that, not the server's lock error.
      await assertNotRunning(realDataDir, dataDir);
      throw error;
    }
  }
}

function serverSettings(ephemeral: boolean): Record<string, string> {
  return {
    listen_addresses: HOST,
    // No Unix socket: its default directory may not exist or not be writable by the server user.
    unix_socket_directories: '',
    max_connections: '200',
    ...(ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', shared_buffers: '32MB' } : {}),
  };
}

function assertDatabaseName(name: string): void {
  if (!DATABASE_NAME.test(name)) {
    throw new LocalPostgresError(
      `Invalid database name "${name}": use lowercase letters, digits and _, at most 63, not starting with a digit.`,
    );
  }
}

class RunningLocalPostgres implements LocalPostgres {
  readonly host = HOST;

  constructor(
    private readonly postmaster: Postmaster,
    readonly port: number,
    private readonly password: string,
  ) {}

  get pid(): number {
    return this.postmaster.pid;
  }

  url(database = 'postgres'): string {
    assertDatabaseName(database);
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.password)}@${HOST}:${this.port}/${database}`;
  }

  async ensureDatabase(name: string): Promise<void> {
    assertDatabaseName(name);
    await this.withClient(async (client) => {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount !== 0) return;
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Someone else created it between the check and the CREATE.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    });
  }

  stop(): Promise<void> {
    return this.postmaster.stop();
  }

  unref(): void {
    this.postmaster.unref();
  }

  async waitUntilReady(passwordFile: string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      // Raced against the exit: a connection attempt can hang until its timeout, e.g. when the port
      // the server failed to bind belongs to some other program.
      const probe = await Promise.race([this.probe(), this.postmaster.exited.then(() => 'exited' as const)]);
      if (probe === 'ready') return;
      if (probe === 'wrong password') {
        throw new PostgresStartError(
          `the password in ${passwordFile} does not match the one of the cluster`,
          this.postmaster.logTail(),
        );
      }
      if (this.postmaster.hasExited) {
        const { code, signal } = await this.postmaster.exited;
        throw new PostgresStartError(`the server exited (${signal ?? `exit code ${code}`})`, this.postmaster.logTail());
      }
      if (Date.now() > deadline) {
        throw new PostgresStartError(
          `no answer on ${HOST}:${this.port} within ${READY_TIMEOUT_MS / 1000} s`,
          this.postmaster.logTail(),
        );
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), this.postmaster.exited]);
    }
  }

  /** Never rejects, so that a probe abandoned by waitUntilReady cannot become an unhandled rejection. */
  private async probe(): Promise<'ready' | 'not yet' | 'wrong password'> {
    try {
      await this.withClient((client) => client.query('SELECT 1'));
      return 'ready';
    } catch (error) {
      return (error as { code?: string }).code === '28P01' ? 'wrong password' : 'not yet';
    }
  }

  private async withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({
      host: HOST,
      port: this.port,
      user: SUPERUSER,
      password: this.password,
      database: 'postgres',
      ssl: false,
      connectionTimeoutMillis: 5_000,
    });
    // A server going away mid-use surfaces as a rejected query; without a listener it would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
