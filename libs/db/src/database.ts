import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { DependencyError } from '@jwt-msa/http-errors';

export interface DatabaseOptions {
  url: string;
  /** The role's password when it is kept apart from `url`; replaces any password in the URL. */
  password?: string;
  poolSize: number;
  /** Server-side limit per statement, so a stuck query cannot hold a request forever. */
  statementTimeoutMs: number;
  connectionTimeoutMs: number;
  applicationName: string;
  /** Called once per query with its purpose (metrics). */
  onQuery?: (purpose: string) => void;
}

/** Anything that can run a query: the pool or a transaction. */
export interface Queryable {
  /** `purpose` names why the query runs; queries are counted per purpose (see queryCounts). */
  query<Row extends QueryResultRow>(purpose: string, text: string, params?: unknown[]): Promise<Row[]>;
}

/** SQLSTATE classes that mean "the database is not there", not "your query is wrong". */
const UNAVAILABLE_SQLSTATES = /^(08|53|57P0[1-3])/;
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function isUnavailable(error: unknown): boolean {
  const err = error as { code?: string; message?: string };
  if (typeof err?.code === 'string' && (UNAVAILABLE_SQLSTATES.test(err.code) || UNAVAILABLE_ERRNOS.has(err.code)))
    return true;
  return /timeout exceeded when trying to connect|Connection terminated/i.test(err?.message ?? '');
}

function translate(error: unknown): unknown {
  if (isUnavailable(error)) return new DependencyError('The database is unavailable', 503, 'database_unavailable');
  if ((error as { code?: string }).code === '57014')
    return new DependencyError('The database did not answer in time', 504, 'database_timeout');
  return error;
}

/** pg takes the password from the connection string over a separate `password` option: put it there. */
function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** A pg pool with parameterized queries only, counted per purpose, and errors mapped to 503/504. */
export class Database implements Queryable {
  private readonly pool: Pool;
  private readonly counts = new Map<string, number>();
  private readonly onQuery: ((purpose: string) => void) | undefined;

  constructor(options: DatabaseOptions) {
    this.onQuery = options.onQuery;
    this.pool = new Pool({
      connectionString: options.password ? withPassword(options.url, options.password) : options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      application_name: options.applicationName,
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async query<Row extends QueryResultRow>(purpose: string, text: string, params: unknown[] = []): Promise<Row[]> {
    this.count(purpose);
    try {
      const result = await this.pool.query<Row>(text, params);
      return result.rows;
    } catch (error) {
      throw translate(error);
    }
  }

  /** Runs `work` in one transaction; rolls back on any error. */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translate(error);
    }
    const tx: Queryable = {
      query: async <Row extends QueryResultRow>(purpose: string, text: string, params: unknown[] = []) => {
        this.count(purpose);
        try {
          return (await client.query<Row>(text, params)).rows;
        } catch (error) {
          throw translate(error);
        }
      },
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw translate(error);
    } finally {
      client.release();
    }
  }

  /** Runs `work` on one dedicated connection (e.g. to hold a session-level advisory lock). */
  async withConnection<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw translate(error);
    });
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.query('health', 'SELECT 1');
  }

  /** Number of queries made so far, by purpose. */
  queryCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private count(purpose: string): void {
    this.counts.set(purpose, (this.counts.get(purpose) ?? 0) + 1);
    this.onQuery?.(purpose);
  }
}

/** Builds the pool from a service's `databaseSettings` values. */
export function databaseFromConfig(
  config: {
    databaseUrl: string;
    databasePassword: string;
    databasePoolSize: number;
    databaseStatementTimeoutMs: number;
    databaseConnectTimeoutMs: number;
  },
  applicationName: string,
  onQuery?: (purpose: string) => void,
): Database {
  return new Database({
    ...(onQuery && { onQuery }),
    url: config.databaseUrl,
    ...(config.databasePassword && { password: config.databasePassword }),
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    connectionTimeoutMs: config.databaseConnectTimeoutMs,
    applicationName,
  });
}
