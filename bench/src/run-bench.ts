import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_ARGS, type BenchArgs } from './args';
import { CACHE_METRIC, GATEWAY_CACHE_ENTRIES_ENV, JWKS_REFETCHES_PER_MINUTE, SESSIONS } from './bench-settings';
import { countJwksFetches, floodFigures, floodRunsOf } from './flood';
import { goalsFor } from './goals';
import { startJwksStandIn } from './jwks-server';
import { machineInfo, machineTicks } from './proc';
import { fmt, fmtBytes, fmtRatio, formatTable, renderBarChart, type ChartBar } from './report';
import { ScenarioMeasurer } from './measure';
import { peakRssPerProcess, probeCacheMemory, probeGatewayMemory } from './memory-probes';
import { RequestPlans } from './request-plans';
import { measureRounds, warmUp } from './rounds';
import { RunResources } from './run-resources';
import { checkTargetsAnswer } from './sanity-check';
import { baseScenarioId, scenarioInfo, selectScenarioIds, targetsOf } from './scenarios';
import { startSessionStore } from './session-store';
import { existingGatewayBundle, startTargets } from './start-targets';
import { ratio, verdict, type RunResult, type ScenarioSummary } from './stats';
import { ScenarioSummaries } from './summaries';
import { floodTokenCount, newPoolKeys, signTokenPools } from './token-pools';

const print = (line = '') => process.stdout.write(`${line}\n`);

