import type { RawVerifyFigures } from './raw-verify';
import path from 'node:path';
import { DEFAULT_ARGS, type BenchArgs } from './args';
import { CACHE_METRIC, JWKS_REFETCHES_PER_MINUTE, SESSIONS } from './bench-settings';
import { floodRunsOf, type FloodFigures, type JwksFetches } from './flood';
import type { Goal } from './goals';
import type { CacheMemory, MemoryFigures } from './memory-probes';
import type { MachineInfo } from './proc';
import { fmt, fmtBytes, fmtRatio, formatTable } from './report';
import type { ResultFiles } from './result-files';
import { baseScenarioId, scenarioInfo } from './scenarios';
import type { RunningTargets } from './start-targets';
import { ratio, verdict, type RunResult, type ScenarioSummary } from './stats';
import type { ScenarioSummaries } from './summaries';
import { floodTokenCount, type TokenPools } from './token-pools';

/** Every line the bench prints on stdout, section by section, in the order a run prints them. */

const print = (line = '') => process.stdout.write(`${line}\n`);

export function printHeader(args: BenchArgs, date: Date, machine: MachineInfo): void {
  print(`jwt-msa gateway benchmark, ${date.toISOString()}`);
  if (args.gatewayBundle !== DEFAULT_ARGS.gatewayBundle) print(`gateway bundle: ${args.gatewayBundle}`);
  if (args.compareBundle) print(`compared with ("[B]" rows): ${args.compareBundle}`);
  print(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.platform})`,
  );
  print(
    `load: autocannon, ${args.connections} keep-alive connections, ${args.rounds} rounds x ${args.durationS} s per scenario (interleaved), warm-up ${args.warmupS} s per serving process, ${args.rewarmS} s re-warm before each measured run`,
  );
}

export function printBackground(busyShare: number): void {
  print(
    `background: the machine was ${fmt(busyShare * 100)}% busy during 2 s before the bench started${busyShare > 0.1 ? ' (other processes: expect noisy, lower figures)' : ''}`,
  );
  print();
}

export function printSetUp(
  args: Pick<BenchArgs, 'poolSize' | 'connections'>,
  tokens: TokenPools,
  withSessionStore: boolean,
  seconds: number,
): void {
  print(
    `set-up: ${args.poolSize + 1} valid tokens + ${floodTokenCount(args.connections)} unknown-kid tokens signed (RS256, ${tokens.cached.length} bytes each)${withSessionStore ? `, PostgreSQL with ${SESSIONS} sessions` : ''} in ${seconds.toFixed(1)} s`,
  );
}

export function printTargetsUp(targets: RunningTargets, seconds: number): void {
  print(`processes up and answering in ${seconds.toFixed(1)} s: ${targets.started().join(', ')}`);
}

export function printWarmUp(warmupS: number, seconds: number): void {
  if (warmupS > 0) print(`warm-up: ${seconds.toFixed(0)} s`);
  print();
}

export function printRun(run: RunResult, rounds: number): void {
  const rejected = Object.entries(run.rejected)
    .map(([code, count]) => `${count}x${code}`)
    .join(' ');
  print(
    `  round ${run.round}/${rounds}  ${run.scenario.padEnd(18)} ${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50Ms, 1).padStart(5)} ms  p99 ${fmt(run.p99Ms, 1).padStart(5)} ms  ${fmt(run.cpuUsPerReq).padStart(5)} µs/req${rejected ? `  non-2xx: ${rejected}` : ''}${run.errors ? `  errors: ${run.errors}` : ''}`,
  );
}

export function printCacheMemoryProbe(cacheMemory: CacheMemory | undefined, entries: number, seconds: number): void {
  if (!cacheMemory) return;
  print(
    `memory probe: ${fmt(entries)} synthetic tokens through VerifiedTokenCache, bounded and unbounded, in ${seconds.toFixed(0)} s`,
  );
}

export function printResults(
  summaries: ScenarioSummaries,
  runs: readonly RunResult[],
  args: Pick<BenchArgs, 'rounds' | 'durationS' | 'connections'>,
): void {
  print();
  print(
    `Results: median of ${args.rounds} rounds of ${args.durationS} s, ${args.connections} connections. CPU = the serving process only (load generator excluded);`,
  );
  print(
    '"by CPU" = auth-off CPU per request / this CPU per request (the capacity ratio when the proxy\'s core is the bottleneck; steadier than req/s on a busy machine);',
  );
  print(
    '"(min)" = the lowest CPU per request of the rounds (noise only adds to it); "other load" = share of the machine used by processes the bench did not start.',
  );
  print(
    formatTable(
      ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', '(min)', 'vs auth-off', 'by CPU', 'other load', 'notes'],
      summaries.list.map((summary) => [
        scenarioInfo(summary.scenario).label,
        fmt(summary.rps),
        fmt(summary.p50Ms, 1),
        fmt(summary.p99Ms, 1),
        fmt(summary.cpuUsPerReq),
        fmt(summary.cpuUsPerReqMin),
        fmtRatio(ratio(summary.rps, summaries.baselineRps)),
        fmtRatio(ratio(summaries.baselineCpuUsPerReq, summary.cpuUsPerReq)),
        `${fmt(summary.otherLoad * 100)}%`,
        notesFor(summary, runs),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
  );
}

function notesFor(summary: ScenarioSummary, runs: readonly RunResult[]): string {
  const notes: string[] = [];
  if (summary.storeCpuUsPerReq !== undefined) notes.push(`+ ${fmt(summary.storeCpuUsPerReq)} µs/req in PostgreSQL`);
  if (summary.scenario === 'jwt-flood') notes.push('2xx only; CPU per response incl. 401s');
  if (summary.scenario === 'direct') notes.push('CPU = the upstream');
  const rejected = runs
    .filter((run) => run.scenario === summary.scenario)
    .reduce((sum, run) => sum + Object.values(run.rejected).reduce((a, b) => a + b, 0), 0);
  if (rejected > 0 && summary.scenario !== 'jwt-flood') notes.push(`${rejected} non-2xx!`);
  if (summary.errors > 0) notes.push(`${summary.errors} errors!`);
  return notes.join('; ');
}

export function printGoals(goals: readonly Goal[]): void {
  print();
  print('Targets (one run):');
  print(
    formatTable(
      ['target', 'judged by', 'measured', 'verdict', 'by req/s', 'by CPU', 'paired', 'note'],
      goals.map((goal) => [
        goal.name,
        goal.judgedBy,
        goal.judgedBy === 'count' ? fmt(goal.value) : fmtRatio(goal.value),
        verdict(goal),
        goal.rpsValue !== undefined ? fmtRatio(goal.rpsValue) : '',
        goal.cpuValue !== undefined ? fmtRatio(goal.cpuValue) : '',
        goal.pairedValue !== undefined ? fmtRatio(goal.pairedValue) : '',
        goal.note ?? '',
      ]),
      ['left', 'left', 'right', 'left', 'right', 'right', 'right', 'left'],
    ),
  );
  print(
    '("measured" = the judged figure, a ratio of the medians; "by req/s" and "by CPU" = the same comparison from the',
  );
  print(
    ' other figure; "paired" = median of the per-round ratios, which cancels drifts of the machine between rounds.)',
  );
}

export function printFlood(
  flood: FloodFigures | undefined,
  jwksFetches: JwksFetches,
  runs: readonly RunResult[],
  summaries: ScenarioSummaries,
  floodShare: number,
): void {
  if (!flood) return;
  print();
  print(
    `Flood (${Math.round(floodShare * 100)}% of requests carry a token with a random unknown kid, signed by an unknown key):`,
  );
  print(
    `  valid traffic: ${fmt(flood.validRps)} req/s = ${fmtRatio(ratio(flood.validRps, summaries.rps('jwt-cached')))} of the all-valid cached scenario; ${fmt(flood.rejectedPerRun)} requests refused (401) per run` +
      (Number.isFinite(flood.unknownKidPerRun)
        ? `, ${fmt(flood.unknownKidPerRun)} of them counted as unknown_kid by the gateway`
        : ''),
  );
  print(
    `  JWKS stand-in: ${flood.jwksHitsDuringFloodRuns} fetches during the ${floodRunsOf(runs).length} flood runs; ${flood.jwksHitsFirstToLastFlood} from the first flood run to the last (${flood.floodSpanSeconds.toFixed(0)} s; a bucket of ${JWKS_REFETCHES_PER_MINUTE}/min that starts full allows ${flood.allowedBySpan})`,
  );
  print(
    `  whole run: ${flood.jwksHitsWholeRun} JWKS fetches in ${flood.wholeRunSeconds.toFixed(0)} s after start-up (start-up itself: ${jwksFetches.atStartUp})`,
  );
}

export function printCacheHits(scenarioIds: readonly string[], runs: readonly RunResult[]): void {
  const cacheHits = runs.filter((run) => Number.isFinite(run.extra.cacheHits));
  print();
  print(
    cacheHits.length > 0
      ? `Verified-token cache (gateway metric ${CACHE_METRIC}): ${scenarioIds
          .filter((id) => ['jwt-cached', 'jwt-uncached'].includes(baseScenarioId(id)))
          .map((id) => {
            const list = runs.filter((run) => run.scenario === id);
            const hits = list.reduce((sum, run) => sum + (run.extra.cacheHits ?? 0), 0);
            const misses = list.reduce((sum, run) => sum + (run.extra.cacheMisses ?? 0), 0);
            return `${id} ${fmt((100 * hits) / Math.max(1, hits + misses))}% hits`;
          })
          .join(', ')}`
      : `Verified-token cache: the gateway exposes no ${CACHE_METRIC} metric, so hits cannot be told from misses ` +
          `(a gateway without the cache verifies every request in jwt-cached too).`,
  );
}

export function printMemory(memory: MemoryFigures, cacheEntries: number): void {
  const { gateway, peakRss, cache } = memory;
  print();
  print('Memory:');
  if (gateway) {
    print(
      `  gateway under ${fmt(gateway.requests)} requests with ${fmt(gateway.distinctTokens)} distinct tokens (${gateway.seconds.toFixed(0)} s, cache bound ${fmt(cacheEntries)} entries): ` +
        `RSS ${fmtBytes(gateway.rssBefore)} before, max ${fmtBytes(gateway.maxRssDuring)} during, ${fmtBytes(gateway.rssAfter)} after; peak RSS over the whole run ${fmtBytes(gateway.peakRssLifetime)}`,
    );
  }
  print(
    `  peak RSS per process over the whole run: ${Object.entries(peakRss)
      .map(([name, bytes]) => `${name} ${fmtBytes(bytes)}`)
      .join(', ')}`,
  );
  if (cache) {
    const probes = [
      {
        result: cache.bounded,
        bounds: `maxEntries ${fmt(cache.bounded.maxEntries)}, maxBytes ${fmtBytes(cache.bounded.maxBytes)}`,
      },
      { result: cache.unbounded, bounds: 'no bounds' },
    ];
    for (const { result, bounds } of probes) {
      print(
        `  VerifiedTokenCache alone, ${fmt(result.entries)} distinct tokens, ${bounds}: holds ${fmt(result.held)} (${fmtBytes(result.estimatedBytes)} estimated), ` +
          `RSS ${fmtBytes(result.rssBefore)} before, peak ${fmtBytes(result.peakRss)}, heap ${fmtBytes(result.heapBefore)} -> ${fmtBytes(result.heapAfter)}` +
          (result.held > 0
            ? ` (~${fmt((result.heapAfter - result.heapBefore) / result.held)} B/entry measured vs ${fmt(result.estimatedBytes / result.held)} estimated)`
            : '') +
          `, ${result.seconds.toFixed(1)} s`,
      );
    }
  }
}

export function printWrote(files: ResultFiles): void {
  print();
  const relative = (file: string) => path.relative(process.cwd(), file);
  print(`Wrote ${relative(files.json)} and ${relative(files.svg)}`);
}

export function printRawVerify(figures: RawVerifyFigures): void {
  print();
  print(
    `Raw RS256 (crypto.verify, 2048-bit KeyObject, this process, after the load): ${fmt(figures.usPerVerify)} µs per verification (${fmt(figures.verifications)} in 1 s)`,
  );
}
