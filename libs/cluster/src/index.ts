export { startLocalCluster, type ClusterOptions, type LocalCluster } from './cluster';
export { Instance } from './instance';
export { replicaMetrics, samplesOf, sumMetric, type Sample } from './metrics-text';
