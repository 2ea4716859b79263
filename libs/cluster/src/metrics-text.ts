/**
 * Every reachable replica's metrics for one upstream, read through the gateway's internal admin
 * listener (`/replicas/<upstream>/metrics`), so nobody needs to reach the replicas themselves.
 */
export async function replicaMetrics(adminUrl: string, upstream: string): Promise<string[]> {
  const response = await fetch(`${adminUrl}/replicas/${upstream}/metrics`, { signal: AbortSignal.timeout(5000) });
  const byReplica = (await response.json()) as Record<string, string | null>;
  return Object.values(byReplica).filter((text): text is string => text !== null);
}
