import { replicaMetrics, samplesOf } from '@jwt-msa/cluster';

/** Reads a counter the way a person would: by name and labels, summed over every replica. */
export async function sumOverReplicas(
  adminUrl: string,
  upstream: string,
  metric: string,
  keep: (labels: Record<string, string>) => boolean = () => true,
): Promise<number> {
  return (await replicaMetrics(adminUrl, upstream))
    .flatMap((text) => samplesOf(text, metric))
    .filter((sample) => keep(sample.labels))
    .reduce((sum, sample) => sum + sample.value, 0);
}
