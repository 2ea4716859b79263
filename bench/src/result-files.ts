import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchArgs } from './args';
import { GATEWAY_CACHE_ENTRIES_ENV, JWKS_REFETCHES_PER_MINUTE, SESSIONS } from './bench-settings';
import type { FloodFigures } from './flood';
import type { Goal } from './goals';
import type { MemoryFigures } from './memory-probes';
import type { MachineInfo } from './proc';
import type { RawVerifyFigures } from './raw-verify';
import { fmt, fmtRatio, renderBarChart, type ChartBar } from './report';
import { scenarioInfo } from './scenarios';
import { ratio, verdict, type RunResult, type ScenarioSummary, type Verdict } from './stats';
import type { ScenarioSummaries } from './summaries';

export interface RunFigures {
  args: BenchArgs;
  date: Date;
  machine: MachineInfo;
  /** Busy share of the machine before the bench started (see printBackground). */
  backgroundBusy: number;
  tokenBytes: number;
  summaries: ScenarioSummaries;
  goals: readonly Goal[];
  flood: FloodFigures | undefined;
  memory: MemoryFigures;
  rawVerify: RawVerifyFigures;
  runs: readonly RunResult[];
}

/** latest.json. Fields that are undefined (no flood runs, a memory probe skipped) are left out. */
export interface BenchResults {
  date: string;
  machine: MachineInfo & { backgroundBusyBeforeStart: number };
  settings: BenchArgs & {
    tokenBytes: number;
    jwksRefetchesPerMinute: number;
    gatewayEnv: Record<string, string | number>;
    sessions: number;
  };
  scenarios: Array<
    | (ScenarioSummary & { label: string; description: string; ratioVsAuthOff: number; cpuRatioVsAuthOff: number })
    | ({ scenario: 'raw-verify'; label: string; description: string } & RawVerifyFigures)
  >;
  targets: Array<Goal & { verdict: Verdict; direction: 'at least' | 'at most' | 'info' }>;
  flood: FloodFigures | undefined;
  memory: MemoryFigures;
  runs: readonly RunResult[];
}

export interface ResultFiles {
  json: string;
  svg: string;
}

/** Writes latest.json and latest.svg into --out; returns their paths. */
export async function writeResultFiles(figures: RunFigures): Promise<ResultFiles> {
  const outDir = path.resolve(figures.args.outDir);
  await mkdir(outDir, { recursive: true });
  const files = { json: path.join(outDir, 'latest.json'), svg: path.join(outDir, 'latest.svg') };
  await writeFile(files.json, `${JSON.stringify(benchResults(figures), jsonNumbers, 2)}\n`);
  await writeFile(files.svg, resultsChart(figures));
  return files;
}

export function benchResults(figures: RunFigures): BenchResults {
  const { args, summaries } = figures;
  return {
    date: figures.date.toISOString(),
    machine: { ...figures.machine, backgroundBusyBeforeStart: figures.backgroundBusy },
    settings: {
      ...args,
      tokenBytes: figures.tokenBytes,
      jwksRefetchesPerMinute: JWKS_REFETCHES_PER_MINUTE,
      gatewayEnv: {
        [GATEWAY_CACHE_ENTRIES_ENV]: args.cacheEntries,
        JWKS_REFETCHES_PER_MINUTE: JWKS_REFETCHES_PER_MINUTE,
        LOG_LEVEL: 'warn',
      },
      sessions: SESSIONS,
    },
    scenarios: [
      ...summaries.list.map((summary) => ({
        ...summary,
        label: scenarioInfo(summary.scenario).label,
        description: scenarioInfo(summary.scenario).description,
        ratioVsAuthOff: ratio(summary.rps, summaries.baselineRps),
        cpuRatioVsAuthOff: ratio(summaries.baselineCpuUsPerReq, summary.cpuUsPerReq),
      })),
      {
        scenario: 'raw-verify' as const,
        label: 'crypto.verify, RS256, 2048-bit KeyObject (reference)',
        description: 'One RSA signature check in the bench process after the load: the floor of a full verification',
        ...figures.rawVerify,
      },
    ],
    targets: figures.goals.map((goal) => ({
      ...goal,
      verdict: verdict(goal),
      direction:
        goal.min !== undefined
          ? ('at least' as const)
          : goal.max !== undefined
            ? ('at most' as const)
            : ('info' as const),
    })),
    flood: figures.flood,
    memory: figures.memory,
    runs: figures.runs,
  };
}

/** One bar per scenario; the reference scenarios may run off the scale, so the gateways' bars stay readable. */
export function resultsChart(figures: RunFigures): string {
  const { args, machine, summaries } = figures;
  const baseline = summaries.baselineRps;
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
  return renderBarChart(bars, {
    title: 'jwt-msa gateway: requests/s, ratio vs auth off, CPU µs per request (median of rounds)',
    subtitle: [
      `${figures.date.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${machine.cpuModel}, ${machine.cores} cores · Node ${machine.node}`,
      `autocannon, ${args.connections} connections, ${args.rounds} rounds x ${args.durationS} s interleaved · RS256 token of ${figures.tokenBytes} bytes · stand-in upstream on loopback`,
      'Each bar: req/s (2xx) · ratio to auth off · CPU of the serving process per request (load generator excluded)',
    ],
    unit: 'req/s',
    ...(Number.isFinite(gatewayScale) && gatewayScale > 0 && { scaleMax: gatewayScale * 1.25 }),
    ...(baseline !== undefined && { reference: { value: baseline, label: 'auth off' } }),
  });
}

/** JSON without NaN (null) and with figures rounded to what they mean. */
export function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) return null;
  return Number.isInteger(value) ? value : Math.round(value * 1000) / 1000;
}
