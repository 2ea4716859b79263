import { DEFAULT_ARGS, parseBenchArgs, USAGE, UsageError } from './args';
import { parseMachineTicks, parseStatCpuTicks, parseStatParentPid, parseStatusKb } from './proc';
import { rewarmScenarioOf, warmUpPlan } from './rounds';
import { interleave, roundOrder, scenarioInfo, SCENARIOS, selectScenarioIds, sliceFor, targetsOf } from './scenarios';

describe('args', () => {
  it('defaults, and every option in both spellings', () => {
    expect(parseBenchArgs([])).toMatchObject({
      durationS: 2,
      rounds: 7,
      connections: 50,
      poolSize: 6000,
      cacheEntries: 1000,
    });
    expect(
      parseBenchArgs(['--duration', '2', '--rounds=1', '--connections', '10', '--only', 'auth-off,direct']),
    ).toMatchObject({
      durationS: 2,
      rounds: 1,
      connections: 10,
      only: ['auth-off', 'direct'],
    });
  });

  it('refuses bad values, unknown options and a pool the cache could hold', () => {
    expect(() => parseBenchArgs(['--rounds', '1.5'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--duration', ''])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--connections'])).toThrow(/needs a value/);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow(/unknown option/);
    expect(() => parseBenchArgs(['--pool', '100', '--cache-entries', '100'])).toThrow(/must exceed/);
  });

  it('keeps the rest of the defaults, and a fresh list of gateway node flags per parse', () => {
    const args = parseBenchArgs(['--rounds', '3']);
    expect(args).toEqual({ ...DEFAULT_ARGS, rounds: 3 });
    args.gatewayNodeArgs.push('--inspect');
    expect(DEFAULT_ARGS.gatewayNodeArgs).toEqual([]);
    expect(parseBenchArgs([]).gatewayNodeArgs).toEqual([]);
  });

  it('takes values that start with a dash, repeats --gateway-node-arg, and the last of any other option', () => {
    const args = parseBenchArgs([
      '--gateway-node-arg',
      '--cpu-prof',
      '--gateway-node-arg=--cpu-prof-dir=/tmp/prof',
      '--out=/tmp/out',
      '--gateway-bundle',
      'a.js',
      '--gateway-bundle',
      'b.js',
      '--compare-bundle',
      'c.js',
      '--only',
      ' auth-off , ,direct ',
    ]);
    expect(args.gatewayNodeArgs).toEqual(['--cpu-prof', '--cpu-prof-dir=/tmp/prof']);
    expect(args).toMatchObject({ outDir: '/tmp/out', gatewayBundle: 'b.js', compareBundle: 'c.js' });
    expect(args.only).toEqual(['auth-off', 'direct']);
    expect(parseBenchArgs(['--warmup', '-0']).warmupS).toBe(-0);
  });

  it('accepts the bounds of each number and names the flag, the range and the value when out of them', () => {
    expect(
      parseBenchArgs(['--duration', '1', '--warmup', '0', '--memory', '0', '--memory-entries', '0']),
    ).toMatchObject({ durationS: 1, warmupS: 0, memoryS: 0, memoryEntries: 0 });
    expect(parseBenchArgs(['--flood-share', '0.5', '--session-pool', '100']).floodShare).toBe(0.5);
    expect(() => parseBenchArgs(['--rounds', '1.5'])).toThrow('--rounds must be an integer from 1 to 50, got "1.5"');
    expect(() => parseBenchArgs(['--duration='])).toThrow('--duration must be a number from 1 to 600, got ""');
    expect(() => parseBenchArgs(['--duration', ' '])).toThrow('--duration must be a number from 1 to 600, got " "');
    expect(() => parseBenchArgs(['--flood-share', '0.6'])).toThrow(
      '--flood-share must be a number from 0.01 to 0.5, got "0.6"',
    );
    expect(() => parseBenchArgs(['--warmup', '-1'])).toThrow('--warmup must be a number from 0 to 120, got "-1"');
    expect(() => parseBenchArgs(['--session-pool', '101'])).toThrow(/--session-pool must be an integer from 1 to 100/);
    expect(() => parseBenchArgs(['--rounds', 'many'])).toThrow('got "many"');
    // A flag after a numeric one is its value, not an option (as before parseArgs).
    expect(() => parseBenchArgs(['--rounds', '--duration', '3'])).toThrow('got "--duration"');
  });

  it('reports the first problem on the command line, with the usage where the option itself is wrong', () => {
    const usageLine = USAGE.split('\n')[0] ?? '';
    expect(() => parseBenchArgs(['--only'])).toThrow(`--only needs a value\n${usageLine}`);
    expect(() => parseBenchArgs(['--frobnicate=3'])).toThrow(`unknown option "--frobnicate=3"\n${usageLine}`);
    expect(() => parseBenchArgs(['results'])).toThrow('unknown option "results"');
    expect(() => parseBenchArgs(['--'])).toThrow('unknown option "--"');
    expect(() => parseBenchArgs(['-x'])).toThrow('unknown option "-x"');
    expect(() => parseBenchArgs(['-hx'])).toThrow('unknown option "-hx"');
    expect(() => parseBenchArgs(['--constructor', 'x'])).toThrow('unknown option "--constructor"');
    expect(() => parseBenchArgs(['--rounds', 'x', '--frobnicate'])).toThrow('--rounds must be');
    expect(() => parseBenchArgs(['--frobnicate', '--rounds', 'x'])).toThrow('unknown option "--frobnicate"');
    expect(() => parseBenchArgs(['--rounds', 'x', '--rounds', '3'])).toThrow('got "x"');
  });

  it('answers --help and -h with the usage alone', () => {
    for (const flag of ['--help', '-h']) {
      expect(() => parseBenchArgs(['--rounds', '3', flag])).toThrow(new UsageError(USAGE));
    }
  });
});

