import { sumMetric } from '@jwt-msa/cluster';
import { CACHE_METRIC } from './bench-settings';
import type { JwksStandIn } from './jwks-server';
import { runLoad } from './load';
import { machineBusyUs, machineTicks, processCpuUs, processTreeCpuUs } from './proc';
import type { ChildProcesses } from './processes';
import type { RequestPlans } from './request-plans';
import { scenarioInfo } from './scenarios';
import type { SessionStore } from './session-store';
import type { TargetAddress, RunningTargets } from './start-targets';
import type { RunExtra, RunResult } from './stats';

export interface MeasureSetup {
  targets: RunningTargets;
  children: ChildProcesses;
  jwks: JwksStandIn;
  store: SessionStore | undefined;
  plans: RequestPlans;
  connections: number;
  /** Of the machine: the share of it other processes used is counted over all cores. */
  cores: number;
}

type GatewayCounters = Pick<RunExtra, 'verifiedOk' | 'unknownKid' | 'jwksFetchesMetric' | 'cacheHits' | 'cacheMisses'>;

/** One measured (or warm-up) run: the load, and the CPU, machine and counter deltas around it. */
export class ScenarioMeasurer {
  constructor(private readonly setup: MeasureSetup) {}

  async run(id: string, durationS: number, round: number): Promise<RunResult> {
    const { targets, children, jwks, store, plans } = this.setup;
    const info = scenarioInfo(id);
    const endpoint = targets.endpoint(info.target);
    const pid = children.pid(endpoint.name);
    const metricsBefore = await metricsText(endpoint);
    const jwksBefore = jwks.hits.length;
    const storeBefore = info.target === 'session-gateway' && store ? processTreeCpuUs(store.pg.pid) : undefined;
    const oursBefore = processTreeCpuUs(process.pid);
    const busyBefore = machineBusyUs();
    const machineBefore = machineTicks();
    const cpuBefore = processCpuUs(pid);
    const started = Date.now();
    const load = await runLoad({
      origin: endpoint.origin,
      connections: info.connections ?? this.setup.connections,
      durationS,
      requestsFor: plans.planFor(id),
    });
    const cpuAfter = processCpuUs(pid);
    const machineAfter = machineTicks();
    const busyAfter = machineBusyUs();
    const oursAfter = processTreeCpuUs(process.pid);
    const storeAfter = storeBefore !== undefined && store ? processTreeCpuUs(store.pg.pid) : undefined;
    const finished = Date.now();
    const windowSeconds = Math.max(load.seconds, (finished - started) / 1000);
    const metricsAfter = await metricsText(endpoint);
    const responses = load.ok + Object.values(load.rejected).reduce((a, b) => a + b, 0);
    plans.advancePastSent(id, responses);
    const [p50 = Number.NaN, p99 = Number.NaN] = load.latencies.percentiles(50, 99);
    const extra: RunExtra = {
      startedAt: started,
      finishedAt: finished,
      jwksHits: jwks.hits.length - jwksBefore,
      ...(endpoint.adminOrigin ? gatewayCounters(metricsBefore, metricsAfter) : {}),
    };
    return {
      scenario: id,
      round,
      ok: load.ok,
      rejected: load.rejected,
      errors: load.errors,
      timeouts: load.timeouts,
      seconds: load.seconds,
      rps: load.ok / load.seconds,
      p50Ms: p50,
      p99Ms: p99,
      cpuUsPerReq: responses > 0 ? (cpuAfter - cpuBefore) / responses : Number.NaN,
      ...(storeBefore !== undefined &&
        storeAfter !== undefined && { storeCpuUsPerReq: (storeAfter - storeBefore) / responses }),
      machineBusy: (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
      // Over the whole window the machine's counters spanned (the load generator's set-up included).
      otherLoad: Math.max(
        0,
        (busyAfter - busyBefore - (oursAfter - oursBefore)) / (windowSeconds * 1e6 * this.setup.cores),
      ),
      loadgenCores: load.loadgenCpuUs / 1e6 / load.seconds,
      extra,
    };
  }
}

function gatewayCounters(metricsBefore: string, metricsAfter: string): GatewayCounters {
  const delta = (name: string, labels: Record<string, string> = {}) =>
    sumMetric(metricsAfter, name, labels) - sumMetric(metricsBefore, name, labels);
  return {
    verifiedOk: delta('gateway_token_verifications_total', { outcome: 'ok' }),
    unknownKid: delta('gateway_token_verifications_total', { outcome: 'unknown_kid' }),
    jwksFetchesMetric: delta('gateway_jwks_fetches_total'),
    cacheHits: delta(CACHE_METRIC, { result: 'hit' }),
    cacheMisses: delta(CACHE_METRIC, { result: 'miss' }),
  };
}

/** The gateway's admin /metrics; '' for a target without one, or when it does not answer (no counters then). */
async function metricsText(endpoint: TargetAddress): Promise<string> {
  if (!endpoint.adminOrigin) return '';
  try {
    return await (await fetch(`${endpoint.adminOrigin}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
  } catch {
    return '';
  }
}
