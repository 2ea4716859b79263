import type { BenchArgs } from './args';
import { SESSIONS } from './bench-settings';
import {
  printBackground,
  printCacheHits,
  printCacheMemoryProbe,
  printFlood,
  printGoals,
  printHeader,
  printMemory,
  printRawVerify,
  printResults,
  printRun,
  printSetUp,
  printTargetsUp,
  printWarmUp,
  printWrote,
} from './console-report';
import { countJwksFetches, floodFigures } from './flood';
import { goalsFor } from './goals';
import { startJwksStandIn } from './jwks-server';
import { ScenarioMeasurer } from './measure';
import { peakRssPerProcess, probeCacheMemory, probeGatewayMemory, type MemoryFigures } from './memory-probes';
import { backgroundLoad, machineInfo } from './proc';
import { measureRawVerify } from './raw-verify';
import { RequestPlans } from './request-plans';
import { writeResultFiles } from './result-files';
import { measureRounds, warmUp } from './rounds';
import { RunResources } from './run-resources';
import { checkTargetsAnswer } from './sanity-check';
import { selectScenarioIds, targetsOf } from './scenarios';
import { seedSessions, startSessionStore } from './session-store';
import { existingGatewayBundle, startTargets } from './start-targets';
import { startStopwatch } from './stopwatch';
import { ScenarioSummaries } from './summaries';
import { newPoolKeys, signTokenPools } from './token-pools';

/** `npm run bench`: see docs/benchmark.md. The steps of a run, in order; each lives in its own module. */
export async function runBench(args: BenchArgs, bundleFile: string): Promise<void> {
  const gatewayBundle = existingGatewayBundle(args.gatewayBundle);
  const scenarioIds = selectScenarioIds(args.only, args.compareBundle);
  const needed = targetsOf(scenarioIds);
  const resources = await RunResources.open();
  const { children, workDir } = resources;
  try {
    const machine = machineInfo();
    const date = new Date();
    printHeader(args, date, machine);
    const backgroundBusy = await backgroundLoad(2000);
    printBackground(backgroundBusy);

    const setUpTime = startStopwatch();
    const keys = await newPoolKeys();
    const [tokens, store] = await Promise.all([
      signTokenPools(keys, args, bundleFile),
      needed.has('session-gateway') ? startSessionStore(workDir, SESSIONS) : undefined,
    ]);
    if (store) resources.closeAtEnd(() => store.pg.stop());
    printSetUp(args, tokens, store !== undefined, setUpTime.seconds());

    const startUpTime = startStopwatch();
    const jwks = await startJwksStandIn([keys.issuer.publicJwk]);
    resources.closeAtEnd(() => jwks.close());
    const targets = await startTargets({ args, gatewayBundle, bundleFile, workDir, children, jwks, store, needed });
    if (store) await seedSessions(store);
    const jwksFetchesAtStartUp = jwks.hits.length;
    const plans = new RequestPlans(tokens, store?.sessionIds ?? [], args);
    await checkTargetsAnswer(scenarioIds, targets, plans, children);
    printTargetsUp(targets, startUpTime.seconds());

    const measurer = new ScenarioMeasurer({
      targets,
      children,
      jwks,
      store,
      plans,
      connections: args.connections,
      cores: machine.cores,
    });
    const warmUpTime = startStopwatch();
    await warmUp(measurer, scenarioIds, args.warmupS);
    printWarmUp(args.warmupS, warmUpTime.seconds());
    const runs = await measureRounds(measurer, scenarioIds, args, (run) => printRun(run, args.rounds));

    const gatewayMemory = await probeGatewayMemory(targets, children, plans, tokens.pool.length, args);
    const peakRss = peakRssPerProcess(targets, children);
    const jwksFetches = countJwksFetches(jwks, jwksFetchesAtStartUp);
    // The load is over: stop the servers so the memory probes below run on a quiet machine.
    await children.stopAll();
    await store?.pg.stop();
    const probeTime = startStopwatch();
    const cacheMemory = await probeCacheMemory(children, bundleFile, workDir, args.memoryEntries);
    printCacheMemoryProbe(cacheMemory, args.memoryEntries, probeTime.seconds());
    const memory: MemoryFigures = { gateway: gatewayMemory, peakRss, cache: cacheMemory };
    const rawVerify = measureRawVerify();
    printRawVerify(rawVerify);

    const summaries = new ScenarioSummaries(runs);
    const flood = floodFigures(runs, summaries.rps('jwt-flood'), jwks, jwksFetches);
    const goals = goalsFor({ summaries, runs, flood, cacheMemory, rawVerify, args });
    printResults(summaries, runs, args);
    printGoals(goals);
    printFlood(flood, jwksFetches, runs, summaries, args.floodShare);
    printCacheHits(scenarioIds, runs);
    printMemory(memory, args.cacheEntries);
    const files = await writeResultFiles({
      args,
      date,
      machine,
      backgroundBusy,
      tokenBytes: tokens.cached.length,
      summaries,
      goals,
      flood,
      memory,
      rawVerify,
      runs,
    });
    printWrote(files);
  } finally {
    await resources.release();
  }
}
