export { serviceSettings } from './settings';
export { createLogger, type Logger } from './logger';
export { type BodyLimits } from './body-limit';
export {
  createDomainServiceApp,
  createEdgeApp,
  createStaticServiceApp,
  type BaseAppOptions,
  type DomainServiceAppOptions,
  type EdgeAppOptions,
  type ServiceApp,
  type StaticServiceAppOptions,
} from './service-app';
export { runService, type Background, type RunServiceOptions, type RunningService } from './run-service';
export { startService, type BaseServiceConfig, type BuiltService, type ServiceDefinition } from './start-service';
export {
  dataService,
  type DataService,
  type DataServiceConfig,
  type DataServiceContext,
  type DataServiceDefinition,
  type DataServiceInstance,
  type DataServiceWiring,
  type IdentityMode,
} from './data-service';
export { type ReadinessCheck } from './health';
export { EDGE_INSTANCE_HEADER, REQUEST_ID_HEADER } from './request-context';
export { pathOf } from './http-response';
export { ServiceMetrics } from './metrics';
export { queryKindOf, samplesOf, sumMetric, type Sample } from './metrics-text';
