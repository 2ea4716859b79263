import { replicaMetrics, samplesOf } from '@jwt-msa/cluster';
/** Just enough HTTP for the demo: JSON in, JSON out, status and headers kept. */
export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  servedBy: string;
  ms: number;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    signal: AbortSignal.timeout(10_000),
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return {
    status: response.status,
    body,
    servedBy: response.headers.get('x-served-by') ?? '-',
    ms: Date.now() - started,
  };
}

/** A counter summed over every replica of one upstream, by label set. */
export async function counterOverReplicas(
  adminUrl: string,
  upstream: string,
  metric: string,
): Promise<Map<string, number>> {
  return sumSeries(await replicaMetrics(adminUrl, upstream), metric);
}

export async function gatewayCounter(adminUrl: string, metric: string): Promise<Map<string, number>> {
  return sumSeries([await (await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text()], metric);
}

/** Series of one metric, keyed by their labels minus service/instance (`purpose="..."`), summed over texts. */
function sumSeries(texts: string[], metric: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { labels, value } of texts.flatMap((text) => samplesOf(text, metric))) {
    const key = Object.entries(labels)
      .filter(([name]) => name !== 'service' && name !== 'instance')
      .map(([name, v]) => `${name}="${v}"`)
      .join(',');
    totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return totals;
}

export function total(series: Map<string, number>, keep: (labels: string) => boolean = () => true): number {
  let sum = 0;
  for (const [labels, value] of series) if (keep(labels)) sum += value;
  return sum;
}

export function delta(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const result = new Map<string, number>();
  for (const [labels, value] of after) {
    const change = value - (before.get(labels) ?? 0);
    if (change !== 0) result.set(labels, change);
  }
  return result;
}

/**
 * A signed-in client. Its refresh is single-flight: callers that need a new access token at the
 * same moment (several tabs, parallel requests) share one `POST /auth/refresh`, because refresh
 * tokens are strictly single-use and a second use of the same one is a reuse that ends the login.
 */
export class Session {
  readonly username: string;
  readonly password: string;
  accessToken: string;
  refreshToken: string;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly gw: string,
    tokens: { username: string; password: string; accessToken: string; refreshToken: string },
  ) {
    ({ username: this.username, password: this.password } = tokens);
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
  }

  refresh(): Promise<void> {
    this.inFlight ??= this.refreshOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async refreshOnce(): Promise<void> {
    const refreshed = await call(this.gw, 'POST', '/auth/refresh', { body: { refresh_token: this.refreshToken } });
    if (refreshed.status !== 200) throw new Error(`refresh: expected 200, got ${refreshed.status}`);
    this.accessToken = refreshed.body.access_token;
    this.refreshToken = refreshed.body.refresh_token;
  }
}
