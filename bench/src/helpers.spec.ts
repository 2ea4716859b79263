import { parseBenchArgs, UsageError } from './args';
import { parseMachineTicks, parseStatCpuTicks, parseStatParentPid, parseStatusKb } from './proc';
import { interleave, roundOrder, SCENARIOS, sliceFor } from './scenarios';

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

  it('splits a pool across connections without overlap', () => {
    const pool = Array.from({ length: 10 }, (_, i) => i);
    const slices = [0, 1, 2].map((part) => sliceFor(pool, part, 3));
    expect(slices).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });

  it('puts one flood request in every period', () => {
    expect(interleave('v', ['f1', 'f2'], 3)).toEqual(['v', 'v', 'f1', 'v', 'v', 'f2']);
  });
});
