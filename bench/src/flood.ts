import { JWKS_REFETCHES_PER_MINUTE } from './bench-settings';
import type { JwksStandIn } from './jwks-server';
import { tokenBucketBound, type RunResult } from './stats';

/** Fetches of the JWKS stand-in over the whole run, counted when the load is over. */
export interface JwksFetches {
  /** While the gateways started, before the sanity checks. */
  atStartUp: number;
  /** After start-up, to the end of the load. */
  wholeRun: number;
  /** From the first fetch (a gateway starting) to the end of the load. */
  wholeRunSeconds: number;
}

/** The flood scenario against the gateway's JWKS refetch budget (a token bucket, see tokenBucketBound). */
export interface FloodFigures {
  validRps: number;
  rejectedPerRun: number;
  unknownKidPerRun: number;
  jwksHitsDuringFloodRuns: number;
  jwksHitsFirstToLastFlood: number;
  floodSpanSeconds: number;
  allowedBySpan: number;
  jwksHitsWholeRun: number;
  wholeRunSeconds: number;
}

export function countJwksFetches(jwks: JwksStandIn, atStartUp: number): JwksFetches {
  const wholeRun = jwks.hits.length - atStartUp;
  const endedAt = Date.now();
  const firstAt = jwks.hits[0] ?? endedAt;
  return { atStartUp, wholeRun, wholeRunSeconds: (endedAt - firstAt) / 1000 };
}

export function floodRunsOf(runs: readonly RunResult[]): RunResult[] {
  return runs.filter((run) => run.scenario === 'jwt-flood');
}

/** Undefined without flood runs. `validRps` is the flood scenario's median 2xx rate. */
export function floodFigures(
  runs: readonly RunResult[],
  validRps: number | undefined,
  jwks: JwksStandIn,
  fetches: JwksFetches,
): FloodFigures | undefined {
  const floodRuns = floodRunsOf(runs);
  if (floodRuns.length === 0) return undefined;
  const from = Math.min(...floodRuns.map((run) => run.extra.startedAt));
  const to = Math.max(...floodRuns.map((run) => run.extra.finishedAt));
  const floodSeconds = (to - from) / 1000;
  return {
    validRps: validRps ?? Number.NaN,
    rejectedPerRun:
      floodRuns.reduce((sum, run) => sum + Object.values(run.rejected).reduce((a, b) => a + b, 0), 0) /
      floodRuns.length,
    unknownKidPerRun: floodRuns.reduce((sum, run) => sum + (run.extra.unknownKid ?? 0), 0) / floodRuns.length,
    jwksHitsDuringFloodRuns: floodRuns.reduce((sum, run) => sum + run.extra.jwksHits, 0),
    jwksHitsFirstToLastFlood: jwks.hitsBetween(from, to),
    floodSpanSeconds: floodSeconds,
    allowedBySpan: tokenBucketBound(JWKS_REFETCHES_PER_MINUTE, floodSeconds),
    jwksHitsWholeRun: fetches.wholeRun,
    wholeRunSeconds: fetches.wholeRunSeconds,
  };
}
