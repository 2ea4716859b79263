export { serviceSettings } from './settings';
export { createLogger, flushLogs, type Logger } from './logger';
export { createServiceApp, lifecycleOf, type ServiceAppOptions, type Lifecycle } from './create-service-app';
export { runService, type RunServiceOptions, type RunningService } from './run-service';
export { startService } from './start-service';
export { errorHandler, notFound } from './error-handler';
export { healthRoutes, type ReadinessCheck } from './health';
export { REQUEST_ID_HEADER, requestId, requestIdOf, requestLogger, servedBy } from './request-context';
export { ServiceMetrics } from './metrics';
