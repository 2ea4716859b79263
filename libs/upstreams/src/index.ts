export { UpstreamPool, type Replica, type Resolver, type UpstreamPoolOptions } from './upstream-pool';
export { upstreamPoolSettings, upstreamUrlsSetting } from './settings';