/** `npm run bench`: see docs/benchmark.md. */
export async function runBench(args: BenchArgs, bundleFile: string): Promise<void> {
  const gatewayBundle = existingGatewayBundle(args.gatewayBundle);
  const scenarioIds = selectScenarioIds(args.only, args.compareBundle);
  const needed = targetsOf(scenarioIds);

  const resources = await RunResources.open();
  const work = resources.workDir;
  const children = resources.children;

  try {
    const machine = machineInfo();
    const date = new Date();
    print(`jwt-msa gateway benchmark, ${date.toISOString()}`);
    if (args.gatewayBundle !== DEFAULT_ARGS.gatewayBundle) print(`gateway bundle: ${args.gatewayBundle}`);
    if (args.compareBundle) print(`compared with ("[B]" rows): ${args.compareBundle}`);
    print(
      `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.platform})`,
    );
    print(
      `load: autocannon, ${args.connections} keep-alive connections, ${args.rounds} rounds x ${args.durationS} s per scenario (interleaved), warm-up ${args.warmupS} s`,
    );
    const idleBusy = await backgroundLoad(2000);
    print(
      `background: the machine was ${fmt(idleBusy * 100)}% busy during 2 s before the bench started${idleBusy > 0.1 ? ' (other processes: expect noisy, lower figures)' : ''}`,
    );
    print();

    // --- Set-up: keys and token pools (worker threads), the session store, the stand-ins -------------
    let t = Date.now();
    const keys = await newPoolKeys();
    const floodCount = floodTokenCount(args.connections);
    const signing = signTokenPools(keys, args, bundleFile);
    const storeStarting = needed.has('session-gateway') ? startSessionStore(work, SESSIONS) : undefined;
    const [tokens, store] = await Promise.all([signing, storeStarting]);
    if (store) resources.closeAtEnd(() => store.pg.stop());
    print(
      `set-up: ${args.poolSize + 1} valid tokens + ${floodCount} unknown-kid tokens signed (RS256, ${tokens.cached.length} bytes each)${store ? `, PostgreSQL with ${SESSIONS} sessions` : ''} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );

    t = Date.now();
    const jwks = await startJwksStandIn([keys.issuer.publicJwk]);
    resources.closeAtEnd(() => jwks.close());
    const targets = await startTargets({
      args,
      gatewayBundle,
      bundleFile,
      workDir: work,
      children,
      jwks,
      store,
      needed,
    });
    const jwksHitsAtStart = jwks.hits.length;

    const plans = new RequestPlans(tokens, store?.sessionIds ?? [], args);

    await checkTargetsAnswer(scenarioIds, targets, plans, children);
    print(`processes up and answering in ${((Date.now() - t) / 1000).toFixed(1)} s: ${targets.targets().join(', ')}`);

    const measurer = new ScenarioMeasurer({
      targets,
      children,
      jwks,
      store,
      plans,
      connections: args.connections,
      cores: machine.cores,
    });
    t = Date.now();
    await warmUp(measurer, scenarioIds, args.warmupS);
    if (args.warmupS > 0) print(`warm-up: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    print();
    const runs = await measureRounds(measurer, scenarioIds, args.rounds, args.durationS, (run) => {
      const rejected = Object.entries(run.rejected)
        .map(([code, count]) => `${count}x${code}`)
        .join(' ');
      print(
        `  round ${run.round}/${args.rounds}  ${run.scenario.padEnd(18)} ${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50Ms, 1).padStart(5)} ms  p99 ${fmt(run.p99Ms, 1).padStart(5)} ms  ${fmt(run.cpuUsPerReq).padStart(5)} µs/req${rejected ? `  non-2xx: ${rejected}` : ''}${run.errors ? `  errors: ${run.errors}` : ''}`,
      );
    });

    const gatewayMemory = await probeGatewayMemory(targets, children, plans, tokens.pool.length, args);
    const peakRss = peakRssPerProcess(targets, children);
    const jwksFetches = countJwksFetches(jwks, jwksHitsAtStart);

    // The load is over: stop the servers so the memory probes below run on a quiet machine.
    await children.stopAll();
    await store?.pg.stop();

    t = Date.now();
    const cacheMemory = await probeCacheMemory(children, bundleFile, work, args.memoryEntries);
    if (cacheMemory)
      print(
        `memory probe: ${fmt(args.memoryEntries)} synthetic tokens through VerifiedTokenCache, bounded and unbounded, in ${((Date.now() - t) / 1000).toFixed(0)} s`,
      );

    // --- Results ------------------------------------------------------------------------------------
    const summaries = new ScenarioSummaries(runs);
    const baseline = summaries.baselineRps;
    const baselineCpu = summaries.baselineCpuUsPerReq;
    const rpsOf = (id: string) => summaries.rps(id);
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
        [
          'scenario',
          'req/s',
          'p50 ms',
          'p99 ms',
          'CPU µs/req',
          '(min)',
          'vs auth-off',
          'by CPU',
          'other load',
          'notes',
        ],
        summaries.list.map((summary) => [
          scenarioInfo(summary.scenario).label,
          fmt(summary.rps),
          fmt(summary.p50Ms, 1),
          fmt(summary.p99Ms, 1),
          fmt(summary.cpuUsPerReq),
          fmt(summary.cpuUsPerReqMin),
          fmtRatio(ratio(summary.rps, baseline)),
          fmtRatio(ratio(baselineCpu, summary.cpuUsPerReq)),
          `${fmt(summary.otherLoad * 100)}%`,
          notesFor(summary, runs),
        ]),
        ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
      ),
    );

    const floodRuns = floodRunsOf(runs);
    const flood = floodFigures(runs, rpsOf('jwt-flood'), jwks, jwksFetches);
    const goals = goalsFor({ summaries, runs, flood, cacheMemory, args });
    print();
    print('Targets (one run):');
    print(
      formatTable(
        ['target', 'measured', 'verdict', 'by CPU', 'paired'],
        goals.map((goal) => [
          goal.name,
          goal.max !== undefined ? fmt(goal.value) : fmtRatio(goal.value),
          verdict(goal),
          goal.cpuValue !== undefined ? fmtRatio(goal.cpuValue) : '',
          goal.pairedValue !== undefined ? fmtRatio(goal.pairedValue) : '',
        ]),
        ['left', 'right', 'left', 'right', 'right'],
      ),
    );
    print('("measured" = ratio of the medians, which decides the verdict; "by CPU" = the same from CPU per request;');
    print(' "paired" = median of the ratios within each round, which cancels drifts of the machine between rounds.)');

    if (flood) {
      print();
      print(
        `Flood (${Math.round(args.floodShare * 100)}% of requests carry a token with a random unknown kid, signed by an unknown key):`,
      );
      print(
        `  valid traffic: ${fmt(flood.validRps)} req/s = ${fmtRatio(ratio(flood.validRps, rpsOf('jwt-cached')))} of the all-valid cached scenario; ${fmt(flood.rejectedPerRun)} requests refused (401) per run` +
          (Number.isFinite(flood.unknownKidPerRun)
            ? `, ${fmt(flood.unknownKidPerRun)} of them counted as unknown_kid by the gateway`
            : ''),
      );
      print(
        `  JWKS stand-in: ${flood.jwksHitsDuringFloodRuns} fetches during the ${floodRuns.length} flood runs; ${flood.jwksHitsFirstToLastFlood} from the first flood run to the last (${flood.floodSpanSeconds.toFixed(0)} s; a bucket of ${JWKS_REFETCHES_PER_MINUTE}/min that starts full allows ${flood.allowedBySpan})`,
      );
      print(
        `  whole run: ${flood.jwksHitsWholeRun} JWKS fetches in ${flood.wholeRunSeconds.toFixed(0)} s after start-up (start-up itself: ${jwksFetches.atStartUp})`,
      );
    }

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

    print();
    print('Memory:');
    if (gatewayMemory) {
      print(
        `  gateway under ${fmt(gatewayMemory.requests)} requests with ${fmt(gatewayMemory.distinctTokens)} distinct tokens (${gatewayMemory.seconds.toFixed(0)} s, cache bound ${fmt(args.cacheEntries)} entries): ` +
          `RSS ${fmtBytes(gatewayMemory.rssBefore)} before, max ${fmtBytes(gatewayMemory.maxRssDuring)} during, ${fmtBytes(gatewayMemory.rssAfter)} after; peak RSS over the whole run ${fmtBytes(gatewayMemory.peakRssLifetime)}`,
      );
    }
    print(
      `  peak RSS per process over the whole run: ${Object.entries(peakRss)
        .map(([name, bytes]) => `${name} ${fmtBytes(bytes)}`)
        .join(', ')}`,
    );
    if (cacheMemory) {
      for (const [name, result] of Object.entries(cacheMemory)) {
        const bounds =
          name === 'bounded'
            ? `maxEntries ${fmt(result.maxEntries)}, maxBytes ${fmtBytes(result.maxBytes)}`
            : 'no bounds';
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

    // --- Files: JSON and the chart ---------------------------------------------------------------
    const outDir = path.resolve(args.outDir);
    await mkdir(outDir, { recursive: true });
    const withRatios = summaries.list.map((summary) => ({
      ...summary,
      label: scenarioInfo(summary.scenario).label,
      description: scenarioInfo(summary.scenario).description,
      ratioVsAuthOff: ratio(summary.rps, baseline),
      cpuRatioVsAuthOff: ratio(baselineCpu, summary.cpuUsPerReq),
    }));
    const results = {
      date: date.toISOString(),
      machine: { ...machine, backgroundBusyBeforeStart: idleBusy },
      settings: {
        ...args,
        tokenBytes: tokens.cached.length,
        jwksRefetchesPerMinute: JWKS_REFETCHES_PER_MINUTE,
        gatewayEnv: {
          [GATEWAY_CACHE_ENTRIES_ENV]: args.cacheEntries,
          JWKS_REFETCHES_PER_MINUTE: JWKS_REFETCHES_PER_MINUTE,
          LOG_LEVEL: 'warn',
        },
        sessions: SESSIONS,
      },
      scenarios: withRatios,
      targets: goals.map((goal) => ({ ...goal, verdict: verdict(goal) })),
      flood,
      memory: { gateway: gatewayMemory, peakRss, cache: cacheMemory },
      runs,
    };
    await writeFile(path.join(outDir, 'latest.json'), `${JSON.stringify(results, jsonNumbers, 2)}\n`);
    const bars: ChartBar[] = summaries.list.map((summary) => ({
      label: scenarioInfo(summary.scenario).label,
      value: summary.rps,
      kind: scenarioInfo(summary.scenario).kind,
      note: [
        summary.scenario === 'auth-off' ? '' : `${fmtRatio(ratio(summary.rps, baseline))} · `,
        `${fmt(summary.cpuUsPerReq)} µs/req${summary.storeCpuUsPerReq !== undefined ? ` + ${fmt(summary.storeCpuUsPerReq)} in PostgreSQL` : ''}`,
      ].join(''),
    }));
    const gatewayScale = Math.max(
      ...summaries.list
        .filter((summary) => scenarioInfo(summary.scenario).kind !== 'reference')
        .map((summary) => summary.rps)
        .filter(Number.isFinite),
    );
    const svg = renderBarChart(bars, {
      title: 'jwt-msa gateway: requests/s, ratio vs auth off, CPU µs per request (median of rounds)',
      subtitle: [
        `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${machine.cpuModel}, ${machine.cores} cores · Node ${machine.node}`,
        `autocannon, ${args.connections} connections, ${args.rounds} rounds x ${args.durationS} s interleaved · RS256 token of ${tokens.cached.length} bytes · stand-in upstream on loopback`,
        'Each bar: req/s (2xx) · ratio to auth off · CPU of the serving process per request (load generator excluded)',
      ],
      unit: 'req/s',
      ...(Number.isFinite(gatewayScale) && gatewayScale > 0 && { scaleMax: gatewayScale * 1.25 }),
      ...(baseline !== undefined && { reference: { value: baseline, label: 'auth off' } }),
    });
    await writeFile(path.join(outDir, 'latest.svg'), svg);
    print();
    print(
      `Wrote ${path.relative(process.cwd(), path.join(outDir, 'latest.json'))} and ${path.relative(process.cwd(), path.join(outDir, 'latest.svg'))}`,
    );
  } finally {
    await resources.release();
  }
}

/** Share of the whole machine busy over `ms` while this process waits. */
async function backgroundLoad(ms: number): Promise<number> {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineTicks();
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
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

/** JSON without NaN (null) and with figures rounded to what they mean. */
function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) return null;
  return Number.isInteger(value) ? value : Math.round(value * 1000) / 1000;
}
