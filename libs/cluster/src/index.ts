export {
  bundleOf,
  describeExit,
  SESSIONS_VS_JWT_RUNNER,
  startLocalCluster,
  type ClusterOptions,
  type LocalCluster,
} from './cluster';
export { CLUSTER_FILE_NAME, readClusterFile, type ClusterFile } from '@jwt-msa/topology';
export { Instance, type InstanceExit, type InstanceOptions } from './instance';
export { replicaMetrics } from './metrics-text';
export { queryKindOf, samplesOf, sumMetric, type Sample } from '@jwt-msa/service-defaults';
