export { startLocalCluster, type ClusterOptions, type LocalCluster } from './cluster';
export { Instance } from './instance';
export { SERVICES, SERVICE_NAMES, isServiceName, type ServiceName } from './services';
export { replicaMetrics, samplesOf, sumMetric, type Sample } from './metrics-text';
