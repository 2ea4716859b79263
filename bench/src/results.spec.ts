import { DEFAULT_ARGS } from './args';
import { countJwksFetches, floodFigures } from './flood';
import { goalsFor } from './goals';
import type { JwksStandIn } from './jwks-server';
import { benchResults, jsonNumbers } from './result-files';
import type { RunResult } from './stats';
import { ScenarioSummaries } from './summaries';

function run(scenario: string, round: number, rps: number, extra: Partial<RunResult> = {}): RunResult {
  return {
    scenario,
    round,
    ok: rps,
    rejected: {},
    errors: 0,
    timeouts: 0,
    seconds: 1,
    rps,
    p50Ms: 1,
    p99Ms: 2,
    cpuUsPerReq: 1e6 / rps,
    machineBusy: 0.5,
    otherLoad: 0,
    loadgenCores: 0.5,
    extra: { startedAt: round * 10_000, finishedAt: round * 10_000 + 1000, jwksHits: 0 },
    ...extra,
  };
}

function jwksWithHits(hits: number[]): JwksStandIn {
  return {
    url: 'http://127.0.0.1:1',
    hits,
    hitsBetween: (fromMs, toMs) => hits.filter((at) => at >= fromMs && at <= toMs).length,
    close: () => Promise.resolve(),
  };
}

const floodRun = (round: number, jwksHits: number) =>
  run('jwt-flood', round, 900, {
    rejected: { '401': 100 },
    extra: { startedAt: round * 10_000, finishedAt: round * 10_000 + 1000, jwksHits, unknownKid: 100 },
  });

const runs = [
  run('auth-off', 1, 1000),
  run('jwt-cached', 1, 1000),
  run('session-store', 1, 500, { storeCpuUsPerReq: 1000 }),
  floodRun(1, 3),
  run('auth-off', 2, 1000),
  run('jwt-cached', 2, 1000),
  run('session-store', 2, 500, { storeCpuUsPerReq: 1000 }),
  floodRun(2, 1),
];

describe('summaries', () => {
  it('look medians up by id, with auth-off as the baseline and PostgreSQL in the session cost', () => {
    const summaries = new ScenarioSummaries(runs);
    expect(summaries.list.map((summary) => summary.scenario)).toEqual([
      'auth-off',
      'jwt-cached',
      'session-store',
      'jwt-flood',
    ]);
    expect(summaries.baselineRps).toBe(1000);
    expect(summaries.baselineCpuUsPerReq).toBe(1000);
    expect(summaries.sessionStoreCpuUsPerReq).toBe(3000);
    expect(summaries.rps('jwt-uncached')).toBeUndefined();
    expect(new ScenarioSummaries([]).sessionStoreCpuUsPerReq).toBeUndefined();
  });
});

describe('flood figures', () => {
  it('count JWKS fetches from the first flood run to the last, against the bucket', () => {
    const jwks = jwksWithHits([5, 10_500, 15_000, 20_100, 40_000]);
    const fetches = { atStartUp: 1, wholeRun: 4, wholeRunSeconds: 40 };
    expect(floodFigures(runs, 900, jwks, fetches)).toEqual({
      validRps: 900,
      rejectedPerRun: 100,
      unknownKidPerRun: 100,
      jwksHitsDuringFloodRuns: 4,
      jwksHitsFirstToLastFlood: 3,
      floodSpanSeconds: 11,
      allowedBySpan: 11,
      jwksHitsWholeRun: 4,
      wholeRunSeconds: 40,
    });
    expect(floodFigures([run('auth-off', 1, 1000)], undefined, jwks, fetches)).toBeUndefined();
  });

  it('count the whole run from the first fetch, less those of start-up', () => {
    const fetches = countJwksFetches(jwksWithHits([Date.now() - 4000, Date.now()]), 1);
    expect(fetches.atStartUp).toBe(1);
    expect(fetches.wholeRun).toBe(1);
    expect(fetches.wholeRunSeconds).toBeGreaterThanOrEqual(4);
    expect(countJwksFetches(jwksWithHits([]), 0).wholeRunSeconds).toBe(0);
  });
});

describe('goals', () => {
  it('judge the ratios of medians, and add the JWKS budget and the cache bound when measured', () => {
    const summaries = new ScenarioSummaries(runs);
    const flood = floodFigures(runs, summaries.rps('jwt-flood'), jwksWithHits([]), {
      atStartUp: 0,
      wholeRun: 0,
      wholeRunSeconds: 0,
    });
    const goals = goalsFor({ summaries, runs, flood, cacheMemory: undefined, args: DEFAULT_ARGS });
    expect(goals.map((goal) => goal.name)).toEqual([
      'cached JWT >= 0.95x auth-off',
      'uncached JWT >= 0.85x auth-off',
      'cached JWT >= 1.5x session store',
      'flood: valid req/s >= 0.9x cached JWT',
      'flood: JWKS fetches <= budget (10/min, burst 10)',
    ]);
    expect(goals[0]).toMatchObject({ value: 1, min: 0.95, cpuValue: 1, pairedValue: 1 });
    expect(goals[1]?.value).toBeNaN();
    expect(goals[2]).toMatchObject({ value: 2, cpuValue: 3 });
    expect(goals[4]).toMatchObject({ value: 0, max: 11 });
    const withB = goalsFor({
      summaries,
      runs,
      flood: undefined,
      cacheMemory: undefined,
      args: { ...DEFAULT_ARGS, compareBundle: 'b.js' },
    });
    expect(withB.map((goal) => goal.name)).toContain('[B] auth-off vs A auth-off');
  });
});

describe('result files', () => {
  it('write NaN as null and round fractions to three decimals', () => {
    expect(JSON.stringify({ a: Number.NaN, b: 1 / 3, c: 7, d: 'x' }, jsonNumbers)).toBe(
      '{"a":null,"b":0.333,"c":7,"d":"x"}',
    );
  });

  it('keep the fields of latest.json, in their order', () => {
    const summaries = new ScenarioSummaries(runs);
    const results = benchResults({
      args: DEFAULT_ARGS,
      date: new Date('2026-01-01T00:00:00Z'),
      machine: { cpuModel: 'cpu', cores: 2, memoryGiB: 4, node: 'v20', platform: 'linux-x64' },
      backgroundBusy: 0.01,
      tokenBytes: 826,
      summaries,
      goals: [],
      flood: undefined,
      memory: { gateway: undefined, peakRss: { gateway: 1 }, cache: undefined },
      runs,
    });
    expect(Object.keys(results)).toEqual([
      'date',
      'machine',
      'settings',
      'scenarios',
      'targets',
      'flood',
      'memory',
      'runs',
    ]);
    expect(Object.keys(JSON.parse(JSON.stringify(results, jsonNumbers)) as object)).not.toContain('flood');
    expect(results.settings).toMatchObject({ tokenBytes: 826, jwksRefetchesPerMinute: 10, sessions: 5000 });
    expect(results.settings.gatewayEnv).toEqual({
      VERIFIED_TOKEN_CACHE_MAX_ENTRIES: 1000,
      JWKS_REFETCHES_PER_MINUTE: 10,
      LOG_LEVEL: 'warn',
    });
    expect(results.scenarios[2]).toMatchObject({
      scenario: 'session-store',
      ratioVsAuthOff: 0.5,
      cpuRatioVsAuthOff: 0.5,
    });
  });
});
