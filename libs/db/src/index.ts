export { Database, databaseFromConfig } from './database';
export type { DatabaseOptions, Queryable } from './database';
export { runMigrations } from './migrations';
export type { Migration } from './migrations';
export { databaseSettings } from './settings';
