export { createAdminApp } from './admin-app';
export { edgeHandler, type Authenticator, type EdgeHandlerOptions } from './edge-handler';
export { EdgeMetrics } from './edge-metrics';
export {
  HOME_PATH,
  isAmbiguousPath,
  matchRoute,
  PUBLIC_ROUTES,
  resolveRoute,
  type Access,
  type RouteRule,
} from './route-table';
export { edgeSettings, type EdgeConfig } from './settings';
export { UpstreamProxy, type UpstreamOutcome, type UpstreamProxyOptions } from './upstream-proxy';
export { createUpstreams, type Upstreams } from './upstreams';
