import type { BenchArgs } from './args';
import { GATEWAY_DEFAULT_CACHE_BOUNDS, JWKS_REFETCHES_PER_MINUTE } from './bench-settings';
import type { FloodFigures } from './flood';
import type { CacheMemory } from './memory-probes';
import { fmt } from './report';
import { VARIANT_SUFFIX } from './scenarios';
import { pairedRatio, ratio, type RunResult, type Target as Goal } from './stats';
import type { ScenarioSummaries } from './summaries';

export type { Goal };

export interface GoalInputs {
  summaries: ScenarioSummaries;
  runs: readonly RunResult[];
  flood: FloodFigures | undefined;
  cacheMemory: CacheMemory | undefined;
  args: Pick<BenchArgs, 'compareBundle' | 'memoryEntries'>;
}

/** The targets a run is judged by (see stats.verdict); with --compare-bundle, the B bundle's too. */
export function goalsFor({ summaries, runs, flood, cacheMemory, args }: GoalInputs): Goal[] {
  const rpsOf = (id: string) => summaries.rps(id);
  const cpuOf = (id: string) => summaries.cpuUsPerReq(id);
  const baseline = summaries.baselineRps;
  const baselineCpu = summaries.baselineCpuUsPerReq;
  const sessionCpu = summaries.sessionStoreCpuUsPerReq;
  const goals: Goal[] = [
    {
      name: 'cached JWT >= 0.95x auth-off',
      value: ratio(rpsOf('jwt-cached'), baseline),
      min: 0.95,
      cpuValue: ratio(baselineCpu, cpuOf('jwt-cached')),
      pairedValue: pairedRatio(runs, 'jwt-cached', 'auth-off'),
    },
    {
      name: 'uncached JWT >= 0.85x auth-off',
      value: ratio(rpsOf('jwt-uncached'), baseline),
      min: 0.85,
      cpuValue: ratio(baselineCpu, cpuOf('jwt-uncached')),
      pairedValue: pairedRatio(runs, 'jwt-uncached', 'auth-off'),
    },
    {
      name: 'cached JWT >= 1.5x session store',
      value: ratio(rpsOf('jwt-cached'), rpsOf('session-store')),
      min: 1.5,
      cpuValue: ratio(sessionCpu, cpuOf('jwt-cached')),
      pairedValue: pairedRatio(runs, 'jwt-cached', 'session-store'),
    },
    {
      name: 'flood: valid req/s >= 0.9x cached JWT',
      value: ratio(rpsOf('jwt-flood'), rpsOf('jwt-cached')),
      min: 0.9,
      pairedValue: pairedRatio(runs, 'jwt-flood', 'jwt-cached'),
    },
  ];
  if (args.compareBundle) {
    const b = (id: string) => rpsOf(`${id}${VARIANT_SUFFIX}`);
    const bCpu = (id: string) => cpuOf(`${id}${VARIANT_SUFFIX}`);
    goals.push(
      {
        name: '[B] cached JWT >= 0.95x [B] auth-off',
        value: ratio(b('jwt-cached'), b('auth-off')),
        min: 0.95,
        cpuValue: ratio(bCpu('auth-off'), bCpu('jwt-cached')),
      },
      {
        name: '[B] uncached JWT >= 0.85x [B] auth-off',
        value: ratio(b('jwt-uncached'), b('auth-off')),
        min: 0.85,
        cpuValue: ratio(bCpu('auth-off'), bCpu('jwt-uncached')),
      },
      {
        name: '[B] cached JWT >= 1.5x session store',
        value: ratio(b('jwt-cached'), rpsOf('session-store')),
        min: 1.5,
        cpuValue: ratio(sessionCpu, bCpu('jwt-cached')),
      },
      {
        name: '[B] auth-off vs A auth-off',
        value: ratio(b('auth-off'), baseline),
        cpuValue: ratio(baselineCpu, bCpu('auth-off')),
      },
    );
  }
  if (flood) {
    goals.push({
      name: `flood: JWKS fetches <= budget (${JWKS_REFETCHES_PER_MINUTE}/min, burst ${JWKS_REFETCHES_PER_MINUTE})`,
      value: flood.jwksHitsFirstToLastFlood,
      max: flood.allowedBySpan,
      note: `${flood.jwksHitsFirstToLastFlood} fetches from the first flood run's start to the last one's end (${flood.floodSpanSeconds.toFixed(0)} s, allowed ${flood.allowedBySpan})`,
    });
  }
  if (cacheMemory) {
    goals.push({
      name: `cache alone: ${fmt(args.memoryEntries)} tokens, held <= ${fmt(GATEWAY_DEFAULT_CACHE_BOUNDS.maxEntries)}`,
      value: cacheMemory.bounded.held,
      max: GATEWAY_DEFAULT_CACHE_BOUNDS.maxEntries,
    });
  }
  return goals;
}
