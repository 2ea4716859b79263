export * as setting from './setting';
export type { Setting } from './setting';
export { loadConfig, describeSchema, ConfigError } from './load-config';
export type { Schema, ConfigOf } from './load-config';
