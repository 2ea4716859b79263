import path from 'node:path';
import type { BenchArgs } from './args';
import { GATEWAY_DEFAULT_CACHE_BOUNDS } from './bench-settings';
import type { CacheMemoryResult } from './cache-memory';
import { runLoad } from './load';
import { processMemory } from './proc';
import { minimalEnv, type ChildProcesses } from './processes';
import type { RequestPlans } from './request-plans';
import type { RunningTargets } from './start-targets';

/** The gateway's resident set around a long run of distinct valid tokens (bytes; seconds). */
export interface GatewayMemory {
  seconds: number;
  requests: number;
  distinctTokens: number;
  rssBefore: number;
  maxRssDuring: number;
  rssAfter: number;
  /** VmHWM: the peak since the gateway started, rounds included. */
  peakRssLifetime: number;
}

/** VmHWM of each process that served a scenario, by process name. */
export type PeakRssByProcess = Record<string, number>;

/** The gateway's cache class alone, with the gateway's default bounds and with none. */
export interface CacheMemory {
  bounded: CacheMemoryResult;
  unbounded: CacheMemoryResult;
}

export interface MemoryFigures {
  gateway: GatewayMemory | undefined;
  peakRss: PeakRssByProcess;
  cache: CacheMemory | undefined;
}

/** Undefined when skipped (--memory 0, or no gateway scenario selected). */
export async function probeGatewayMemory(
  targets: RunningTargets,
  children: ChildProcesses,
  plans: RequestPlans,
  distinctTokensAvailable: number,
  args: Pick<BenchArgs, 'memoryS' | 'connections'>,
): Promise<GatewayMemory | undefined> {
  if (!(args.memoryS > 0 && targets.has('gateway'))) return undefined;
  const pid = children.pid('gateway');
  const before = processMemory(pid);
  let maxRss = before.rss;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, processMemory(pid).rss);
  }, 250);
  const load = await runLoad({
    origin: targets.endpoint('gateway').origin,
    connections: args.connections,
    durationS: args.memoryS,
    requestsFor: plans.planFor('jwt-uncached'),
  });
  clearInterval(sampler);
  plans.advancePastSent('jwt-uncached', load.ok);
  const after = processMemory(pid);
  return {
    seconds: load.seconds,
    requests: load.ok,
    distinctTokens: Math.min(load.ok, distinctTokensAvailable),
    rssBefore: before.rss,
    maxRssDuring: Math.max(maxRss, after.rss),
    rssAfter: after.rss,
    peakRssLifetime: after.peakRss,
  };
}

export function peakRssPerProcess(targets: RunningTargets, children: ChildProcesses): PeakRssByProcess {
  const peakRss: PeakRssByProcess = {};
  for (const endpoint of targets.endpoints())
    if (children.isRunning(endpoint.name)) peakRss[endpoint.name] = processMemory(children.pid(endpoint.name)).peakRss;
  return peakRss;
}

/**
 * `entries` synthetic tokens through VerifiedTokenCache in two child processes at once (see
 * cache-memory.ts); undefined when skipped (--memory-entries 0). Run it on a quiet machine: after
 * the servers have stopped.
 */
export async function probeCacheMemory(
  children: ChildProcesses,
  bundleFile: string,
  workDir: string,
  entries: number,
): Promise<CacheMemory | undefined> {
  if (entries <= 0) return undefined;
  const probe = (name: string, maxEntries: string, maxBytes: string) =>
    children
      .startAndWait<CacheMemoryResult>(
        {
          name,
          file: bundleFile,
          args: ['--role', 'cache-memory'],
          env: minimalEnv({ ENTRIES: String(entries), MAX_ENTRIES: maxEntries, MAX_BYTES: maxBytes }),
          execArgv: ['--expose-gc', '--max-old-space-size=8192'],
          logFile: path.join(workDir, `${name}.log`),
        },
        'result',
        600_000,
      )
      .then(({ message }) => message);
  const [bounded, unbounded] = await Promise.all([
    probe(
      'cache-bounded',
      String(GATEWAY_DEFAULT_CACHE_BOUNDS.maxEntries),
      String(GATEWAY_DEFAULT_CACHE_BOUNDS.maxBytes),
    ),
    probe('cache-unbounded', 'Infinity', 'Infinity'),
  ]);
  await children.stopAll();
  return { bounded, unbounded };
}
