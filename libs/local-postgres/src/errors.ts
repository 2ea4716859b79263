/** Anything that keeps a local PostgreSQL server from being prepared, started or used. */
export class LocalPostgresError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The data directory belongs to a postmaster that is still alive; two servers must never share one. */
export class DataDirInUseError extends LocalPostgresError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another PostgreSQL is already running on this data dir (pid ${pid}, data dir ${dataDir}). ` +
        'Stop it first, or use a different data dir.',
    );
  }
}

/** The server exited or never became ready; `logTail` holds its last log lines, also quoted in the message. */
export class PostgresStartError extends LocalPostgresError {
  constructor(
    reason: string,
    readonly logTail: readonly string[],
  ) {
    const log =
      logTail.length > 0 ? `\nLast server log lines:\n  ${logTail.join('\n  ')}` : '\n(The server wrote no log lines.)';
    super(`PostgreSQL did not start: ${reason}${log}`);
  }
}
