import type { BenchArgs } from './args';
import { GATEWAY_DEFAULT_CACHE_BOUNDS, JWKS_REFETCHES_PER_MINUTE } from './bench-settings';
import type { FloodFigures } from './flood';
import type { CacheMemory } from './memory-probes';
import type { RawVerifyFigures } from './raw-verify';
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
  rawVerify: RawVerifyFigures | undefined;
  args: Pick<BenchArgs, 'compareBundle' | 'memoryEntries'>;
}

/**
 * The targets a run is judged by (issue "A lean gateway"; see stats.verdict), each a ratio within
 * this one run: 1-3 by CPU per request (steadier on a shared machine), the rest by req/s or p99.
 * With --compare-bundle, the B bundle's too.
 */
export function goalsFor({ summaries, runs, flood, cacheMemory, rawVerify, args }: GoalInputs): Goal[] {
  const rpsOf = (id: string) => summaries.rps(id);
  const cpuOf = (id: string) => summaries.cpuUsPerReq(id);
  const p99Of = (id: string) => summaries.get(id)?.p99Ms;
  const baseline = summaries.baselineRps;
  const baselineCpu = summaries.baselineCpuUsPerReq;
  const sessionCpu = summaries.sessionStoreCpuUsPerReq;
  const uncachedCpu = cpuOf('jwt-uncached');
  const verificationUs =
    uncachedCpu !== undefined && baselineCpu !== undefined ? uncachedCpu - baselineCpu : Number.NaN;
  const goals: Goal[] = [
    {
      name: 'gateway overhead: auth-off CPU/req <= 2.0x plain proxy',
      judgedBy: 'cpu',
      value: ratio(baselineCpu, cpuOf('plain-proxy')),
      max: 2.0,
      rpsValue: ratio(rpsOf('plain-proxy'), baseline),
    },
    {
      name: 'cached JWT >= 0.97x auth-off',
      judgedBy: 'cpu',
      value: ratio(baselineCpu, cpuOf('jwt-cached')),
      min: 0.97,
      rpsValue: ratio(rpsOf('jwt-cached'), baseline),
      pairedValue: pairedRatio(runs, 'jwt-cached', 'auth-off'),
    },
    {
      name: 'uncached: verification CPU <= 2x raw RS256 verify',
      judgedBy: 'cpu',
      value: ratio(verificationUs, rawVerify?.usPerVerify),
      max: 2,
      rpsValue: ratio(rpsOf('jwt-uncached'), baseline),
      note: `uncached - auth-off = ${fmt(verificationUs)} µs/req; crypto.verify = ${fmt(rawVerify?.usPerVerify ?? Number.NaN)} µs`,
    },
    {
      name: 'cached JWT >= 1.6x session gateway',
      judgedBy: 'rps',
      value: ratio(rpsOf('jwt-cached'), rpsOf('session-store')),
      min: 1.6,
      cpuValue: ratio(sessionCpu, cpuOf('jwt-cached')),
      pairedValue: pairedRatio(runs, 'jwt-cached', 'session-store'),
    },
    {
      name: 'flood: valid req/s >= 0.9x cached JWT',
      judgedBy: 'rps',
      value: ratio(rpsOf('jwt-flood'), rpsOf('jwt-cached')),
      min: 0.9,
      pairedValue: pairedRatio(runs, 'jwt-flood', 'jwt-cached'),
    },
    {
      name: 'flood: p99 <= 2x cached JWT p99',
      judgedBy: 'p99',
      value: ratio(p99Of('jwt-flood'), p99Of('jwt-cached')),
      max: 2,
    },
    {
      name: 'cached JWT with 100,000 revocations held: CPU/req <= 1.1x without',
      judgedBy: 'cpu',
      value: ratio(cpuOf('jwt-cached-revocations-100k'), cpuOf('jwt-cached')),
      max: 1.1,
      rpsValue: ratio(rpsOf('jwt-cached'), rpsOf('jwt-cached-revocations-100k')),
      pairedValue: pairedRatio(runs, 'jwt-cached', 'jwt-cached-revocations-100k', 'cpuUsPerReq'),
    },
    {
      name: 'LOG_LEVEL=info >= 0.9x warn',
      judgedBy: 'rps',
      value: ratio(rpsOf('auth-off-log-info'), baseline),
      min: 0.9,
      cpuValue: ratio(baselineCpu, cpuOf('auth-off-log-info')),
      pairedValue: pairedRatio(runs, 'auth-off-log-info', 'auth-off'),
    },
    {
      name: 'uncached JWT >= 1.5x express-jwt peer',
      judgedBy: 'rps',
      value: ratio(rpsOf('jwt-uncached'), rpsOf('peer-express-jwt-uncached')),
      min: 1.5,
      cpuValue: ratio(cpuOf('peer-express-jwt-uncached'), uncachedCpu),
    },
    {
      name: 'cached JWT >= 2x express-jwt peer (same token)',
      judgedBy: 'rps',
      value: ratio(rpsOf('jwt-cached'), rpsOf('peer-express-jwt-cached')),
      min: 2,
      cpuValue: ratio(cpuOf('peer-express-jwt-cached'), cpuOf('jwt-cached')),
    },
    {
      name: 'auth-off: req/s at 200 connections >= 0.8x at 50',
      judgedBy: 'rps',
      value: ratio(rpsOf('auth-off-c200'), baseline),
      min: 0.8,
    },
    {
      name: 'cached JWT: req/s at 200 connections >= 0.8x at 50',
      judgedBy: 'rps',
      value: ratio(rpsOf('jwt-cached-c200'), rpsOf('jwt-cached')),
      min: 0.8,
    },
  ];
  if (args.compareBundle) {
    const b = (id: string) => rpsOf(`${id}${VARIANT_SUFFIX}`);
    const bCpu = (id: string) => cpuOf(`${id}${VARIANT_SUFFIX}`);
    goals.push(
      {
        name: '[B] cached JWT >= 0.97x [B] auth-off',
        judgedBy: 'cpu',
        value: ratio(bCpu('auth-off'), bCpu('jwt-cached')),
        min: 0.97,
        rpsValue: ratio(b('jwt-cached'), b('auth-off')),
      },
      {
        name: '[B] auth-off vs A auth-off',
        judgedBy: 'cpu',
        value: ratio(baselineCpu, bCpu('auth-off')),
        rpsValue: ratio(b('auth-off'), baseline),
      },
    );
  }
  if (flood) {
    goals.push({
      name: `flood: JWKS fetches <= budget (${JWKS_REFETCHES_PER_MINUTE}/min, burst ${JWKS_REFETCHES_PER_MINUTE})`,
      judgedBy: 'count',
      value: flood.jwksHitsFirstToLastFlood,
      max: flood.allowedBySpan,
      note: `${flood.jwksHitsFirstToLastFlood} fetches from the first flood run's start to the last one's end (${flood.floodSpanSeconds.toFixed(0)} s, allowed ${flood.allowedBySpan})`,
    });
  }
  if (cacheMemory) {
    goals.push({
      name: `cache alone: ${fmt(args.memoryEntries)} tokens, held <= ${fmt(GATEWAY_DEFAULT_CACHE_BOUNDS.maxEntries)}`,
      judgedBy: 'count',
      value: cacheMemory.bounded.held,
      max: GATEWAY_DEFAULT_CACHE_BOUNDS.maxEntries,
    });
  }
  return goals;
}