describe('/proc parsing', () => {
  const stat =
    '4242 (node worker (x) 1) S 4200 4242 4242 0 -1 4194304 1000 0 0 0 1234 567 0 0 20 0 11 0 100 1000000 5000';

  it('reads utime+stime and the parent pid even when the command name has spaces and parens', () => {
    expect(parseStatCpuTicks(stat)).toBe(1234 + 567);
    expect(parseStatParentPid(stat)).toBe(4200);
  });

  it('reads kB fields of /proc/<pid>/status in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(parseStatusKb(status, 'VmRSS')).toBe(100 * 2 ** 20);
    expect(parseStatusKb(status, 'VmHWM')).toBe(200 * 2 ** 20);
    expect(parseStatusKb(status, 'VmSwap')).toBeNaN();
  });

  it('machine busy = all but idle and iowait', () => {
    expect(parseMachineTicks('cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 1 2 3 4')).toEqual({ busy: 160, total: 980 });
  });
});

describe('scenarios', () => {
  it('have unique ids, and each round starts elsewhere', () => {
    const ids = SCENARIOS.map((scenario) => scenario.id);
    expect(new Set(ids).size).toBe(ids.length);
    const firsts = [0, 1, 2].map((round) => roundOrder(ids, round)[0]);
    expect(new Set(firsts).size).toBe(3);
    for (const round of [0, 1, 2]) expect([...roundOrder(ids, round)].sort()).toEqual([...ids].sort());
  });

  it('warm every serving process for the same time, split over the scenarios it serves', () => {
    const plan = warmUpPlan(['auth-off', 'jwt-cached', 'jwt-cached-revocations-100k', 'jwt-uncached'], 30);
    expect(plan).toEqual([
      { id: 'auth-off', seconds: 10 },
      { id: 'jwt-cached', seconds: 10 },
      { id: 'jwt-cached-revocations-100k', seconds: 30 },
      { id: 'jwt-uncached', seconds: 10 },
    ]);
  });

  it('re-warms each scenario with its own load, the flood with valid tokens on the same gateway', () => {
    expect(rewarmScenarioOf('jwt-cached-revocations-100k')).toBe('jwt-cached-revocations-100k');
    expect(rewarmScenarioOf('jwt-uncached')).toBe('jwt-uncached');
    expect(rewarmScenarioOf('jwt-flood')).toBe('jwt-cached');
    expect(scenarioInfo('jwt-flood').target).toBe(scenarioInfo('jwt-cached').target);
    expect(parseBenchArgs([]).rewarmS).toBe(1);
    expect(parseBenchArgs(['--rewarm', '0']).rewarmS).toBe(0);
    expect(() => parseBenchArgs(['--rewarm', '-1'])).toThrow('--rewarm must be a number from 0 to 60, got "-1"');
  });

  it('splits a pool across connections without overlap', () => {
    const pool = Array.from({ length: 10 }, (_, i) => i);
    const slices = [0, 1, 2].map((part) => sliceFor(pool, part, 3));
    expect(slices).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });

  it('selects all scenarios, or --only ones in the usual order, then B twins of the compared ones', () => {
    expect(selectScenarioIds(undefined, undefined)).toEqual(SCENARIOS.map((scenario) => scenario.id));
    expect(selectScenarioIds(['direct', 'auth-off'], undefined)).toEqual(['auth-off', 'direct']);
    expect(selectScenarioIds(['direct', 'jwt-cached', 'auth-off'], 'other.js')).toEqual([
      'auth-off',
      'jwt-cached',
      'direct',
      'auth-off@B',
      'jwt-cached@B',
    ]);
    expect(() => selectScenarioIds(['auth-of'], undefined)).toThrow('unknown scenario "auth-of"');
    expect([...targetsOf(['auth-off', 'jwt-cached@B', 'direct'])]).toEqual(['gateway', 'gateway-b', 'upstream']);
  });

  it('puts one flood request in every period', () => {
    expect(interleave('v', ['f1', 'f2'], 3)).toEqual(['v', 'v', 'f1', 'v', 'v', 'f2']);
  });
});
