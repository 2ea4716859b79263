export type { ModeFigures, ModeName } from './plan';
export { compareSessionsAndJwt, type ComparisonOptions, type ModeRun, type Outage } from './run';
