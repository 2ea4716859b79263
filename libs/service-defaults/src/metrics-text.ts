/** One sample of a metric in Prometheus text format. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of one metric (exact name: `foo_total` does not match `foo_total_extra`). */
export function samplesOf(text: string, name: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const next = line[name.length];
    if (!line.startsWith(name) || (next !== '{' && next !== ' ')) continue;
    const brace = next === '{' ? line.indexOf('}', name.length) : name.length - 1;
    const labels: Record<string, string> = {};
    if (next === '{') {
      for (const match of line.slice(name.length + 1, brace).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[match[1]!] = match[2]!;
    }
    const value = Number(
      line
        .slice(brace + 1)
        .trim()
        .split(' ')[0],
    );
    if (Number.isFinite(value)) samples.push({ labels, value });
  }
  return samples;
}

/** Sums the samples of one metric whose labels include `labels`; NaN when there is none. */
export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  const matching = samplesOf(text, name).filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return matching.length === 0 ? Number.NaN : matching.reduce((sum, sample) => sum + sample.value, 0);
}

/** The auth service's query purposes of its revocation feed: the gateways' polls, whatever the traffic. */
const FEED_PURPOSE = /^revocation\.(latest|feed-.*)$/;
/** Purposes no API call causes: health checks, each replica's timers (key reloads, pruning), and the feed. */
const BACKGROUND_PURPOSE = /^(health|none|signing-key\..*|.*\.prune)$/;

/**
 * How an auth-store query counts, by its `db_queries_total` purpose: `call` when a request caused it
 * (users, refresh families, login throttle, revocations written), else what runs in the background.
 * One definition for every tool that counts "auth-store queries per API call".
 */
export function queryKindOf(purpose: string | undefined): 'call' | 'feed' | 'timer' | 'health' {
  const name = purpose ?? 'none';
  if (FEED_PURPOSE.test(name)) return 'feed';
  if (name === 'health' || name === 'none') return 'health';
  return BACKGROUND_PURPOSE.test(name) ? 'timer' : 'call';
}
