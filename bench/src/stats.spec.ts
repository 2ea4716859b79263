import {
  LatencyRecorder,
  median,
  pairedRatio,
  percentileOfSorted,
  ratio,
  summarize,
  tokenBucketBound,
  verdict,
  type RunResult,
} from './stats';

function run(scenario: string, round: number, rps: number, extra: Partial<RunResult> = {}): RunResult {
  return {
    scenario,
    round,
    ok: rps * 5,
    rejected: {},
    errors: 0,
    timeouts: 0,
    seconds: 5,
    rps,
    p50Ms: rps / 100,
    p99Ms: rps / 10,
    cpuUsPerReq: 1e6 / rps,
    machineBusy: 1,
    otherLoad: 0.1,
    loadgenCores: 0.5,
    extra: { startedAt: round * 10_000, finishedAt: round * 10_000 + 5000, jwksHits: 0 },
    ...extra,
  };
}

describe('stats', () => {
  it('median of odd and even counts, ignoring NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOfSorted(sorted, 50)).toBe(50);
    expect(percentileOfSorted(sorted, 99)).toBe(99);
    expect(percentileOfSorted(sorted, 100)).toBe(100);
    expect(percentileOfSorted([7], 99)).toBe(7);
    expect(percentileOfSorted([], 50)).toBeNaN();
  });

  it('records latencies past its initial capacity and sorts them numerically', () => {
    const recorder = new LatencyRecorder();
    for (let i = 70_000; i > 0; i -= 1) recorder.record(i / 10);
    expect(recorder.size).toBe(70_000);
    const [p50, p99] = recorder.percentiles(50, 99);
    expect(p50).toBe(3500);
    expect(p99).toBe(6930);
  });

  it('summarizes each scenario by the median of its rounds, and sums store CPU only where measured', () => {
    const summaries = summarize([
      run('a', 1, 100),
      run('b', 1, 50, { storeCpuUsPerReq: 30, rejected: { 401: 2 } }),
      run('a', 2, 300),
      run('b', 2, 70, { storeCpuUsPerReq: 10 }),
      run('a', 3, 200),
      run('b', 3, 60, { storeCpuUsPerReq: 20 }),
    ]);
    expect(summaries.map((s) => s.scenario)).toEqual(['a', 'b']);
    expect(summaries[0]).toMatchObject({ rounds: 3, rps: 200, p50Ms: 2, rejected: 0, cpuUsPerReqMin: 1e6 / 300 });
    expect(summaries[0]!.storeCpuUsPerReq).toBeUndefined();
    expect(summaries[1]).toMatchObject({ rps: 60, storeCpuUsPerReq: 20, rejected: 2 });
  });

  it('paired ratios: the median of the per-round ratios', () => {
    const runs = [
      run('a', 1, 100),
      run('b', 1, 90),
      run('a', 2, 200),
      run('b', 2, 190),
      run('a', 3, 300),
      run('b', 3, 150),
      run('b', 4, 10),
    ];
    expect(pairedRatio(runs, 'b', 'a')).toBeCloseTo(0.9);
    expect(pairedRatio(runs, 'b', 'a', 'cpuUsPerReq')).toBeCloseTo(0.9);
    expect(pairedRatio(runs, 'b', 'missing')).toBeNaN();
  });

  it('ratios and verdicts', () => {
    expect(ratio(95, 100)).toBeCloseTo(0.95);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(undefined, 1)).toBeNaN();
    expect(verdict({ name: 'x', value: 0.95, min: 0.95, judgedBy: 'rps' })).toBe('PASS');
    expect(verdict({ name: 'x', value: 0.9499, min: 0.95, judgedBy: 'rps' })).toBe('MISS');
    expect(verdict({ name: 'x', value: 11, max: 10, judgedBy: 'rps' })).toBe('MISS');
    expect(verdict({ name: 'x', value: Number.NaN, min: 1, judgedBy: 'rps' })).toBe('n/a');
    expect(verdict({ name: 'x', value: 1.02, judgedBy: 'rps' })).toBe('info');
  });

  it('a full token bucket allows its burst plus the refill', () => {
    expect(tokenBucketBound(10, 0)).toBe(10);
    expect(tokenBucketBound(10, 60)).toBe(20);
    expect(tokenBucketBound(10, 90)).toBe(25);
  });
});
