/** Reads Prometheus counters the way a person would: by name and labels, summed over replicas. */
export async function sumOverReplicas(adminUrl: string, upstream: string, metric: string, labelFilter: (labels: string) => boolean = () => true): Promise<number> {
  const response = await fetch(`${adminUrl}/replicas/${upstream}/metrics`);
  const byReplica = (await response.json()) as Record<string, string | null>;
  let total = 0;
  for (const text of Object.values(byReplica)) {
    if (text === null) continue;
    for (const line of text.split('\n')) {
      const match = new RegExp(`^${metric}\\{([^}]*)\\} ([0-9.e+-]+)$`).exec(line);
      if (match && labelFilter(match[1]!)) total += Number(match[2]);
    }
  }
  return total;
}
