/** Pure arithmetic of the benchmark: percentiles, medians over rounds, ratios and targets. */

export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of already sorted values. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Latencies of one run, collected as they arrive (milliseconds, growable, no per-sample object). */
export class LatencyRecorder {
  private values = new Float64Array(1 << 16);
  private count = 0;

  record(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  get size(): number {
    return this.count;
  }

  percentiles(...ps: number[]): number[] {
    const sorted = this.values.slice(0, this.count).sort();
    return ps.map((p) => percentileOfSorted(sorted, p));
  }
}

/** One measured run of one scenario in one round. */
export interface RunResult {
  scenario: string;
  round: number;
  /** Responses that count as served (2xx). */
  ok: number;
  /** Other statuses, by code. */
  rejected: Record<string, number>;
  errors: number;
  timeouts: number;
  seconds: number;
  /** ok / seconds. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of the process under test per response (2xx and not), microseconds; NaN when not measured. */
  cpuUsPerReq: number;
  /** CPU of the store (PostgreSQL processes) per response, for the session-store scenario. */
  storeCpuUsPerReq?: number;
  /** Whole machine busy share during the run, 0..1 (all cores). */
  machineBusy: number;
  /** Share of the machine (all cores) used by processes the bench did not start: background noise. */
  otherLoad: number;
  /** Cores the load generator (this process) used during the load. */
  loadgenCores: number;
  extra: RunExtra;
}

/** Figures of a run beside the load's own: when it ran, and what the JWKS stand-in and the gateway counted. */
export interface RunExtra {
  /** ms since the epoch, like the JWKS stand-in's hit times. */
  startedAt: number;
  finishedAt: number;
  /** Requests the JWKS stand-in answered during the run. */
  jwksHits: number;
  /** Deltas of the gateway's own counters (admin /metrics): only for the targets that are real gateways. */
  verifiedOk?: number;
  unknownKid?: number;
  jwksFetchesMetric?: number;
  cacheHits?: number;
  cacheMisses?: number;
}

export interface ScenarioSummary {
  scenario: string;
  rounds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  /** The lowest CPU per request of the rounds: noise only adds, so this is the closest to the intrinsic cost. */
  cpuUsPerReqMin: number;
  storeCpuUsPerReq?: number;
  rejected: number;
  errors: number;
  machineBusy: number;
  otherLoad: number;
  loadgenCores: number;
}

/** Median per scenario over its rounds, in the order scenarios first appear. */
export function summarize(runs: readonly RunResult[]): ScenarioSummary[] {
  const byScenario = new Map<string, RunResult[]>();
  for (const run of runs) byScenario.set(run.scenario, [...(byScenario.get(run.scenario) ?? []), run]);
  return [...byScenario].map(([scenario, list]) => {
    const store = list.map((run) => run.storeCpuUsPerReq).filter((value): value is number => value !== undefined);
    return {
      scenario,
      rounds: list.length,
      rps: median(list.map((run) => run.rps)),
      p50Ms: median(list.map((run) => run.p50Ms)),
      p99Ms: median(list.map((run) => run.p99Ms)),
      cpuUsPerReq: median(list.map((run) => run.cpuUsPerReq)),
      cpuUsPerReqMin: Math.min(...list.map((run) => run.cpuUsPerReq).filter(Number.isFinite)),
      ...(store.length > 0 && { storeCpuUsPerReq: median(store) }),
      rejected: list.reduce((sum, run) => sum + Object.values(run.rejected).reduce((a, b) => a + b, 0), 0),
      errors: list.reduce((sum, run) => sum + run.errors + run.timeouts, 0),
      machineBusy: median(list.map((run) => run.machineBusy)),
      otherLoad: median(list.map((run) => run.otherLoad)),
      loadgenCores: median(list.map((run) => run.loadgenCores)),
    };
  });
}

/**
 * The median over rounds of (numerator / denominator) within each round: both ran minutes apart
 * at most, so slow drifts of the machine cancel out. A check on the ratio of medians.
 */
export function pairedRatio(
  runs: readonly RunResult[],
  numerator: string,
  denominator: string,
  field: 'rps' | 'cpuUsPerReq' = 'rps',
): number {
  const rounds = new Set(runs.map((run) => run.round));
  const ratios: number[] = [];
  for (const round of rounds) {
    const top = runs.find((run) => run.round === round && run.scenario === numerator);
    const bottom = runs.find((run) => run.round === round && run.scenario === denominator);
    if (top && bottom) ratios.push(field === 'rps' ? top.rps / bottom.rps : bottom.cpuUsPerReq / top.cpuUsPerReq);
  }
  return median(ratios);
}

export function ratio(numerator: number | undefined, denominator: number | undefined): number {
  if (numerator === undefined || denominator === undefined || !(denominator > 0)) return Number.NaN;
  return numerator / denominator;
}

/** Which figure decides a target: CPU per request, requests per second, p99 latency, or a count. */
export type JudgedBy = 'cpu' | 'rps' | 'p99' | 'count';

export interface Target {
  name: string;
  /** The measured value that decides the verdict (a ratio, or a count). */
  value: number;
  judgedBy: JudgedBy;
  /** The same comparison by req/s, when CPU judges it (informative). */
  rpsValue?: number;
  /** The same ratio from CPU per request (informative: steadier on a busy machine). */
  cpuValue?: number;
  /** The median of the per-round ratios (informative: cancels drifts between rounds). */
  pairedValue?: number;
  /** PASS when value >= min ("at least") or value <= max ("at most"). */
  min?: number;
  max?: number;
  note?: string;
}

export type Verdict = 'PASS' | 'MISS' | 'n/a' | 'info';

export function verdict(target: Target): Verdict {
  if (!Number.isFinite(target.value)) return 'n/a';
  if (target.min === undefined && target.max === undefined) return 'info';
  if (target.min !== undefined && target.value < target.min) return 'MISS';
  if (target.max !== undefined && target.value > target.max) return 'MISS';
  return 'PASS';
}

/**
 * Most fetches a token bucket of `perMinute` (which starts full) allows in `seconds`: the burst of
 * its capacity plus the refill.
 */
export function tokenBucketBound(perMinute: number, seconds: number): number {
  return Math.floor(perMinute + (perMinute * seconds) / 60);
}
