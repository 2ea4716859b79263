export { startLocalPostgres } from './local-postgres';
export type { LocalPostgres, LocalPostgresOptions } from './local-postgres';
export { getFreePort } from './free-port';
export { DataDirInUseError, LocalPostgresError, PostgresStartError } from './errors';
export { isProcessAlive } from './process-alive';
