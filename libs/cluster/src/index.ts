export { bundleOf, describeExit, startLocalCluster, type ClusterOptions, type LocalCluster } from './cluster';
export { CLUSTER_FILE_NAME, readClusterFile, type ClusterFile } from './cluster-file';
export { Instance, type InstanceExit, type InstanceOptions } from './instance';
export { replicaMetrics, samplesOf, sumMetric, type Sample } from './metrics-text';
